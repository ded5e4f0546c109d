"""Focus-session rules: one running session per person, manual entries, edits and deletion.

Every function checks everything before it writes, then commits once. `now` is injectable so the
rules test without a clock. Sessions of a room (room_id set) are tracked live by the ticker: their
times and tallies belong to tracking, so only their note and task can be changed here.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import selectinload

from ... import events
from ...extensions import db
from ...models import FocusSession, Room, Task, User, to_epoch_ms, utcnow
from ...rules.session_status import COMPLETED, end_status, reached_target
from ...textrules import clean_text
from .errors import Conflict, NotFound, Problems
from .limits import (CLOCK_SLACK, EARLIEST_TIME, LATEST_AHEAD, MAX_NOTE_LENGTH, MAX_SESSION, MAX_TARGET_MINUTES,
                     MIN_TARGET_MINUTES)
from .spans import whole_seconds
from .tallies import settle_untracked

UNSET = object()  # "leave this field as it is" in partial updates


# --- look-ups -------------------------------------------------------------------------------

def owned_row(model, user: User, row_id, noun: str):
    """The person's row of `model` with this id; NotFound for anyone else's or a missing one,
    with the same message, so ids of other people's rows reveal nothing."""
    row = db.session.get(model, row_id) if _is_id(row_id) else None
    if row is None or row.user_id != user.id:
        raise NotFound(f"There is no such {noun}.")
    return row


def owned_session(user: User, session_id: int) -> FocusSession:
    return owned_row(FocusSession, user, session_id, "session")


def running_session(user: User) -> FocusSession | None:
    """The person's running session (solo, API or a room's work phase), newest first."""
    return db.session.execute(
        select(FocusSession).where(FocusSession.user_id == user.id, FocusSession.status == "running")
        .order_by(FocusSession.start_time.desc()).limit(1)
    ).scalar_one_or_none()


def list_sessions(user: User, *, start: datetime | None = None, end: datetime | None = None,
                  before: tuple[datetime, int] | None = None, limit: int = 20) -> list[FocusSession]:
    """Newest first, started in [start, end); `before` is the (start_time, id) keyset cursor."""
    query = (select(FocusSession).where(FocusSession.user_id == user.id)
             .options(selectinload(FocusSession.interruptions), selectinload(FocusSession.task),
                      selectinload(FocusSession.room))
             .order_by(FocusSession.start_time.desc(), FocusSession.id.desc()).limit(limit))
    if start is not None:
        query = query.where(FocusSession.start_time >= start)
    if end is not None:
        query = query.where(FocusSession.start_time < end)
    if before is not None:
        moment, last_id = before
        query = query.where(or_(FocusSession.start_time < moment,
                                and_(FocusSession.start_time == moment, FocusSession.id < last_id)))
    return list(db.session.execute(query).scalars())


def session_starts_and_lengths(user: User, start: datetime, end: datetime) -> list[tuple[datetime, int | None]]:
    """(start_time, duration_seconds) of every session started in [start, end): the daily totals of
    the history, whichever page shows the day (one indexed range read, no rows loaded)."""
    return [tuple(row) for row in db.session.execute(
        select(FocusSession.start_time, FocusSession.duration_seconds)
        .where(FocusSession.user_id == user.id, FocusSession.start_time >= start, FocusSession.start_time < end))]


def owned_task(user: User, task_id, problems: Problems, field: str = "task_id") -> Task | None:
    """The person's task, None when no id is given; a problem on `field` for anyone else's."""
    if task_id is None:
        return None
    task = db.session.get(Task, task_id) if _is_id(task_id) else None
    if task is None or task.user_id != user.id:
        problems.add(field, "There is no such task.")
        return None
    return task


# --- starting and ending --------------------------------------------------------------------

def solo_room_is_live():
    """SQL: a solo room whose cycle is on: a phase running or paused, or waiting between phases
    (a break or the next focus that does not start on its own). Not yet started or over: not live."""
    return or_(Room.status.in_(("running", "paused")),
               and_(Room.status == "idle", Room.started_at.is_not(None)))


def ensure_none_running(user: User) -> None:
    """Conflict naming the running session, if there is one. Locks the person's row on PostgreSQL
    so two simultaneous starts cannot both pass.

    A solo timer that runs before its page connected has no record yet, and counts too.
    """
    db.session.execute(select(User.id).where(User.id == user.id).with_for_update())
    running = running_session(user)
    if running is not None:
        where = f" in room {running.room.code}" if running.room is not None and not running.room.is_solo else ""
        raise Conflict(f"You already have a running session{where} (#{running.id}); end it before starting "
                       "another.", session_id=running.id)
    solo_timer = db.session.execute(
        select(Room.id).where(Room.is_solo.is_(True), Room.host_id == user.id, Room.archived_at.is_(None),
                              solo_room_is_live()).limit(1)).scalar_one_or_none()
    if solo_timer is not None:
        raise Conflict("You already have a running solo session; end it before starting another.")


def start_session(user: User, *, target_minutes: int | None = None, task_id: int | None = None,
                  now: datetime | None = None) -> FocusSession:
    """Start a running solo session from now (no live tracking: see settle_untracked)."""
    now = now or utcnow()
    problems = Problems()
    check_target_minutes(target_minutes, problems)
    task = owned_task(user, task_id, problems)
    problems.raise_if_any()
    ensure_none_running(user)
    session = FocusSession(user_id=user.id, source="solo", status="running", start_time=now,
                           target_seconds=target_minutes * 60 if target_minutes else None,
                           task_id=task.id if task else None, note="", mode="stopped",
                           counted_until_ms=to_epoch_ms(now), last_activity_ms=to_epoch_ms(now))
    db.session.add(session)
    db.session.commit()
    return session


def end_session(user: User, session_id: int, *, now: datetime | None = None) -> FocusSession:
    """End the person's running untracked session now; Conflict once it has ended."""
    now = now or utcnow()
    session = owned_session(user, session_id)
    if session.status != "running":
        raise Conflict("This session has already ended.", session_id=session.id)
    if session.room_id is not None:
        if session.room is not None and session.room.is_solo:
            from .solo import end_solo_session  # a solo session ends by ending its room of one
            return end_solo_session(user, session, now=now)
        raise Conflict("This session belongs to a room; it ends with the room's work phase. "
                       "Stop it from the room page.", session_id=session.id)
    finish(session, now)
    db.session.commit()
    return session


def finish(session: FocusSession, end: datetime) -> None:
    """Close an untracked running session at `end` (no commit): status from its target."""
    end = max(end, session.start_time)
    session.end_time = end
    session.duration_seconds = whole_seconds(session.start_time, end)
    session.status = end_status(reached=reached_target(session.duration_seconds, session.target_seconds))
    for interruption in session.interruptions:
        if interruption.end_time is None:
            interruption.end_time = max(end, interruption.start_time)
            interruption.duration = whole_seconds(interruption.start_time, interruption.end_time)
    settle_untracked(session)
    events.announce(events.SessionRecorded(session, end))


# --- manual entries and edits ---------------------------------------------------------------

def create_manual(user: User, *, start_time: datetime | None, end_time: datetime | None,
                  task_id: int | None = None, note: str | None = "", now: datetime | None = None) -> FocusSession:
    """Log a session afterwards; its duration is computed from the times."""
    now = now or utcnow()
    problems = Problems()
    check_span(start_time, end_time, now, problems)
    task = owned_task(user, task_id, problems)
    note = check_note(note, problems)
    problems.raise_if_any()
    ensure_no_overlap(user, start_time, end_time, now)
    session = FocusSession(user_id=user.id, source="manual", status=COMPLETED, start_time=start_time,
                           end_time=end_time, task_id=task.id if task else None, note=note, mode="stopped",
                           counted_until_ms=to_epoch_ms(end_time), last_activity_ms=to_epoch_ms(end_time))
    session.duration_seconds = whole_seconds(start_time, end_time)
    settle_untracked(session)
    db.session.add(session)
    db.session.commit()
    return session


def update_session(user: User, session_id: int, *, note=UNSET, task_id=UNSET, start_time=UNSET,
                   end_time=UNSET, now: datetime | None = None) -> FocusSession:
    """Change note, task and (for ended sessions outside rooms) the times; UNSET leaves a field."""
    now = now or utcnow()
    session = owned_session(user, session_id)
    problems = Problems()
    new_note = session.note if note is UNSET else check_note(note, problems)
    task = session.task if task_id is UNSET else owned_task(user, task_id, problems)
    times_given = start_time is not UNSET or end_time is not UNSET
    new_start = session.start_time if start_time is UNSET else start_time
    new_end = session.end_time if end_time is UNSET else end_time
    if times_given:
        _ensure_times_editable(session)
        check_span(new_start, new_end, now, problems)
        if not problems.fields:
            _check_interruptions_fit(session, new_start, new_end, problems)
    problems.raise_if_any()
    if times_given:
        ensure_no_overlap(user, new_start, new_end, now, exclude_id=session.id)
        session.start_time, session.end_time = new_start, new_end
        session.duration_seconds = whole_seconds(new_start, new_end)
        session.status = end_status(reached=reached_target(session.duration_seconds, session.target_seconds))
        settle_untracked(session)
    session.note = new_note
    session.task_id = task.id if task else None
    db.session.commit()
    return session


def delete_session(user: User, session_id: int, *, now: datetime | None = None) -> None:
    """Delete an ended session and its interruptions; a running one must be ended first.
    Listeners (leaderboards) take back what it added, in the same transaction."""
    session = owned_session(user, session_id)
    if session.status == "running":
        raise Conflict("End this session before deleting it.", session_id=session.id)
    events.announce(events.SessionDeleted(session, now or utcnow()))
    db.session.delete(session)
    db.session.commit()


# --- checks shared with the forms and the API -------------------------------------------------

def check_target_minutes(minutes, problems: Problems) -> None:
    if minutes is not None and not (_is_int(minutes) and MIN_TARGET_MINUTES <= minutes <= MAX_TARGET_MINUTES):
        problems.add("target_minutes", f"Choose between {MIN_TARGET_MINUTES} and {MAX_TARGET_MINUTES} minutes.")


def check_note(note, problems: Problems) -> str:
    note = "" if note is None else note
    if not isinstance(note, str):
        problems.add("note", "The note must be text.")
        return ""
    note = clean_text(note, multiline=True)
    if len(note) > MAX_NOTE_LENGTH:
        problems.add("note", f"Use at most {MAX_NOTE_LENGTH} characters.")
    return note


def check_span(start: datetime | None, end: datetime | None, now: datetime, problems: Problems) -> None:
    """A finished span: both times, from EARLIEST_TIME on, end after start, not in the future,
    at most MAX_SESSION long. The one rule for every path that stores a session's times."""
    if start is None:
        problems.add("start_time", "Give a start time.")
    if end is None:
        problems.add("end_time", "Give an end time.")
    if start is None or end is None:
        return
    if start > now + CLOCK_SLACK:
        problems.add("start_time", "The start cannot be in the future.")
    if end <= start:
        problems.add("end_time", "The end must be after the start.")
    elif end > now + CLOCK_SLACK:
        problems.add("end_time", "The end cannot be in the future.")
    elif end - start > MAX_SESSION:
        problems.add("end_time", f"A session can last at most {MAX_SESSION.total_seconds() / 3600:.0f} hours.")
    check_window(now, problems, start_time=start, end_time=end)  # after the checks with clearer words


def check_window(now: datetime, problems: Problems, **times: datetime | None) -> None:
    """Every stored time lies in [EARLIEST_TIME, now + LATEST_AHEAD]: pages, ranges and exports
    can then rely on it (a year-1 time breaks local-day arithmetic)."""
    for name, moment in times.items():
        if moment is not None and not EARLIEST_TIME <= moment <= now + LATEST_AHEAD:
            problems.add(name, f"Use a time between {EARLIEST_TIME:%Y-%m-%d} and tomorrow.")


def ensure_no_overlap(user: User, start: datetime, end: datetime, now: datetime,
                      exclude_id: int | None = None) -> None:
    """Conflict when [start, end) overlaps another session of the person (a running one lasts until now)."""
    query = select(FocusSession).where(
        FocusSession.user_id == user.id, FocusSession.start_time < end,
        or_(FocusSession.end_time > start, and_(FocusSession.end_time.is_(None), start < now)))
    if exclude_id is not None:
        query = query.where(FocusSession.id != exclude_id)
    other = db.session.execute(query.limit(1)).scalar_one_or_none()
    if other is not None:
        raise Conflict("These times overlap another session in your log; change them or edit that "
                       "session first.", {"start_time": "Overlaps another session."}, session_id=other.id)


def _ensure_times_editable(session: FocusSession) -> None:
    if session.status == "running":
        raise Conflict("End this session before changing its times.", session_id=session.id)
    if session.room_id is not None:
        raise Conflict("The times of a room session were tracked live and cannot be changed; "
                       "you can change its note and task.", session_id=session.id)


def _check_interruptions_fit(session: FocusSession, start: datetime, end: datetime, problems: Problems) -> None:
    for interruption in session.interruptions:
        stop = interruption.end_time or interruption.start_time
        if interruption.start_time < start:
            problems.add("start_time", "An interruption of this session would fall before the new start; "
                                       "move or delete it first.")
        if stop > end:
            problems.add("end_time", "An interruption of this session would fall after the new end; "
                                     "move or delete it first.")


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_id(value) -> bool:
    # Ids beyond 64 bits would make PostgreSQL raise instead of finding nothing.
    return _is_int(value) and 0 < value < 2**63
