"""Changing a room's tracking settings while people may be in the middle of a work phase."""
from __future__ import annotations

from datetime import datetime

from ..models import Room
from .services import apply, open_records


def change(room: Room, *, idle_threshold_seconds: int, strict_mode: bool, grace_seconds: int,
           now: datetime) -> None:
    """Apply validated settings from `now` on (no commit).

    Time already gone by is counted with the threshold that was in force: every open record is
    folded to `now` first, so a new threshold never reaches back.
    """
    for record in open_records(room):
        apply(room, record, now, lambda presence, _at, _threshold: presence)
    room.idle_threshold_seconds = idle_threshold_seconds
    room.strict_mode = strict_mode
    room.grace_seconds = grace_seconds
