"""Posts: write, edit, delete (soft), read one, list a category or everything by activity."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, select

from ... import events
from ...extensions import db
from ...models import Category, Comment, Post, User
from ...rules import forum_permissions as can
from ..markdown import render_markdown
from ..text import clean, clean_line
from .errors import NotAllowed, NotFound, invalid, row
from .pages import Cursor, Page, older_than, page_of

TITLE_MIN, TITLE_MAX = 3, 150
BODY_MAX = 20_000


def check_title(title: str) -> str | None:
    if len(title) < TITLE_MIN:
        return f"Give your post a title of at least {TITLE_MIN} characters."
    if len(title) > TITLE_MAX:
        return f"Keep the title to {TITLE_MAX} characters (it has {len(title)})."
    return None


def check_body(body: str) -> str | None:
    if not body.strip():
        return "Write something first."
    if len(body) > BODY_MAX:
        return f"Keep it to {BODY_MAX:,} characters (it has {len(body):,})."
    return None


def require_participant(user) -> None:
    if not can.can_take_part(user):
        raise NotAllowed("Create a free account to take part: your guest history comes with you.")


def _could_name_something(value) -> bool:
    """Slugs and usernames are short and printable: anything else names nothing, and is never
    sent to the database (PostgreSQL refuses NUL in text with an error)."""
    return isinstance(value, str) and len(value) <= 100 and value.isprintable()


def find_category(slug_or_id) -> Category:
    column = Category.id if isinstance(slug_or_id, int) else Category.slug
    category = None
    if isinstance(slug_or_id, int) or _could_name_something(slug_or_id):
        category = db.session.execute(select(Category).where(column == slug_or_id)).scalar_one_or_none()
    if category is None:
        raise NotFound("There is no such category.", {"category": "Choose one of the categories."})
    return category


def categories() -> list[Category]:
    return list(db.session.execute(select(Category).order_by(Category.position, Category.id)).scalars())


def create_post(author: User, category, title: str, body: str, now: datetime) -> Post:
    require_participant(author)
    title, body = clean_line(title), clean(body)
    problems = {name: message for name, message in
                (("title", check_title(title)), ("body", check_body(body))) if message}
    try:
        category_row = find_category(category)
    except NotFound as error:
        problems.update(error.fields)
    if problems:
        raise invalid(problems)
    post = Post(category_id=category_row.id, author_id=author.id, title=title, body=body,
                body_html=render_markdown(body), created_at=now, last_activity_at=now)
    db.session.add(post)
    events.announce(events.ForumContributed(author.id, now))
    db.session.commit()  # the FTS trigger writes the index row in this same transaction
    return post


def edit_post(user: User, post_id: int, now: datetime, title: str | None = None, body: str | None = None) -> Post:
    post = get_post(user, post_id)
    if not can.can_edit(user, post):
        raise NotAllowed("Only its author can edit this post.")
    problems = {}
    if title is not None:
        title = clean_line(title)
        if message := check_title(title):
            problems["title"] = message
    if body is not None:
        body = clean(body)
        if message := check_body(body):
            problems["body"] = message
    if problems:
        raise invalid(problems)
    if title is not None:
        post.title = title
    if body is not None:
        post.body, post.body_html = body, render_markdown(body)
    post.edited_at = now
    db.session.commit()
    return post


def delete_post(user: User, post_id: int, now: datetime) -> Post:
    post = get_post(user, post_id)
    if not can.can_delete(user, post):
        raise NotAllowed("Only its author or a moderator can delete this post.")
    post.deleted_at = now
    db.session.commit()
    return post


def has_visible_comments(post_id: int) -> bool:
    return db.session.execute(select(exists().where(
        Comment.post_id == post_id, Comment.deleted_at.is_(None), Comment.hidden_at.is_(None)))).scalar()


def get_post(viewer, post_id: int) -> Post:
    """The post as `viewer` may see it, else NotFound (hidden and emptied posts do not leak)."""
    post = row(Post, post_id)
    if post is None or not can.can_see(viewer, post):
        raise NotFound("There is no such post.")
    if post.deleted_at is not None and not can.is_moderator(viewer) and not has_visible_comments(post.id):
        raise NotFound("There is no such post.")
    return post


def _listable(query, viewer):
    if can.is_moderator(viewer):
        return query
    return query.where(Post.deleted_at.is_(None), Post.hidden_at.is_(None))


def pinned_posts(viewer, category: Category | None = None) -> list[Post]:
    query = _listable(select(Post).where(Post.pinned.is_(True)), viewer)
    if category is not None:
        query = query.where(Post.category_id == category.id)
    return list(db.session.execute(query.order_by(Post.last_activity_at.desc(), Post.id.desc())).scalars())


def list_posts(viewer, category: Category | None = None, author: User | None = None,
               before: Cursor | None = None, limit: int = 20, include_pinned: bool = False) -> Page:
    """Newest activity first; pinned posts are listed apart (pinned_posts) unless include_pinned."""
    query = _listable(select(Post), viewer)
    if not include_pinned:
        query = query.where(Post.pinned.is_(False))
    if category is not None:
        query = query.where(Post.category_id == category.id)
    if author is not None:
        query = query.where(Post.author_id == author.id)
    query = query.where(older_than(Post.last_activity_at, Post.id, before))
    query = query.order_by(Post.last_activity_at.desc(), Post.id.desc()).limit(limit + 1)
    return page_of(list(db.session.execute(query).scalars()), limit, lambda post: post.last_activity_at)


def find_author(username: str) -> User:
    user = None
    if _could_name_something(username):
        user = db.session.execute(select(User).where(User.username == username.strip().lower())
                                  ).scalar_one_or_none()
    if user is None:
        raise NotFound("There is nobody by that name.", {"author": "No account has this username."})
    return user
