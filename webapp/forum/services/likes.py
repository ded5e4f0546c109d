"""Likes: one row per person and item under a primary key, so counts are exact under concurrency
(a duplicate insert is ignored by the database, never read-modify-written)."""
from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.dialects import postgresql, sqlite

from ...extensions import db
from ...models import CommentLike, PostLike, User
from .comments import get_comment
from .posts import get_post, require_participant

TARGETS = {"post": (PostLike, PostLike.post_id), "comment": (CommentLike, CommentLike.comment_id)}


def _insert_ignoring_duplicates(model, values: dict):
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    return dialect.insert(model).values(**values).on_conflict_do_nothing()


def set_like(user: User, kind: str, item_id: int, liked: bool) -> tuple[bool, int]:
    """Like or unlike; returns (liked, count). Liking twice or unliking twice changes nothing."""
    require_participant(user)
    (get_post if kind == "post" else get_comment)(user, item_id)
    model, column = TARGETS[kind]
    if liked:
        db.session.execute(_insert_ignoring_duplicates(model, {column.key: item_id, "user_id": user.id}))
    else:
        db.session.execute(delete(model).where(column == item_id, model.user_id == user.id))
    db.session.commit()
    return liked, like_counts(kind, [item_id])[item_id]


def like_counts(kind: str, ids: list[int]) -> dict[int, int]:
    """Counts for the items on one page (never the whole table)."""
    model, column = TARGETS[kind]
    counts = dict.fromkeys(ids, 0)
    if ids:
        rows = db.session.execute(select(column, func.count()).where(column.in_(ids)).group_by(column))
        counts.update({item_id: count for item_id, count in rows})
    return counts


def liked_by(user, kind: str, ids: list[int]) -> set[int]:
    if user is None or not ids or getattr(user, "is_guest", True):
        return set()
    model, column = TARGETS[kind]
    return set(db.session.execute(select(column).where(column.in_(ids), model.user_id == user.id)).scalars())
