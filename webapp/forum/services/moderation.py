"""Moderation: pin, lock, hide and restore; reports and their queue; categories."""
from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import func, select

from ...extensions import db
from ...models import Category, Comment, Post, Report, User
from ...rules import forum_permissions as can
from ..text import clean_line
from .errors import Conflict, NotAllowed, NotFound, invalid, row
from .posts import get_post, require_participant

REASON_MAX = 500
CATEGORY_NAME_MAX = 40
POST_FLAGS = ("pinned", "locked")


def require_moderator(user) -> None:
    if not can.is_moderator(user):
        raise NotAllowed("Only moderators can do that.")


def set_post_flag(user: User, post_id: int, flag: str, value: bool) -> Post:
    require_moderator(user)
    if flag not in POST_FLAGS:
        raise invalid({"flag": "Choose pinned or locked."})
    post = get_post(user, post_id)
    setattr(post, flag, value)
    db.session.commit()
    return post


def _item(user, kind: str, item_id: int):
    model = Post if kind == "post" else Comment
    item = row(model, item_id)
    if item is None:
        raise NotFound(f"There is no such {kind}.")
    return item


def set_hidden(user: User, kind: str, item_id: int, hidden: bool, now: datetime):
    """Hide (soft, reversible) or restore a post or comment; a restore also undoes a deletion."""
    require_moderator(user)
    item = _item(user, kind, item_id)
    if hidden:
        item.hidden_at, item.hidden_by_id = now, user.id
    else:
        item.hidden_at = item.hidden_by_id = item.deleted_at = None
    db.session.commit()
    return item


def report(user: User, kind: str, item_id: int, reason: str, now: datetime) -> Report:
    require_participant(user)
    reason = clean_line(reason)
    if len(reason) < 3:
        raise invalid({"reason": "Say briefly what is wrong (at least 3 characters)."})
    if len(reason) > REASON_MAX:
        raise invalid({"reason": f"Keep the reason to {REASON_MAX} characters."})
    item = _item(user, kind, item_id)
    if not can.can_see(user, item):
        raise NotFound(f"There is no such {kind}.")
    post_id = item.id if kind == "post" else item.post_id
    entry = Report(reporter_id=user.id, post_id=post_id, comment_id=item.id if kind == "comment" else None,
                   reason=reason, created_at=now)
    db.session.add(entry)
    db.session.commit()
    return entry


def open_reports(user: User, limit: int = 100) -> list[Report]:
    require_moderator(user)
    query = select(Report).where(Report.resolved_at.is_(None)).order_by(Report.id).limit(limit)
    return list(db.session.execute(query).scalars())


def resolve_report(user: User, report_id: int, resolution: str, now: datetime) -> Report:
    require_moderator(user)
    entry = row(Report, report_id)
    if entry is None:
        raise NotFound("There is no such report.")
    if entry.resolved_at is not None:
        raise Conflict("That report was already resolved.")
    entry.resolved_at, entry.resolved_by_id = now, user.id
    entry.resolution = clean_line(resolution)[:200]
    db.session.commit()
    return entry


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40]


def _check_category_name(name: str, exclude_id: int | None = None) -> str:
    name = clean_line(name)
    if not 2 <= len(name) <= CATEGORY_NAME_MAX or not _slug(name):
        raise invalid({"name": f"Name it with 2 to {CATEGORY_NAME_MAX} characters, letters or digits included."})
    clash = select(Category.id).where(func.lower(Category.name) == name.lower())
    if exclude_id is not None:
        clash = clash.where(Category.id != exclude_id)
    if db.session.execute(clash).first():
        raise invalid({"name": "There is already a category by that name."})
    return name


def add_category(user: User, name: str) -> Category:
    require_moderator(user)
    name = _check_category_name(name)
    slug = _slug(name)
    if db.session.execute(select(Category.id).where(Category.slug == slug)).first():
        raise invalid({"name": "That name is too close to an existing category."})
    last = db.session.execute(select(func.max(Category.position))).scalar() or 0
    category = Category(name=name, slug=slug, position=last + 1)
    db.session.add(category)
    db.session.commit()
    return category


def rename_category(user: User, category_id: int, name: str) -> Category:
    """Renaming keeps the slug, so links people shared keep working."""
    require_moderator(user)
    category = row(Category, category_id)
    if category is None:
        raise NotFound("There is no such category.")
    category.name = _check_category_name(name, exclude_id=category.id)
    db.session.commit()
    return category


def move_category(user: User, category_id: int, step: int) -> None:
    """Swap with the neighbour above (step -1) or below (+1)."""
    require_moderator(user)
    ordered = list(db.session.execute(select(Category).order_by(Category.position, Category.id)).scalars())
    index = next((i for i, c in enumerate(ordered) if c.id == category_id), None)
    if index is None:
        raise NotFound("There is no such category.")
    other = index + (1 if step > 0 else -1)
    if 0 <= other < len(ordered):
        ordered[index], ordered[other] = ordered[other], ordered[index]
        for position, category in enumerate(ordered, start=1):
            category.position = position
        db.session.commit()
