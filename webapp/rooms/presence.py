"""Who is in a room right now: open sockets per participant, and the host hand-over.

`Participant.connections` counts open sockets (0 = "left"); it changes with one atomic
UPDATE ... RETURNING so two tabs opening at once cannot lose a count. Each socket it counts has
an `open_sockets` row naming its web process, written and deleted in the same transaction as the
count: a socket is counted out exactly once, by its own close or, if its process died, by the
ticker (see liveness.py), whichever deletes the row. `left_at` is the last moment the person
left; it is kept when they come back, so "present since" is the later of `joined_at` and
`left_at`.

A host "leaves" when they press Leave, or when their last socket closed and they have not
come back within ROOM_HOST_GRACE_SECONDS (default 10 s), so a page reload or a short network
drop does not hand the room to someone else. The role then passes to the participant who
has been present the longest, and everyone sees it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, case, delete, exists, func, or_, select, update
from sqlalchemy.orm import aliased, joinedload, selectinload

from .. import events
from ..extensions import db
from ..models import OpenSocket, Participant, Room
from . import liveness

DEFAULT_HOST_GRACE_SECONDS = 10


def host_grace() -> timedelta:
    return timedelta(seconds=current_app.config.get("ROOM_HOST_GRACE_SECONDS", DEFAULT_HOST_GRACE_SECONDS))


def _bump(room_id: int, user_id: int, delta: int, now: datetime) -> int | None:
    """Add `delta` to the open-socket count; the new count, or None if no row changed
    (not a participant, or a close that found the count at 0 already)."""
    return _bump_where(delta, now, Participant.room_id == room_id, Participant.user_id == user_id)


def _bump_where(delta: int, now: datetime, *where) -> int | None:
    statement = update(Participant).where(*where)
    if delta < 0:
        statement = statement.where(Participant.connections > 0)
    return db.session.execute(
        statement.values(connections=Participant.connections + delta, last_seen_at=now)
        .returning(Participant.connections)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()


def open_socket(room: Room, user_id: int, now: datetime) -> tuple[Participant | None, int | None]:
    """Count one more open socket, served by this process; (participant, socket id), or
    (None, None) if the user is not a participant. Commits."""
    count = _bump(room.id, user_id, +1, now)
    if count is None:
        db.session.rollback()
        return None, None
    participant = _reload(room.id, user_id)
    me = liveness.current()
    me.register(now)
    socket = OpenSocket(process_id=me.process_id, participant_id=participant.id, opened_at=now)
    db.session.add(socket)
    if count == 1:
        events.announce(events.ParticipantConnected(room, participant, now))
    room.last_active_at = now
    db.session.commit()
    me.registered = True
    return participant, socket.id


def connect(room: Room, user_id: int, now: datetime) -> Participant | None:
    """open_socket() without the socket id."""
    return open_socket(room, user_id, now)[0]


def close_socket(room: Room, user_id: int, socket_id: int | None, now: datetime,
                 commit: bool = True) -> tuple[Participant | None, bool]:
    """Count one socket less. Returns the participant and whether that was their last. A
    socket already counted out (its process was taken for dead) changes nothing. Commits,
    unless the caller batches several closes in its own transaction (departures.py)."""
    if socket_id is None or not _delete_socket(socket_id):
        if commit:
            db.session.rollback()
        return _find(room.id, user_id), False
    count = _bump(room.id, user_id, -1, now)
    return _counted_out(room, user_id, count, now, commit=commit)


def disconnect(room: Room, user_id: int, now: datetime) -> tuple[Participant | None, bool]:
    """close_socket() for one of this process's sockets of the user in the room."""
    socket_id = db.session.execute(
        select(OpenSocket.id).join(Participant, Participant.id == OpenSocket.participant_id)
        .where(Participant.room_id == room.id, Participant.user_id == user_id,
               OpenSocket.process_id == liveness.current().process_id)
        .order_by(OpenSocket.id.desc()).limit(1)).scalar_one_or_none()
    return close_socket(room, user_id, socket_id, now)


def count_out_dead_processes(now: datetime) -> set[int]:
    """Count out the sockets of processes not seen within the expiry; the ids of the rooms
    whose lists changed. Commits."""
    changed = _count_out_sockets(liveness.dead_sockets(now), now)
    liveness.forget_dead_processes(now)
    db.session.commit()
    return changed


def count_out_process(process_id: str, now: datetime) -> set[int]:
    """Count out every socket this process still has, at its exit (its sockets go with it), and
    drop its heartbeat row; the ids of the rooms whose lists changed. Commits."""
    sockets = db.session.execute(select(OpenSocket.id, OpenSocket.participant_id)
                                 .where(OpenSocket.process_id == process_id).order_by(OpenSocket.id)).tuples()
    changed = _count_out_sockets(list(sockets), now)
    liveness.forget_process(process_id)
    db.session.commit()
    return changed


def _count_out_sockets(sockets: list[tuple[int, int]], now: datetime) -> set[int]:
    changed = set()
    for socket_id, participant_id in sockets:
        if not _delete_socket(socket_id):
            continue
        count = _bump_where(-1, now, Participant.id == participant_id)
        participant = db.session.get(Participant, participant_id)
        if participant is None:
            continue
        _counted_out(participant.room, participant.user_id, count, now, commit=False)
        changed.add(participant.room_id)
    return changed


def _delete_socket(socket_id: int) -> bool:
    return bool(db.session.execute(delete(OpenSocket).where(OpenSocket.id == socket_id)
                                   .execution_options(synchronize_session=False)).rowcount)


def _counted_out(room: Room, user_id: int, count: int | None, now: datetime,
                 commit: bool = True) -> tuple[Participant | None, bool]:
    participant = _reload(room.id, user_id)
    last = count == 0
    if last:
        participant.left_at = now
        events.announce(events.ParticipantDisconnected(room, participant, now))
    room.last_active_at = now
    if commit:
        db.session.commit()
    return participant, last


def _find(room_id: int, user_id: int) -> Participant | None:
    return db.session.execute(select(Participant).where(
        Participant.room_id == room_id, Participant.user_id == user_id)).scalar_one_or_none()


def _reload(room_id: int, user_id: int) -> Participant:
    return db.session.execute(
        select(Participant).where(Participant.room_id == room_id, Participant.user_id == user_id)
        .execution_options(populate_existing=True)).scalar_one()


@dataclass(frozen=True)
class Roster:
    shown: list[Participant]  # present people first, in order of arrival, then those who left
    present: int
    total: int


def roster(room: Room, limit: int | None) -> Roster:
    """The first `limit` people of the room's list (with their accounts and current records) and how
    many there are, in three small queries."""
    query = (select(Participant).where(Participant.room_id == room.id)
             .order_by(case((Participant.connections > 0, 0), else_=1), Participant.joined_at, Participant.id)
             # Each person's figures read their current record: one IN query, not one each.
             .options(joinedload(Participant.user), selectinload(Participant.current_session)))
    if limit is not None:
        query = query.limit(limit)
    shown = list(db.session.execute(query).scalars())
    total, present = db.session.execute(
        select(func.count(Participant.id), func.count(Participant.id).filter(Participant.connections > 0))
        .where(Participant.room_id == room.id)).one()
    return Roster(shown, present or 0, total or 0)


def present_since(participant: Participant) -> datetime:
    if participant.left_at is not None and participant.left_at > participant.joined_at:
        return participant.left_at
    return participant.joined_at


def hand_over(room: Room, now: datetime, leaving_user_id: int | None = None) -> bool:
    """Give the host role to whoever has been present longest (not the leaver). No commit."""
    candidates = [p for p in room.participants
                  if p.connections > 0 and p.user_id not in (room.host_id, leaving_user_id)]
    if not candidates:
        return False
    successor = min(candidates, key=lambda p: (present_since(p), p.id))
    room.host_id = successor.user_id
    room.host = successor.user
    room.last_active_at = now
    return True


def rooms_needing_a_host(now: datetime) -> list[Room]:
    """Live rooms whose host has been gone longer than the grace and someone else is here."""
    host = aliased(Participant)
    gone_since = func.coalesce(host.left_at, host.joined_at)
    someone_present = exists().where(Participant.room_id == Room.id, Participant.connections > 0,
                                     or_(Room.host_id.is_(None), Participant.user_id != Room.host_id))
    return list(db.session.execute(
        select(Room)
        .outerjoin(host, and_(host.room_id == Room.id, host.user_id == Room.host_id))
        .where(Room.archived_at.is_(None), someone_present,
               or_(host.id.is_(None), and_(host.connections <= 0, gone_since <= now - host_grace())))
    ).scalars())


def reset_all(now: datetime) -> int:
    """Count everyone out, every process's sockets included (tracking is told). Only for a
    deployment known to have no socket open anywhere; the ticker uses count_out_dead_processes."""
    stale = list(db.session.execute(select(Participant).where(Participant.connections > 0)).scalars())
    for participant in stale:
        participant.connections = 0
        participant.left_at = now
        events.announce(events.ParticipantDisconnected(participant.room, participant, now))
    db.session.execute(delete(OpenSocket).execution_options(synchronize_session=False))
    db.session.commit()
    return len(stale)
