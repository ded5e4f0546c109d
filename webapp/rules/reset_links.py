"""Password-reset links: when one may be used, and how often one is sent. Pure, `now` injected."""
from __future__ import annotations

from datetime import datetime, timedelta

LIFETIME = timedelta(hours=1)
# Links a person may be sent per LIFETIME: a stranger typing their address cannot flood their inbox.
MAX_OPEN_LINKS = 3

VALID, EXPIRED, USED = "valid", "expired", "used"


def expiry(created_at: datetime) -> datetime:
    return created_at + LIFETIME


def link_state(*, expires_at: datetime, used_at: datetime | None, now: datetime) -> str:
    """`used` once it has reset a password (or was superseded), `expired` from `expires_at` on."""
    if used_at is not None:
        return USED
    if now >= expires_at:
        return EXPIRED
    return VALID


def may_send_another(recent_created: list[datetime], now: datetime) -> bool:
    """True while fewer than MAX_OPEN_LINKS links were sent within the last LIFETIME."""
    return sum(1 for moment in recent_created if now - moment < LIFETIME) < MAX_OPEN_LINKS
