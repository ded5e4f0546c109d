"""Room rules: create, find, join, leave, host controls, personal pause.

Each action validates first, writes, commits once, then publishes. Errors are RoomError
subclasses with a user-facing message and an HTTP status; nothing is half-written on error.
"""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, func, null, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from .. import events
from ..extensions import db
from ..models import ROOM_CODE_ALPHABET, ROOM_CODE_LENGTH, Participant, Room, User
from ..rules.late_start import late_start_refusal
from ..rules.timer import COMPLETED, IDLE, PAUSED, RUNNING, TimerError
from . import presence, publishing, timer_service
from .forms import DEFAULT_SETTINGS, EDITABLE, normalize_code

# Someone who joined but whose page has not connected yet keeps their seat this long.
SEAT_HOLD = timedelta(minutes=2)
CODE_ATTEMPTS = 20


class RoomError(Exception):
    status = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class RoomNotFound(RoomError):
    status = 404


class NotAllowed(RoomError):
    status = 403


class RoomFull(RoomError):
    status = 409


class TimerRefused(RoomError):
    status = 409


class LateStartRefused(RoomError):
    """A start sent later with its moment (an offline page) that cannot be taken as of then."""
    status = 422


def new_code() -> str:
    return "".join(secrets.choice(ROOM_CODE_ALPHABET) for _ in range(ROOM_CODE_LENGTH))


def live_room_query(code: str):
    return select(Room).where(Room.code == normalize_code(code), Room.archived_at.is_(None))


def find_room(code: str) -> Room:
    """The live room with this code, in any letter case; RoomNotFound otherwise."""
    room = db.session.execute(live_room_query(code)).scalar_one_or_none()
    if room is None:
        raise RoomNotFound(f"No room has the code {normalize_code(code)[:12] or '…'}.")
    return room


def participant_of(room: Room, user) -> Participant | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return membership(room.id, user.id)


def membership(room_id: int, user_id: int) -> Participant | None:
    """One row, never the whole list: a room can hold a thousand people."""
    return db.session.execute(select(Participant).where(
        Participant.room_id == room_id, Participant.user_id == user_id)).scalar_one_or_none()


def create_room(host: User, settings: dict, now: datetime, *, is_solo: bool = False) -> Room:
    """Create a room with a fresh code and its creator inside as host (one commit).

    `settings` are Room column values (see forms.RoomForm.settings); missing ones get defaults.
    """
    settings = {**DEFAULT_SETTINGS, **settings}
    for _ in range(CODE_ATTEMPTS):
        code = new_code()
        taken = db.session.execute(
            select(exists().where(Room.code == code, Room.archived_at.is_(None)))).scalar()
        if taken:
            continue
        room = Room(code=code, host_id=host.id, created_by_id=host.id, is_solo=is_solo,
                    created_at=now, last_active_at=now, **settings)
        timer_service.initialize(room)
        if settings["rounds"] is None:
            room.rounds = null()  # a plain None would let the column default (4) fill it in
        room.participants.append(Participant(user_id=host.id, joined_at=now, last_seen_at=now))
        db.session.add(room)
        try:
            db.session.commit()
        except IntegrityError:  # another room took the code between our check and insert
            db.session.rollback()
            continue
        return room
    raise RoomError("Could not find a free room code. Please try again.")


def seats_taken(room: Room, now: datetime) -> int:
    return db.session.execute(select(func.count(Participant.id)).where(
        Participant.room_id == room.id,
        or_(Participant.connections > 0,
            and_(Participant.left_at.is_(None), Participant.joined_at >= now - SEAT_HOLD)))).scalar_one()


def open_to(room: Room, user) -> bool:
    """Whether `user` may see and join this room. A solo room (/focus) is its owner's alone,
    whoever holds its code and however free its one seat is."""
    if not room.is_solo:
        return True
    return getattr(user, "is_authenticated", False) and user.id == room.created_by_id


def ensure_open_to(room: Room, user) -> None:
    """RoomNotFound, exactly as for an unknown code, when the room is closed to `user`."""
    if not open_to(room, user):
        raise RoomNotFound(f"No room has the code {room.code}.")


def join(room: Room, user: User, now: datetime) -> Participant:
    """Make `user` a participant (idempotent); RoomFull when every seat is taken, RoomNotFound
    for someone else's solo room."""
    ensure_open_to(room, user)
    existing = participant_of(room, user)
    if existing is not None:
        return existing
    if seats_taken(room, now) >= room.max_participants:
        raise RoomFull(f"This room is full ({room.max_participants} people). Try again later.")
    participant = Participant(room_id=room.id, user_id=user.id, joined_at=now, last_seen_at=now)
    db.session.add(participant)
    room.last_active_at = now
    try:
        db.session.commit()
    except IntegrityError:  # the same person joined twice at once: keep the first
        db.session.rollback()
        return db.session.execute(select(Participant).where(
            Participant.room_id == room.id, Participant.user_id == user.id)).scalar_one()
    publishing.participants_changed(room, now)
    return participant


def join_new_guest(room: Room, display_name: str, timezone: str | None, now: datetime) -> User:
    """A visitor from a link types a name and is in: a guest account and its seat, in one step.
    The seat is checked first, so a full room creates no guest."""
    from ..accounts import services as accounts

    ensure_open_to(room, None)
    if seats_taken(room, now) >= room.max_participants:
        raise RoomFull(f"This room is full ({room.max_participants} people). Try again later.")
    guest = accounts.create_guest(display_name, timezone)
    join(room, guest, now)
    return guest


def successor_name(room: Room, leaving_user_id: int) -> str | None:
    """Who would become host if this person left now (presence.hand_over's choice), for the
    confirmation a leaving host reads."""
    candidates = [p for p in room.participants if p.connections > 0 and p.user_id != leaving_user_id]
    if not candidates:
        return None
    return min(candidates, key=lambda p: (presence.present_since(p), p.id)).user.name


def edit(room: Room, user: User, settings: dict, now: datetime) -> None:
    """The host renames the room or changes its lengths between phases (never during one, which
    would move everyone's deadline). The waiting phase takes its new length at once."""
    if user is None or room.host_id != user.id:
        raise NotAllowed("Only the host can change the room.")
    if room.status in (RUNNING, PAUSED):
        raise TimerRefused("Lengths can change between phases: wait for this one to end, or skip it.")
    for key in EDITABLE:
        setattr(room, key, settings[key])
    if room.status == IDLE:
        room.remaining_seconds = float(timer_service.config_of(room).phase_seconds(room.phase))
    # A new version makes every page take the new timer (room.js re-syncs on a newer version).
    claimed = db.session.execute(
        update(Room).where(Room.id == room.id, Room.timer_version == room.timer_version)
        .values(timer_version=room.timer_version + 1).execution_options(synchronize_session=False)).rowcount
    if claimed != 1:
        db.session.rollback()
        raise TimerRefused("The timer changed at the same moment. Please try again.")
    room.timer_version += 1
    room.last_active_at = now
    db.session.commit()
    publishing.publish_room_changed(room, now)


def leave(room: Room, user: User, now: datetime) -> None:
    """An explicit Leave: the person counts as gone now, and a host hands over at once."""
    participant = participant_of(room, user)
    if participant is None:
        return
    participant.left_at = now
    participant.is_paused = False
    old_host = room.host_id
    handed = presence.hand_over(room, now, leaving_user_id=user.id) if room.host_id == user.id else False
    room.last_active_at = now
    db.session.commit()
    if handed:
        publishing.publish_host_change(room, old_host, now)
    else:
        publishing.participants_changed(room, now)


def control(room: Room, user: User, action: str, now: datetime, *,
            at: datetime | None = None) -> timer_service.TimerChange:
    """A host's start/pause/resume/skip/reset/end. NotAllowed for anyone else. `at`: when it
    happened, if before `now` (a click an offline page sends later): a start is checked here
    (LateStartRefused); for a pause or resume the caller checks it is still in the current phase."""
    if action not in timer_service.ACTIONS:
        raise RoomNotFound("There is no such control.")
    for _ in range(3):
        if user is None or room.host_id != user.id:
            raise NotAllowed("Only the host can control the timer.")
        if at is not None and action == "start":
            _check_late_start(room, at, now)
            at = min(at, now)
        try:
            change = timer_service.change(room, at or now, action,
                                          started_by_id=user.id if at is not None and action == "start" else None)
            db.session.commit()
        except TimerError as error:
            db.session.rollback()
            raise TimerRefused(str(error)) from error
        except timer_service.StaleRoom:
            db.session.rollback()  # expires the room: the next attempt reads the new state
            continue
        if change.transitions or change.action:
            publishing.publish_timer_change(room, now)
        return change
    raise TimerRefused("The timer changed at the same moment. Please try again.")


def start_solo_phase_at(room: Room, user: User, at: datetime, now: datetime) -> timer_service.TimerChange:
    """A solo page without a network started its waiting phase at `at` (sent later by its outbox):
    the phase runs from then, so its deadline is the one the page counted down to. Checked by
    rules/late_start.py (LateStartRefused, 422). Rooms with other people need the network."""
    if not room.is_solo:
        raise LateStartRefused("Rooms with other people start on the server's clock: "
                               "this needs the network.")
    return control(room, user, "start", now, at=at)


def _check_late_start(room: Room, at: datetime, now: datetime) -> None:
    refusal = late_start_refusal(timer_service.state_of(room), timer_service.config_of(room),
                                 room.phase_started_at, at, now)
    if refusal:
        raise LateStartRefused(refusal)


def archive(room: Room, user: User, now: datetime) -> None:
    """The host closes the room for good: a session still going ends now (recorded as the End
    button records it), the code is freed, and every open page hears the timer stop."""
    for _ in range(3):
        if user is None or room.host_id != user.id:
            raise NotAllowed("Only the host can close the room.")
        try:
            if room.status != COMPLETED:
                timer_service.change(room, now, "end")
            room.archived_at = now
            room.last_active_at = now
            db.session.commit()
        except timer_service.StaleRoom:
            db.session.rollback()
            continue
        publishing.publish_timer_change(room, now)
        return
    raise TimerRefused("The timer changed at the same moment. Please try again.")


def set_personal_pause(room: Room, user: User, paused: bool, now: datetime) -> Participant:
    participant = participant_of(room, user)
    if participant is None:
        raise NotAllowed("Join the room first.")
    if participant.is_paused != paused:
        participant.is_paused = paused
        events.announce(events.ParticipantPaused(room, participant, paused, now))
        db.session.commit()
        publishing.participants_changed(room, now)
    publishing.publish_me(room, participant)
    return participant


def public_rooms_query(search: str = ""):
    """Public, live, shared rooms, most recently active first, with how many are present."""
    present = (select(func.count(Participant.id))
               .where(Participant.room_id == Room.id, Participant.connections > 0)
               .correlate(Room).scalar_subquery())
    query = (select(Room, present.label("present"))
             .where(Room.is_public.is_(True), Room.archived_at.is_(None), Room.is_solo.is_(False)))
    search = (search or "").strip()
    if search:
        escaped = search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(Room.name.ilike(f"%{escaped}%", escape="\\"))
    return query.order_by(Room.last_active_at.desc(), Room.id.desc())


def directory_query(search: str = ""):
    """The directory page: public rooms someone is in right now whose timer has not finished
    (a room to drop into, not an archive), with their hosts loaded."""
    query = public_rooms_query(search)
    present = query.selected_columns.present
    return (query.where(Room.status != COMPLETED, present > 0)
            .options(selectinload(Room.host)))


def api_visible(room: Room, viewer) -> bool:
    """Public rooms are readable by anyone; private ones only by their participants."""
    return room.is_public or participant_of(room, viewer) is not None

