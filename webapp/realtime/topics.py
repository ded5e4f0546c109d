"""Topic names shared across features, so a publisher and a socket agree without importing each other."""
from __future__ import annotations


def user_channel_topic(user_id: int) -> str:
    """Everything for one person, on every page they have open: `outbox.publish(user_channel_topic(id), html)`.

    The html is one or more htmx out-of-band fragments (an element with a stable id, or
    `<div hx-swap-oob="beforeend:#toasts">...</div>` for a toast)."""
    return f"user:{user_id}"
