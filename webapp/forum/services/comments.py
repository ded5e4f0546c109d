"""Comments: reply to a post or to a comment, edit, delete (soft), and the thread to draw."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from ... import events
from ...extensions import db
from ...models import Comment, Post, User
from ...rules import forum_permissions as can
from ...rules.forum_threads import build_thread
from ..markdown import render_markdown
from ..text import clean
from .errors import Conflict, NotAllowed, NotFound, invalid, row
from .pages import Cursor, Page, older_than, page_of
from .posts import check_body, get_post, require_participant


def add_comment(author: User, post_id: int, body: str, now: datetime, parent_id: int | None = None) -> Comment:
    require_participant(author)
    post = get_post(author, post_id)
    if not can.can_reply(author, post):
        raise Conflict("This thread is locked: no new replies." if post.locked else "You cannot reply here.")
    body = clean(body)
    if message := check_body(body):
        raise invalid({"body": message})
    if parent_id is not None:
        parent = row(Comment, parent_id)
        if parent is None or parent.post_id != post.id or not can.can_see(author, parent):
            raise invalid({"parent_id": "That comment is not in this thread."})
        if parent.deleted_at is not None:
            raise Conflict("That comment was deleted; reply to the thread instead.")
    comment = Comment(post_id=post.id, parent_id=parent_id, author_id=author.id, body=body,
                      body_html=render_markdown(body), created_at=now)
    db.session.add(comment)
    db.session.execute(update(Post).where(Post.id == post.id).values(last_activity_at=now))
    events.announce(events.ForumContributed(author.id, now))
    db.session.commit()
    return comment


def get_comment(viewer, comment_id: int) -> Comment:
    comment = row(Comment, comment_id)
    if comment is None or not can.can_see(viewer, comment):
        raise NotFound("There is no such comment.")
    get_post(viewer, comment.post_id)
    return comment


def edit_comment(user: User, comment_id: int, body: str, now: datetime) -> Comment:
    comment = get_comment(user, comment_id)
    if not can.can_edit(user, comment):
        raise NotAllowed("Only its author can edit this comment.")
    body = clean(body)
    if message := check_body(body):
        raise invalid({"body": message})
    comment.body, comment.body_html, comment.edited_at = body, render_markdown(body), now
    db.session.commit()
    return comment


def delete_comment(user: User, comment_id: int, now: datetime) -> Comment:
    comment = get_comment(user, comment_id)
    if not can.can_delete(user, comment):
        raise NotAllowed("Only its author or a moderator can delete this comment.")
    comment.deleted_at = now
    db.session.commit()
    return comment


def thread(viewer, post: Post):
    """The post's comment tree as `viewer` may see it (see rules.forum_threads)."""
    comments = list(db.session.execute(
        select(Comment).where(Comment.post_id == post.id).order_by(Comment.created_at, Comment.id)).scalars())
    return build_thread(comments, is_moderator=can.is_moderator(viewer))


def comments_by(viewer, author: User, before: Cursor | None = None, limit: int = 20) -> Page:
    query = select(Comment).join(Post, Post.id == Comment.post_id).where(Comment.author_id == author.id)
    if not can.is_moderator(viewer):
        query = query.where(Comment.deleted_at.is_(None), Comment.hidden_at.is_(None),
                            Post.deleted_at.is_(None), Post.hidden_at.is_(None))
    query = query.where(older_than(Comment.created_at, Comment.id, before))
    query = query.order_by(Comment.created_at.desc(), Comment.id.desc()).limit(limit + 1)
    return page_of(list(db.session.execute(query).scalars()), limit, lambda comment: comment.created_at)


def comment_list(viewer, post: Post, before: Cursor | None = None, limit: int = 50) -> Page:
    """The API's flat list of a post's comments, newest first, by keyset."""
    query = select(Comment).where(Comment.post_id == post.id)
    if not can.is_moderator(viewer):
        query = query.where(Comment.hidden_at.is_(None))
    query = query.where(older_than(Comment.created_at, Comment.id, before))
    query = query.order_by(Comment.created_at.desc(), Comment.id.desc()).limit(limit + 1)
    return page_of(list(db.session.execute(query).scalars()), limit, lambda comment: comment.created_at)
