"""The rooms' share of each tick: phases at their deadlines, hand-overs, archiving, time updates.

Idempotent by construction: phases follow from stored deadlines (a doubled tick finds nothing
due), every timer write is a compare-and-set on `timer_version` (a racing ticker loses
cleanly), hand-overs and archiving are conditional updates. One transaction, then publish.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import exists, select, update
from sqlalchemy.orm import selectinload

from .. import events, realtime, transactions
from ..extensions import db
from ..models import Participant, Room
from ..rules.timer import COMPLETED, IDLE, PAUSED, RUNNING
from . import people, presence, publishing, timer_service, views

ARCHIVE_AFTER = timedelta(hours=2)
# Idle pages get their time update written by this loop itself (see realtime.hub), about 20 us
# a room; yielding more often only let the woken clients and other greenlets in between.
TIME_ROOMS_PER_YIELD = 250
LIST_BUDGET_SECONDS = 0.3  # per tick for participant lists; the rest waits for the next tick


@dataclass
class TickResult:
    advanced: list[Room] = field(default_factory=list)
    handed_over: list[tuple[Room, int | None]] = field(default_factory=list)
    lists_to_publish: set[int] = field(default_factory=set)
    archived: int = 0
    timings: dict[str, float] = field(default_factory=dict)  # seconds per step, for slow-tick logs

    def lap(self, step: str, started: float) -> float:
        now = time.perf_counter()
        self.timings[step] = round(now - started, 4)
        return now


def tick(now: datetime) -> TickResult:
    """Advance, hand over and archive in one transaction, then publish what changed. The time
    updates go out separately (send_time), so a long tick never delays or drops them."""
    result = TickResult()
    started = time.perf_counter()
    for room in _due_rooms(now):
        try:
            change = timer_service.advance(room, now)
        except timer_service.StaleRoom:  # another ticker got there first: nothing was written
            db.session.expire(room)
            continue
        if change.transitions:
            result.advanced.append(room)
    started = result.lap("advance", started)
    ran = events.TickRan(now)
    events.announce(ran)
    result.lists_to_publish = ran.lists_to_publish
    started = result.lap("tracking", started)
    for room in presence.rooms_needing_a_host(now):
        old_host = room.host_id
        if presence.hand_over(room, now):
            result.handed_over.append((room, old_host))
    started = result.lap("hosts", started)
    result.archived = _archive_idle(now)
    db.session.commit()
    started = result.lap("archive+commit", started)
    _publish(result, now)
    result.lap("publish", started)
    return result


def _due_rooms(now: datetime) -> list[Room]:
    return list(db.session.execute(
        select(Room).where(Room.status == RUNNING, Room.phase_ends_at <= now, Room.archived_at.is_(None))
        .options(selectinload(Room.participants))
    ).scalars())


def _archive_idle(now: datetime) -> int:
    """Rooms nobody is in and nothing has happened in for ARCHIVE_AFTER free their code."""
    someone_present = exists().where(Participant.room_id == Room.id, Participant.connections > 0)
    return db.session.execute(
        update(Room)
        .where(Room.archived_at.is_(None), Room.is_solo.is_(False),
               Room.status.in_((IDLE, PAUSED, COMPLETED)),
               Room.last_active_at <= now - ARCHIVE_AFTER, ~someone_present)
        .values(archived_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount or 0


def _publish(result: TickResult, now: datetime) -> None:
    with publishing.rendering():  # one neutral request context for the whole tick, not one per room
        _publish_all(result, now)
    transactions.end_read()  # the read transaction the publishing queries opened


def _publish_all(result: TickResult, now: datetime) -> None:
    fully_published = set()
    for room in result.advanced:
        publishing.publish_timer_change(room, now)
        fully_published.add(room.id)
        realtime.cooperate()
    for room, old_host in result.handed_over:
        publishing.publish_host_change(room, old_host, now)
        fully_published.add(room.id)
        realtime.cooperate()
    people.mark_changed(result.lists_to_publish - fully_published)
    held_back = people.take_due() - fully_published
    started = time.perf_counter()
    for room in _live_rooms(held_back):
        if time.perf_counter() - started > LIST_BUDGET_SECONDS:
            people.hold_back({room.id})  # the next tick goes on; no tick grows without bound
            continue
        people.publish(room, now)
        realtime.cooperate()


def send_time(now: datetime) -> None:
    """The once-a-second time update of every running room, a job of its own so its delay does
    not grow with the tick's work. Rooms whose deadline has come are left out: the phase change
    the tick publishes carries their time."""
    running = db.session.execute(  # plain columns: this runs for every running room every second
        select(Room.id, Room.code, Room.status, Room.timer_version, Room.phase_ends_at, Room.remaining_seconds)
        .where(Room.status == RUNNING, Room.archived_at.is_(None), Room.phase_ends_at > now)).all()
    transactions.end_read()  # no read transaction left open while the messages go out
    for n, (room_id, code, status, version, phase_ends_at, remaining) in enumerate(running):
        publishing.publish_time(room_id, views.clock_view(code, status, version, phase_ends_at, remaining, now))
        if n % TIME_ROOMS_PER_YIELD == TIME_ROOMS_PER_YIELD - 1:
            realtime.cooperate()  # requests and busy sockets get a turn, every few milliseconds


def _live_rooms(ids: set[int]) -> list[Room]:
    if not ids:
        return []
    return list(db.session.execute(select(Room).where(Room.id.in_(ids), Room.archived_at.is_(None))).scalars())
