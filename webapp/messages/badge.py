"""The nav's unread badge on every page, and the same badge as the live channel's state."""
from __future__ import annotations

from flask_login import current_user

from . import reading


def unread_message_count() -> int:
    """For base.html's badge, counted only when a page with the nav is rendered (one indexed count)."""
    if not current_user.is_authenticated or current_user.is_guest:
        return 0
    return reading.unread_total(current_user.id)
