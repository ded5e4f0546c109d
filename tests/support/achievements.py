"""Helpers for achievements and leaderboard tests: recorded sessions announced as tracking does."""
from __future__ import annotations

from datetime import datetime, timedelta

from webapp import events
from webapp.extensions import db
from webapp.models import FocusSession, Room
from tests.support import tracking


def record(user, start: datetime, minutes: float, *, active_minutes: float | None = None, room: Room | None = None,
           source: str = "room", status: str = "completed", commit: bool = True) -> FocusSession:
    """A closed, tracked focus-session record, announced (SessionRecorded) like tracking does."""
    if room is None and source in ("room", "solo"):
        room = tracking.make_room(user)
    end = start + timedelta(minutes=minutes)
    active = minutes if active_minutes is None else active_minutes
    session = FocusSession(user_id=user.id, room_id=room.id if room else None, source=source, status=status,
                           start_time=start, end_time=end, duration_seconds=round(minutes * 60),
                           target_seconds=round(minutes * 60), mode="stopped",
                           elapsed_ms=round(minutes * 60_000), active_ms=round(active * 60_000),
                           idle_ms=round((minutes - active) * 60_000))
    db.session.add(session)
    db.session.flush()
    events.announce(events.SessionRecorded(session, end))
    if commit:
        db.session.commit()
    return session
