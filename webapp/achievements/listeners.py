"""What achievements do when something that can unlock happens (wired in webapp/wiring.py).

Inside the announcer's transaction, never committing: credit the recorded session to the
precomputed totals, then check only the achievements that event can move, for the people it
concerns. Never a rescan of everyone's history.
"""
from __future__ import annotations

from .. import events
from ..models import FocusSession
from ..rules import achievements as rules
from . import recorded, together, totals, unlocks

FOCUS_METRICS = ("sessions", "focus_seconds", "streak")
TOGETHER_METRICS = ("shared_rooms", "partners")


def session_recorded(event: events.SessionRecorded) -> None:
    """Keep who focused with whom, credit the boards, then check only what a still-locked
    achievement reads and this session can have moved. Runs on every closed work phase, so it is
    few statements: a closed room record's pairs (any room record, even one with no active second,
    pairs up, as the history would say), one read of all the check needs (recorded.py; on
    PostgreSQL the same statement writes the pairs), the credit (one statement on PostgreSQL),
    and an insert only when something unlocks."""
    record: FocusSession = event.record
    pairs = together.applies(record)
    if pairs and totals.is_counted(record) and together.in_one_statement():
        seen = recorded.read(record, pairs=True)  # the pairs are written by the read itself
    else:
        company = together.record(record) if pairs else False
        if not totals.is_counted(record):
            return
        seen = recorded.read(record, company)
    if seen is None:
        return
    added = totals.credit_record(record, seen.person, seen.overlapping)
    names = rules.needed_metrics(seen.done, FOCUS_METRICS)
    if not any(period == "day" and seconds > 0 for (period, _), seconds in added.items()):
        names.discard("streak")  # no day gained time: no streak can have grown
    # Company only changes when this phase had some: otherwise the together metrics stand still.
    if seen.company:
        names |= rules.needed_metrics(seen.done, TOGETHER_METRICS)
    if names:
        unlocks.earn(seen.person.id, seen.metrics_after(added, names), seen.done, event.at)


def session_deleted(event: events.SessionDeleted) -> None:
    """Its time leaves the boards and totals; achievements already unlocked stay unlocked (with
    their unlock time: a badge, once earned, is not taken away), while progress shown on locked
    ones is computed from the records and totals, so it follows at once."""
    record: FocusSession = event.record
    together.forget(record)
    if record.board_seconds is None:
        return  # never credited (a manual entry, say): nothing on the boards to take back
    person = totals.person(record.user_id)
    if person is not None:
        totals.debit_record(record, person)


def session_discarded(event: events.SessionDiscarded) -> None:
    """A record that never reached its first second goes: it was never credited, but someone who
    closed their record in that phase before it went was paired with it."""
    together.forget(event.record)


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
    events.SessionDiscarded: session_discarded,
    events.RoomFinished: room_finished,
    events.ForumContributed: forum_contributed,
}
