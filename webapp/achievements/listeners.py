"""What achievements do when something that can unlock happens (wired in webapp/wiring.py).

Inside the announcer's transaction, never committing: credit the recorded session to the
precomputed totals, then check only the achievements that event can move, for the people it
concerns. Never a rescan of everyone's history.
"""
from __future__ import annotations

from .. import events
from ..extensions import db
from ..models import FocusSession, User
from . import metrics, totals, unlocks

FOCUS_METRICS = ("sessions", "focus_seconds", "streak")
TOGETHER_METRICS = ("shared_rooms", "partners")


def session_recorded(event: events.SessionRecorded) -> None:
    record: FocusSession = event.record
    user = db.session.get(User, record.user_id)
    if user is None or not totals.is_counted(record):
        return
    added = totals.credit_record(record, user)
    days = [starts for (period, starts) in added if period == "day"]
    known = {"streak": metrics.streak_through(user.id, days)} if days else {}
    # Company only changes when this phase had some: otherwise the together metrics stand still.
    names = FOCUS_METRICS + (TOGETHER_METRICS if metrics.has_company(record) else ())
    unlocks.check(user.id, event.at, names, known)


def session_deleted(event: events.SessionDeleted) -> None:
    """Its time leaves the boards and totals; achievements already unlocked stay unlocked (with
    their unlock time: a badge, once earned, is not taken away), while progress shown on locked
    ones is computed from the records and totals, so it follows at once."""
    record: FocusSession = event.record
    user = db.session.get(User, record.user_id)
    if user is not None:
        totals.debit_record(record, user)


def room_finished(event: events.RoomFinished) -> None:
    room = event.room
    if room.is_solo or room.host_id is None:
        return
    unlocks.check(room.host_id, event.at, ("hosted",))


def forum_contributed(event: events.ForumContributed) -> None:
    unlocks.check(event.author_id, event.at, ("forum",))


LISTENERS = {
    events.SessionRecorded: session_recorded,
    events.SessionDeleted: session_deleted,
    events.RoomFinished: room_finished,
    events.ForumContributed: forum_contributed,
}
