"""The one place where a FocusSession row and a rules.accounting.Presence meet.

Everything else in tracking reads and writes presence through these helpers, so the pure rules
and the set-based SQL (sqlfold.py) see exactly the same columns.
"""
from __future__ import annotations

from datetime import datetime

from ..models import FocusSession, Room, to_epoch_ms
from ..rules.accounting import Presence
from ..rules.tracking_limits import MIN_GRACE_SECONDS, MIN_IDLE_THRESHOLD_SECONDS

MS = 1000

MIN_IDLE_THRESHOLD_MS = MIN_IDLE_THRESHOLD_SECONDS * MS
MIN_GRACE_MS = MIN_GRACE_SECONDS * MS

# The columns that make up a Presence, in Presence's field order.
PRESENCE_COLUMNS = ("mode", "counted_until_ms", "last_activity_ms", "away_since_ms", "elapsed_ms",
                    "active_ms", "idle_ms", "away_ms", "tab_switches")


def presence_of(record: FocusSession) -> Presence:
    return Presence(**{name: getattr(record, name) for name in PRESENCE_COLUMNS})


def store(record: FocusSession, presence: Presence) -> bool:
    """Copy `presence` onto the row; True when a column changed (only then is there a write)."""
    changed = False
    for name in PRESENCE_COLUMNS:
        value = getattr(presence, name)
        if getattr(record, name) != value:
            setattr(record, name, value)
            changed = True
    return changed


def threshold_ms(room: Room) -> int:
    """The room's idle threshold: no input for this long counts as idle."""
    return room.idle_threshold_seconds * MS


def grace_ms(room: Room) -> int:
    """Strict mode: how long someone may be away before the phase counts as failed."""
    return room.grace_seconds * MS


def ms(moment: datetime) -> int:
    return to_epoch_ms(moment)
