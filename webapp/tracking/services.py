"""The accounting service: one focus-session record per participant per work phase.

Events (a report, a connection, a pause) fold the one row they concern; the tick folds many rows
in a constant number of set-based UPDATEs (ticking.py). Nothing here commits: the caller commits
once, then publishes. Every moment is passed in, so tests drive it with an injected clock.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select

from ..extensions import db
from ..models import FocusSession, Participant, Room, from_epoch_ms
from ..rules import accounting as rules
from ..rules.accounting import ACTIVE, AWAY, PAUSED, Presence
from ..rules.durations import whole_seconds
from ..rules.session_status import end_status
from ..rules.score import focus_score
from .presence import ms, presence_of, store, threshold_ms
from .sqlfold import OPEN_STATUSES
from .strict import close_away_spell

# The page sends activity at most every 5 s; a report this soon after the stored one changes
# nothing that matters (the idle threshold is at least 10 s), so it is not written.
ACTIVITY_WRITE_MS = 4000

Transition = Callable[[Presence, int, int], Presence]
REPORTS: dict[str, Transition] = {
    "activity": rules.on_activity,
    "hidden": rules.on_hidden,
    "visible": rules.on_visible,
}


# --- look-ups -----------------------------------------------------------------------------------

def in_work_phase(room: Room) -> bool:
    return room.phase == "work" and room.status in ("running", "paused")


def open_record(participant: Participant) -> FocusSession | None:
    """The participant's record of the work phase going on now, if any."""
    record = participant.current_session
    if record is None or record.end_time is not None or record.status not in OPEN_STATUSES:
        return None
    return record


def open_records(room: Room) -> list[FocusSession]:
    return list(db.session.execute(
        select(FocusSession).where(FocusSession.room_id == room.id, FocusSession.end_time.is_(None),
                                   FocusSession.status.in_(OPEN_STATUSES))
        .order_by(FocusSession.id)).scalars())


def within_phase(room: Room, at: datetime) -> datetime:
    """An event that arrives after the work phase's deadline, before the ticker has ended the phase,
    counts at the deadline: nothing after it belongs to the phase (the break is not counted)."""
    if room.status == "running" and room.phase_ends_at is not None and at > room.phase_ends_at:
        return room.phase_ends_at
    return at


# --- one row per event --------------------------------------------------------------------------

def apply(room: Room, record: FocusSession, at: datetime, transition: Transition) -> bool:
    """Fold the row to `at`, apply `transition`, close an away spell it ended. True if the mode changed."""
    at = within_phase(room, at)
    threshold = threshold_ms(room)
    before = rules.fold(presence_of(record), ms(at), threshold)
    after = transition(before, ms(at), threshold)
    close_away_spell(record, before, after)
    store(record, after)
    return before.mode != after.mode or before.tab_switches != after.tab_switches


def report(room: Room, participant: Participant, kind: str, at: datetime) -> bool:
    """A page's "I am here" / "my tab is hidden" / "visible again". True when others see a change."""
    transition = REPORTS.get(kind)
    record = open_record(participant)
    if transition is None or record is None:
        return False
    if kind == "activity" and _is_repeat_activity(room, record, at):
        return False
    return apply(room, record, at, transition)


def _is_repeat_activity(room: Room, record: FocusSession, at: datetime) -> bool:
    """Still active and reported a moment ago: nothing to write."""
    live = rules.live_mode(presence_of(record), ms(at), threshold_ms(room))
    return live == ACTIVE and ms(at) - record.last_activity_ms < ACTIVITY_WRITE_MS


def connected(room: Room, participant: Participant, at: datetime) -> None:
    """First socket open: back in the phase, or a new record when they arrive during one."""
    if not in_work_phase(room):
        return
    record = open_record(participant)
    if record is None:
        open_for(room, participant, at)
    else:
        apply(room, record, at, rules.on_activity)


def disconnected(room: Room, participant: Participant, at: datetime) -> None:
    record = open_record(participant)
    if record is not None:
        apply(room, record, at, rules.on_disconnect)


def personal_pause(room: Room, participant: Participant, paused: bool, at: datetime) -> None:
    record = open_record(participant)
    if record is None:
        return
    if paused:
        apply(room, record, at, rules.on_pause)
    elif room.status != "paused":
        _resume(room, participant, record, at)


def room_paused(room: Room, at: datetime) -> None:
    for record in open_records(room):
        apply(room, record, at, rules.on_pause)


def room_resumed(room: Room, at: datetime) -> None:
    people = _participants_by_user(room)
    for record in open_records(room):
        participant = people.get(record.user_id)
        if participant is not None and not participant.is_paused:
            _resume(room, participant, record, at)


def _resume(room: Room, participant: Participant, record: FocusSession, at: datetime) -> None:
    apply(room, record, at, lambda p, at_ms, _threshold: rules.on_resume(p, at_ms))
    if participant.connections <= 0:  # resumed while gone: they are away, not active
        apply(room, record, at, rules.on_disconnect)


# --- work phases --------------------------------------------------------------------------------

def open_for(room: Room, participant: Participant, at: datetime) -> FocusSession:
    """A new record for this participant's part in the running work phase, from `at`."""
    record = FocusSession(
        user_id=participant.user_id, room_id=room.id, task_id=participant.task_id,
        source="solo" if room.is_solo else "room", status="running", start_time=at,
        target_seconds=room.work_minutes * 60, round=room.round)
    store(record, rules.begin(ms(at)))
    db.session.add(record)
    participant.current_session = record
    if participant.is_paused or room.status == "paused":
        store(record, rules.on_pause(presence_of(record), ms(at), threshold_ms(room)))
    return record


def phase_started(room: Room, at: datetime) -> None:
    for stale in open_records(room):  # a phase end we never heard of: close it where it stands
        finish(room, stale, None, at, finished=False)
    for participant in room.participants:
        if participant.connections > 0:
            open_for(room, participant, at)


def phase_ended(room: Room, at: datetime, finished: bool) -> None:
    people = _participants_by_user(room)
    for record in open_records(room):
        finish(room, record, people.get(record.user_id), at, finished=finished)


def finish(room: Room, record: FocusSession, participant: Participant | None, at: datetime,
           *, finished: bool) -> None:
    """Close one record at `at`: stop it, score it, give it its status."""
    left = participant is None or participant.connections <= 0
    presence = rules.fold(presence_of(record), ms(at), threshold_ms(room))
    if left and record.status != "failed" and presence.mode == AWAY:
        presence = _rewind_to_departure(presence)
    else:
        close_away_spell(record, presence, rules.stop(presence, presence.counted_until_ms, 0))
    stopped = rules.stop(presence, presence.counted_until_ms, 0)
    if not finished and stopped.elapsed_ms < 1000 and not record.interruptions:
        _discard(record, participant)
        return
    store(record, stopped)
    _score(record, stopped)
    if record.status != "failed":
        record.status = end_status(reached=finished, left=left)
    record.end_time = max(from_epoch_ms(stopped.counted_until_ms), record.start_time)
    record.duration_seconds = whole_seconds(record.start_time, record.end_time)


def _rewind_to_departure(p: Presence) -> Presence:
    """Someone who left and never came back: their record ends when they went away.

    Time counted while away went to elapsed, idle and away alike, so taking it back is exact.
    """
    gone = max(0, p.counted_until_ms - p.away_since_ms)
    return Presence(mode=PAUSED, counted_until_ms=p.away_since_ms, last_activity_ms=p.last_activity_ms,
                    away_since_ms=None, elapsed_ms=p.elapsed_ms - gone, active_ms=p.active_ms,
                    idle_ms=p.idle_ms - gone, away_ms=p.away_ms - gone, tab_switches=p.tab_switches)


def _score(record: FocusSession, p: Presence) -> None:
    whole = rules.seconds(p)
    record.focus_score = focus_score(
        elapsed_seconds=whole.elapsed, active_seconds=whole.active, idle_seconds=whole.idle,
        tab_switches=p.tab_switches, target_seconds=record.target_seconds or 0).score


def _discard(record: FocusSession, participant: Participant | None) -> None:
    """A phase reset or skipped before a second was counted leaves no record behind."""
    if participant is not None and participant.current_session_id == record.id:
        participant.current_session = None
    db.session.delete(record)


def _participants_by_user(room: Room) -> dict[int, Participant]:
    return {participant.user_id: participant for participant in room.participants}
