"""Who may do what in the community. Pure: the user and the item in, a decision out.

`user` is None for someone not signed in; guests (is_guest) may read but not take part.
"""
from __future__ import annotations

from datetime import datetime, timedelta

NEW_ACCOUNT_AGE = timedelta(days=1)


def is_moderator(user) -> bool:
    return user is not None and getattr(user, "role", "member") in ("moderator", "admin")


def can_take_part(user) -> bool:
    """Write, reply, like, report: signed-in accounts, not guests."""
    return user is not None and not user.is_guest


def is_new_account(user, now: datetime) -> bool:
    return user.created_at is not None and now - user.created_at < NEW_ACCOUNT_AGE


def can_see(user, item) -> bool:
    """Hidden items are for moderators (and their author); deleted ones are shaped by threads."""
    if item.hidden_at is None:
        return True
    return is_moderator(user) or (user is not None and user.id == item.author_id)


def can_edit(user, item) -> bool:
    return (can_take_part(user) and user.id == item.author_id
            and item.deleted_at is None and item.hidden_at is None)


def can_delete(user, item) -> bool:
    return can_take_part(user) and item.deleted_at is None and (user.id == item.author_id or is_moderator(user))


def can_reply(user, post) -> bool:
    if not can_take_part(user) or post.deleted_at is not None or post.hidden_at is not None:
        return False
    return not post.locked or is_moderator(user)
