"""The accounting service: one focus-session record per participant per work phase.

Events (a report, a connection, a pause) fold the one row they concern; the tick folds many rows
in a constant number of set-based UPDATEs (ticking.py). Nothing here commits: the caller commits
once, then publishes. Every moment is passed in, so tests drive it with an injected clock.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select

from .. import events
from ..extensions import db
from ..focus.services import close_open_interruptions
from ..models import FocusSession, Interruption, Participant, Room, from_epoch_ms
from ..rules import accounting as rules
from ..rules.accounting import ACTIVE, Presence
from ..rules.durations import whole_seconds
from .outcome import missed_deadline, outcome, phase_left_ms, within_phase
from .presence import ms, presence_of, store, threshold_ms
from .running_elsewhere import end_running_elsewhere
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


# --- one row per event --------------------------------------------------------------------------

def apply(room: Room, record: FocusSession, at: datetime, transition: Transition) -> bool:
    """Fold the row to `at`, apply `transition`, close an away spell it ended. True if the mode changed.

    An event long after a deadline the ticker never acted on comes from after a server outage
    (a restart counting sockets out, pages reconnecting): it is not part of the phase, and the
    phase's end will judge the person by how they were before the outage.
    """
    if missed_deadline(room, at):
        return False
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
    """First socket open: back in the phase, or a new record when they arrive during one (not in
    a phase whose deadline passed while the server was down: it is over, the ticker will say so)."""
    if not in_work_phase(room) or missed_deadline(room, at):
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

def open_for(room: Room, participant: Participant, at: datetime, *, elsewhere_ended: bool = False) -> FocusSession:
    """A new record for this participant's part in the running work phase, from `at`.

    One running record per person: whatever else they were focusing on ends first (running_elsewhere.py;
    `elsewhere_ended` when the caller did that for many people at once).
    """
    if not elsewhere_ended:
        end_running_elsewhere(room, [participant.user_id], at)
    target_seconds = room.work_minutes * 60
    left = phase_left_ms(room, at)
    record = FocusSession(
        user_id=participant.user_id, room_id=room.id, task_id=participant.task_id,
        intention=participant.intention or "",
        source="solo" if room.is_solo else "room", status="running", start_time=at,
        target_seconds=target_seconds, round=room.round,
        available_ms=target_seconds * 1000 if left is None else left)
    store(record, rules.begin(ms(at)))
    db.session.add(record)
    participant.current_session = record
    if participant.is_paused or room.status == "paused":
        store(record, rules.on_pause(presence_of(record), ms(at), threshold_ms(room)))
    return record


def phase_started(room: Room, at: datetime, started_by_id: int | None = None) -> None:
    for stale in open_records(room):  # a phase end we never heard of: close it where it stands
        finish(room, stale, None, at, finished=False)
    present = [participant for participant in room.participants
               if participant.connections > 0 or participant.user_id == started_by_id]
    end_running_elsewhere(room, [participant.user_id for participant in present], at)
    for participant in present:
        open_for(room, participant, at, elsewhere_ended=True)


def phase_ended(room: Room, at: datetime, finished: bool, *, left_ms: int = 0,
                server_down: bool = False) -> None:
    people = _participants_by_user(room)
    records = open_records(room)
    for record in records:
        finish(room, record, people.get(record.user_id), at, finished=finished, left_ms=left_ms,
               server_down=server_down, close_interruptions=False)
    end_open_interruptions(records)


def finish(room: Room, record: FocusSession, participant: Participant | None, at: datetime,
           *, finished: bool, left_ms: int = 0, server_down: bool = False,
           close_interruptions: bool = True) -> None:
    """Close one record at `at`, the phase's end (`left_ms` of its countdown unused): stop it,
    score it against the time the person could have focused, give it its status, and end the
    interruptions still open with it (or leave that to the caller, for many records at once).
    See outcome.py for `server_down`."""
    result = outcome(room, record, participant, at, left_ms=left_ms, finished=finished, server_down=server_down)
    if not finished and result.stopped.elapsed_ms < 1000 and not record.interruptions:
        _discard(record, participant, at)
        return
    if not result.rewound:
        close_away_spell(record, result.folded, result.stopped)
    store(record, result.stopped)
    record.available_ms = result.available_ms
    record.focus_score = result.breakdown.score
    record.status = result.status
    record.end_time = max(from_epoch_ms(result.stopped.counted_until_ms), record.start_time)
    record.duration_seconds = whole_seconds(record.start_time, record.end_time)
    if close_interruptions:
        close_open_interruptions(record)
    events.announce(events.SessionRecorded(record, at))


def end_open_interruptions(records: list[FocusSession]) -> None:
    """An interruption still open when its phase ends ends with it (one query for the whole room)."""
    ended = {record.id: record for record in records if record.end_time is not None and record.id is not None}
    if not ended:
        return
    with_open = db.session.execute(
        select(Interruption.session_id).where(Interruption.session_id.in_(ended), Interruption.end_time.is_(None))
        .distinct()).scalars()
    for session_id in list(with_open):
        close_open_interruptions(ended[session_id])


def _discard(record: FocusSession, participant: Participant | None, at: datetime) -> None:
    """A phase reset or skipped before a second was counted leaves no record behind (announced
    first: someone who closed their record in that phase before may have been paired with it)."""
    if participant is not None and participant.current_session_id == record.id:
        participant.current_session = None
    events.announce(events.SessionDiscarded(record, at))
    db.session.delete(record)


def _participants_by_user(room: Room) -> dict[int, Participant]:
    return {participant.user_id: participant for participant in room.participants}
