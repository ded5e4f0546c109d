"""Solo focus on the room machinery: a private room of one (Room.is_solo) per session.

The room gives a solo session the same server-owned timer, live socket, activity tracking and
focus score as a shared room. Its single work phase is the session: tracking opens the record
when the person's page connects, and closes and scores it when the phase ends.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from ...extensions import db
from ...models import FocusSession, Room, Task, User, utcnow
from .errors import Conflict, NotFound, Problems
from .sessions import check_target_minutes, ensure_none_running, owned_task, running_session
from .spans import whole_seconds

SOLO_ROOM_NAME = "Solo focus"
LIVE_TIMER = ("running", "paused")


def active_solo_room(user: User) -> Room | None:
    """The person's solo room whose work phase is running or paused, if any."""
    return db.session.execute(
        select(Room).where(Room.is_solo.is_(True), Room.host_id == user.id, Room.archived_at.is_(None),
                           Room.status.in_(LIVE_TIMER))
        .order_by(Room.id.desc()).limit(1)).scalar_one_or_none()


def solo_record(room: Room) -> FocusSession | None:
    """The newest focus-session record of this solo room (running or finished)."""
    return db.session.execute(
        select(FocusSession).where(FocusSession.room_id == room.id)
        .order_by(FocusSession.start_time.desc(), FocusSession.id.desc()).limit(1)).scalar_one_or_none()


def start_solo(user: User, *, target_minutes, task_id=None, now: datetime | None = None) -> Room:
    """Open a private room of one with a single work phase of `target_minutes` and start it."""
    from ...rooms import services as rooms

    now = now or utcnow()
    problems = Problems()
    if target_minutes is None:
        problems.add("target_minutes", "How long do you want to focus?")
    check_target_minutes(target_minutes, problems)
    task = owned_task(user, task_id, problems)
    problems.raise_if_any()
    ensure_none_running(user)
    _archive_finished_solo_rooms(user, now)
    room = rooms.create_room(user, {"name": SOLO_ROOM_NAME, "work_minutes": target_minutes, "rounds": 1,
                                    "auto_start_breaks": False, "auto_start_work": False,
                                    "is_public": False, "max_participants": 1}, now, is_solo=True)
    room.participants[0].task_id = task.id if task else None
    db.session.commit()
    rooms.control(room, user, "start", now)
    return room


def solo_task(room: Room) -> Task | None:
    """The task the person linked when starting this solo session."""
    host = next((p for p in room.participants if p.user_id == room.host_id), None)
    return db.session.get(Task, host.task_id) if host is not None and host.task_id else None


def end_solo(user: User, *, now: datetime | None = None) -> FocusSession | None:
    """End the person's live solo session now; returns its record (None if it never connected)."""
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
        if active_solo_room(user) is not None:
            raise Conflict("Your session is still connecting; try again in a moment.")
        raise Conflict("Live logging only works during an active session.")
    return running


def _archive_finished_solo_rooms(user: User, now: datetime) -> None:
    """Earlier solo rooms are done with: archive them so rooms of one do not pile up (no commit).
    Their records keep pointing at them for the history."""
    db.session.execute(
        update(Room).where(Room.is_solo.is_(True), Room.host_id == user.id, Room.archived_at.is_(None),
                           Room.status.not_in(LIVE_TIMER))
        .values(archived_at=now).execution_options(synchronize_session=False))
