"""Solo focus on the room machinery: a private room of one (Room.is_solo) per Pomodoro cycle.

The room gives a solo session the same server-owned timer, live socket, activity tracking and
focus score as a shared room. Each focus of the cycle is a work phase: tracking opens its record
when it starts (or when the person's page connects) and closes and scores it when it ends, so a
cycle of four focuses leaves four records in the history, each carrying the cycle's intention and,
once answered, its check-in. The person's rhythm (lengths, auto-starts) is remembered for next time.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy import select, update

from ...extensions import db
from ...models import CHECKINS, MAX_INTENTION_LENGTH, FocusSession, Room, SoloPreferences, Task, User, utcnow
from ...rules.solo import SoloCycle
from .interruptions import check_text
from .errors import Conflict, NotFound, Problems
from .sessions import check_target_minutes, ensure_none_running, owned_task, running_session, solo_room_is_live
from .spans import whole_seconds

SOLO_ROOM_NAME = "Solo focus"


# --- the remembered rhythm ----------------------------------------------------------------------

def preferences_of(user: User) -> SoloCycle:
    """The person's solo rhythm: what they last started with, or the classic Pomodoro."""
    row = db.session.get(SoloPreferences, user.id)
    if row is None:
        return SoloCycle()
    return SoloCycle(work_minutes=row.work_minutes, short_break_minutes=row.short_break_minutes,
                     long_break_minutes=row.long_break_minutes, long_break_every=row.long_break_every,
                     rounds=row.rounds, auto_start_breaks=row.auto_start_breaks,
                     auto_start_work=row.auto_start_work)


def has_preferences(user: User) -> bool:
    return db.session.get(SoloPreferences, user.id) is not None


def remember(user: User, cycle: SoloCycle) -> None:
    """Keep `cycle` as the person's rhythm (no commit)."""
    row = db.session.get(SoloPreferences, user.id)
    if row is None:
        row = SoloPreferences(user_id=user.id)
        db.session.add(row)
    for name, value in cycle.room_settings().items():
        setattr(row, name, value)


# --- starting and ending ------------------------------------------------------------------------

def active_solo_room(user: User) -> Room | None:
    """The person's solo room whose cycle is on (a phase running or paused, or waiting between phases)."""
    return db.session.execute(
        select(Room).where(Room.is_solo.is_(True), Room.host_id == user.id, Room.archived_at.is_(None),
                           solo_room_is_live())
        .order_by(Room.id.desc()).limit(1)).scalar_one_or_none()


def solo_record(room: Room) -> FocusSession | None:
    """The newest focus-session record of this solo room (running or finished)."""
    return db.session.execute(
        select(FocusSession).where(FocusSession.room_id == room.id)
        .order_by(FocusSession.start_time.desc(), FocusSession.id.desc()).limit(1)).scalar_one_or_none()


def check_intention(text, problems: Problems) -> str:
    return check_text(text, problems, "intention", MAX_INTENTION_LENGTH,
                      f"Keep it to one line of at most {MAX_INTENTION_LENGTH} characters.")


def start_solo(user: User, *, target_minutes, task_id=None, cycle: SoloCycle | None = None,
               intention: str | None = "", now: datetime | None = None) -> Room:
    """Open a private room of one running a Pomodoro cycle and start its first focus.

    `target_minutes` is the length of each focus; the rest of the rhythm is `cycle`, or the
    person's remembered one when not given. The rhythm used is remembered for next time.
    Invalid (nothing written) on a bad value, Conflict when a session is already running.
    """
    from ...rooms import services as rooms

    now = now or utcnow()
    problems = Problems()
    if target_minutes is None:
        problems.add("target_minutes", "How long do you want to focus?")
    check_target_minutes(target_minutes, problems)
    cycle = cycle or preferences_of(user)
    if "target_minutes" not in problems:
        cycle = replace(cycle, work_minutes=target_minutes)
    for name, message in cycle.problems().items():
        if name != "work_minutes":
            problems.add(name, message)
    text = check_intention(intention, problems)
    task = owned_task(user, task_id, problems)
    problems.raise_if_any()
    ensure_none_running(user)
    _archive_finished_solo_rooms(user, now)
    remember(user, cycle)
    room = rooms.create_room(user, {"name": SOLO_ROOM_NAME, **cycle.room_settings(),
                                    "is_public": False, "max_participants": 1}, now, is_solo=True)
    host = room.participants[0]
    host.task_id = task.id if task else None
    host.intention = text
    db.session.commit()
    rooms.control(room, user, "start", now)
    return room


def solo_task(room: Room) -> Task | None:
    """The task the person linked when starting this solo session."""
    host = solo_host(room)
    return db.session.get(Task, host.task_id) if host is not None and host.task_id else None


def solo_host(room: Room):
    return next((p for p in room.participants if p.user_id == room.host_id), None)


def end_solo(user: User, *, now: datetime | None = None) -> FocusSession | None:
    """End the person's live solo session now; returns its newest record (None if it never connected)."""
    from ...rooms import services as rooms

    now = now or utcnow()
    room = active_solo_room(user)
    if room is None:
        raise Conflict("There is no solo session to end.")
    try:
        rooms.control(room, user, "end", now)
    except rooms.RoomError as error:
        raise Conflict(error.message) from error
    record = solo_record(room)
    if record is not None and close_open_interruptions(record):
        db.session.commit()
    return record


def end_solo_session(user: User, session: FocusSession, *, now: datetime | None = None) -> FocusSession:
    """The API's "end" for a tracked solo session: ends its room (NotFound if it is not the live one)."""
    room = active_solo_room(user)
    if room is None or session.room_id != room.id:
        raise Conflict("This session belongs to a room; it ends with the room's work phase.", session_id=session.id)
    session_id = session.id
    end_solo(user, now=now)
    kept = db.session.get(FocusSession, session_id)
    if kept is None:  # tracking drops a phase record shorter than a second with nothing in it
        raise NotFound("The session ended less than a second after it started and was not kept.")
    db.session.refresh(kept)
    return kept


def close_open_interruptions(session: FocusSession) -> bool:
    """An ended session keeps no open interruption: each ends with the session (no commit)."""
    if session.end_time is None:
        return False
    changed = False
    for interruption in session.interruptions:
        if interruption.end_time is None:
            interruption.end_time = max(session.end_time, interruption.start_time)
            interruption.duration = whole_seconds(interruption.start_time, interruption.end_time)
            changed = True
    return changed


def live_session_now(user: User) -> FocusSession:
    """The person's running session (a room's or solo work phase), for one-click interruptions."""
    running = running_session(user)
    if running is None:
        room = active_solo_room(user)
        if room is not None and room.phase != "work":
            raise Conflict("You are on a break: interruptions are logged during a focus.")
        if room is not None and room.status == "idle":
            raise Conflict("Your next focus has not started yet.")
        if room is not None:
            raise Conflict("Your session is still connecting; try again in a moment.")
        raise Conflict("Live logging only works during an active session.")
    return running


# --- an interruption holds a solo countdown -----------------------------------------------------

def _own_solo_room(user: User, session: FocusSession) -> Room | None:
    room = session.room
    if room is None or not room.is_solo or room.host_id != user.id or room.archived_at is not None:
        return None
    return room


def hold_for_interruption(user: User, session: FocusSession, now: datetime, at: datetime | None = None) -> bool:
    """A live interruption in a solo focus pauses its countdown (the paused time is not counted as
    focus). True when it paused. Commits and publishes through the room's control.
    `at`: the click was earlier (sent later by an offline page); it pauses the countdown as of then,
    if that focus is still the one running, else the phase has gone on and stays as it is."""
    from ...rooms import services as rooms

    room = _own_solo_room(user, session)
    if room is None or room.phase != "work" or room.status != "running":
        return False
    if at is not None and not in_running_phase(room.phase_started_at, room.phase_ends_at, at):
        return False
    try:
        rooms.control(room, user, "pause", now, at=at)
    except rooms.RoomError:
        return False  # the phase ended at this very moment: nothing left to hold
    return True


def release_after_interruption(user: User, session: FocusSession, now: datetime, at: datetime | None = None) -> bool:
    """"I'm back" in a solo focus resumes the countdown it paused (when nothing else holds it).
    True when it resumed. `at`: "I'm back" was said earlier, on an offline page: the countdown runs
    on from then (the next tick ends the phase if its deadline has passed meanwhile)."""
    from ...rooms import services as rooms

    room = _own_solo_room(user, session)
    if room is None or room.phase != "work" or room.status != "paused":
        return False
    if any(i.end_time is None for i in session.interruptions):
        return False
    try:
        rooms.control(room, user, "resume", now, at=at)
    except rooms.RoomError:
        return False
    return True


def in_running_phase(phase_started_at: datetime | None, phase_ends_at: datetime | None, at: datetime) -> bool:
    """Whether `at` lies in the running phase [its start, its deadline)."""
    return phase_ends_at is not None and at < phase_ends_at and (phase_started_at is None or phase_started_at <= at)


# --- the check-in -------------------------------------------------------------------------------

def finished_solo_room(user: User, code: str) -> Room:
    """The person's own solo room with this code (NotFound otherwise)."""
    room = db.session.execute(
        select(Room).where(Room.code == (code or "").strip().upper(), Room.is_solo.is_(True),
                           Room.created_by_id == user.id)
        .order_by(Room.id.desc()).limit(1)).scalar_one_or_none()
    if room is None:
        raise NotFound("There is no such solo session.")
    return room


def check_in(user: User, code: str, answer: str) -> list[FocusSession]:
    """One tap at the end of a solo cycle: done, partly or not. It is kept on every record of the
    cycle (answering again changes it). Conflict while the cycle still runs or when nothing was
    recorded; Invalid for another answer."""
    room = finished_solo_room(user, code)
    if answer not in CHECKINS:
        problems = Problems()
        problems.add("checkin", "Choose done, partly or not.")
        problems.raise_if_any()
    if room.status != "completed":
        raise Conflict("Check in once the session is over.")
    records = list(db.session.execute(
        select(FocusSession).where(FocusSession.room_id == room.id, FocusSession.user_id == user.id)
        .order_by(FocusSession.start_time)).scalars())
    if not records:
        raise Conflict("Nothing was recorded in this session, so there is nothing to check in.")
    for record in records:
        record.checkin = answer
    db.session.commit()
    return records


def room_checkin(room: Room) -> str | None:
    """The answer given for this solo cycle, if any."""
    return db.session.execute(
        select(FocusSession.checkin).where(FocusSession.room_id == room.id, FocusSession.checkin.is_not(None))
        .limit(1)).scalar_one_or_none()


def _archive_finished_solo_rooms(user: User, now: datetime) -> None:
    """Earlier solo rooms are done with: archive them so rooms of one do not pile up (no commit).
    Their records keep pointing at them for the history."""
    db.session.execute(
        update(Room).where(Room.is_solo.is_(True), Room.host_id == user.id, Room.archived_at.is_(None),
                           ~solo_room_is_live())
        .values(archived_at=now).execution_options(synchronize_session=False))
