"""Who is in a room right now: open sockets per participant, and the host hand-over.

`Participant.connections` counts open sockets (0 = "left"); it changes with one atomic
UPDATE ... RETURNING so two tabs opening at once cannot lose a count. `left_at` is the last
moment the person left; it is kept when they come back, so "present since" is the later of
`joined_at` and `left_at`.

A host "leaves" when they press Leave, or when their last socket closed and they have not
come back within ROOM_HOST_GRACE_SECONDS (default 10 s), so a page reload or a short network
drop does not hand the room to someone else. The role then passes to the participant who
has been present the longest, and everyone sees it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, case, exists, func, or_, select, update
from sqlalchemy.orm import aliased, joinedload

from ..extensions import db
from ..models import Participant, Room
from ..tracking import hooks

DEFAULT_HOST_GRACE_SECONDS = 10


def host_grace() -> timedelta:
    return timedelta(seconds=current_app.config.get("ROOM_HOST_GRACE_SECONDS", DEFAULT_HOST_GRACE_SECONDS))


def _bump(room_id: int, user_id: int, delta: int, now: datetime) -> int | None:
    """Add `delta` to the open-socket count; the new count, or None if no row changed
    (not a participant, or a close that found the count at 0 already)."""
    statement = update(Participant).where(Participant.room_id == room_id, Participant.user_id == user_id)
    if delta < 0:
        statement = statement.where(Participant.connections > 0)
    return db.session.execute(
        statement.values(connections=Participant.connections + delta, last_seen_at=now)
        .returning(Participant.connections)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()


def connect(room: Room, user_id: int, now: datetime) -> Participant | None:
    """Count one more open socket; None if the user is not a participant. Commits."""
    count = _bump(room.id, user_id, +1, now)
    if count is None:
        db.session.rollback()
        return None
    participant = _reload(room.id, user_id)
    if count == 1:
        hooks.participant_connected(room, participant, now)
    room.last_active_at = now
    db.session.commit()
    return participant


def disconnect(room: Room, user_id: int, now: datetime) -> tuple[Participant | None, bool]:
    """Count one socket less. Returns the participant and whether that was their last. Commits."""
    count = _bump(room.id, user_id, -1, now)
    if count is None:
        db.session.rollback()
        return _find(room.id, user_id), False
    participant = _reload(room.id, user_id)
    last = count == 0
    if last:
        participant.left_at = now
        hooks.participant_disconnected(room, participant, now)
    room.last_active_at = now
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
    """The first `limit` people of the room's list and how many there are, in two small queries."""
    query = (select(Participant).where(Participant.room_id == room.id)
             .order_by(case((Participant.connections > 0, 0), else_=1), Participant.joined_at, Participant.id)
             .options(joinedload(Participant.user)))
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
    """After a crash nobody's socket is open any more: count everyone out (tracking is told)."""
    stale = list(db.session.execute(select(Participant).where(Participant.connections > 0)).scalars())
    for participant in stale:
        participant.connections = 0
        participant.left_at = now
        hooks.participant_disconnected(participant.room, participant, now)
    db.session.commit()
    return len(stale)
