"""Closed room sockets are counted out in batches by one worker per process, not each on its own.

A crowd leaving at once (a class ending, a phone network dropping, a load balancer draining) used
to cost one transaction per socket, each run by the closing socket itself on the event loop: in
the soak (bench/soak.py) 400 sockets closing within a second held the loop for over a second, the
ticker skipped a job and a time update was lost. Now a closing socket only queues its departure.
One worker takes up to BATCH of them, counts them out in one transaction, publishes each room
whose list changed once (people.changed coalesces further), and yields before the next batch.

The worker is a thread (a greenlet under gevent). Order does not matter: a socket's row and the
count move together (see presence.py), so a reconnect that overtakes a departure still adds up.
"""
from __future__ import annotations

import logging
import queue
import threading
import time
from dataclasses import dataclass

from flask import Flask, current_app
from sqlalchemy import func, select

from .. import realtime
from ..extensions import db
from ..models import OpenSocket, Room, utcnow
from . import liveness, people, presence, publishing, services

log = logging.getLogger(__name__)

BATCH = 50
DRAIN_SECONDS = 5.0  # at most this much of a worker's exit goes to counting its sockets out


@dataclass(frozen=True)
class Departure:
    code: str
    user_id: int
    socket_id: int


class Departures:
    def __init__(self, app: Flask):
        self.app = app
        self.pending: queue.Queue[Departure] = queue.Queue()
        self._worker: threading.Thread | None = None
        self._lock = threading.Lock()

    def add(self, departure: Departure) -> None:
        self.pending.put(departure)
        with self._lock:
            if self._worker is None or not self._worker.is_alive():
                self._worker = threading.Thread(target=self._run, name="room-departures", daemon=True)
                self._worker.start()

    def _run(self) -> None:
        while True:
            self._count_out(self._take(self.pending.get()))
            time.sleep(0)  # let the sockets and the ticker run between batches

    def _take(self, first: Departure) -> list[Departure]:
        batch = [first]
        while len(batch) < BATCH:
            try:
                batch.append(self.pending.get_nowait())
            except queue.Empty:
                break
        return batch

    def _count_out(self, batch: list[Departure]) -> None:
        try:
            with self.app.app_context():
                count_out(batch)
        except Exception:
            log.exception("counting out %d closed sockets failed", len(batch))
        finally:
            for _ in batch:
                self.pending.task_done()

    def drain(self, seconds: float = DRAIN_SECONDS) -> int:
        """Count out every queued departure now, in this thread, for at most about `seconds`
        (a batch started goes to its end); returns how many were left uncounted. A batch the
        worker holds is waited for, not taken twice."""
        deadline = time.monotonic() + seconds
        while self.pending.unfinished_tasks and time.monotonic() < deadline:
            try:
                self._count_out(self._take(self.pending.get_nowait()))
            except queue.Empty:
                time.sleep(0.05)  # the worker is counting out its batch: let it finish
        return self.pending.unfinished_tasks


def current() -> Departures:
    app = current_app._get_current_object()
    departures = app.extensions.get("room_departures")
    if departures is None:
        departures = app.extensions.setdefault("room_departures", Departures(app))
    return departures


def at_exit(app: Flask, seconds: float = DRAIN_SECONDS) -> int:
    """A web process is going (gunicorn's worker_exit): count out the departures still queued
    (drain), then whatever sockets it still has on record (a quick shutdown ends their handlers
    before they queue anything), and tell their rooms. Nobody stays "connected" through a process
    that is gone until the presence expiry notices. Returns how many sockets were counted out.

    Under gevent the work runs in a greenlet of its own, waited for at most `seconds` + 2: a
    second quit signal (gunicorn's quick shutdown raises SystemExit from a greenlet it spawns per
    signal, and a signal may reach a process twice, from its master and from its group) is thrown
    into the waiting greenlet, never into the middle of the counting."""
    if not _cooperative():
        return _at_exit(app, seconds)
    import gevent
    worker = gevent.spawn(_at_exit, app, seconds)
    deadline = time.monotonic() + seconds + 2
    while not worker.ready() and time.monotonic() < deadline:
        try:
            worker.join(max(0.0, deadline - time.monotonic()))
        except SystemExit:
            continue  # the process is exiting already: this is why it counts out; finish first
    if not worker.successful():
        log.error("counting out this process's sockets at exit did not finish: %r", worker.exception)
    return worker.value or 0


def _at_exit(app: Flask, seconds: float) -> int:
    drain(app, seconds)
    with app.app_context():
        me = liveness.current(app)
        if not me.registered:
            return 0  # it never served a room socket
        me.stop()  # a heartbeat after this would find its row gone and bring it back
        try:
            now = utcnow()
            before = db.session.execute(select(func.count(OpenSocket.id))
                                        .where(OpenSocket.process_id == me.process_id)).scalar()
            changed = presence.count_out_process(me.process_id, now)
            for room in db.session.execute(select(Room).where(Room.id.in_(changed))).scalars():
                people.publish(room, now)  # not people.changed: this process ticks no more
            flush = getattr(realtime.get_hub(app), "flush", None)
            if flush is not None:
                flush(timeout=2.0)  # the Redis hub's sender only queues: send the lists before going
            return before
        finally:
            db.session.remove()


def drain(app: Flask, seconds: float = DRAIN_SECONDS) -> int:
    """At a web process's exit (gunicorn's worker_exit): count out the departures still queued,
    so a graceful restart leaves nobody "connected" until the process's presence expires.
    Returns how many were left uncounted (0: all done, or there was nothing to do)."""
    departures = app.extensions.get("room_departures")
    if departures is None:
        return 0
    queued = departures.pending.unfinished_tasks
    left = departures.drain(seconds)
    if left:
        log.warning("%d departures not counted out within %.0f s; presence expiry will", left, seconds)
    elif queued:
        log.info("counted out %d departures still queued at exit", queued)
    return left


def leave(code: str, user_id: int, socket_id: int) -> None:
    """A room socket closed: count it out soon, in a batch, where one event loop serves every
    socket (gevent, as under gunicorn). With real threads (the development and test servers)
    each socket's own thread counts itself out at once, as it always did: no worker thread then
    outlives a request into a test's teardown (one did, mid-query, as the engine was disposed)."""
    departure = Departure(code, user_id, socket_id)
    if _cooperative():
        current().add(departure)
    else:
        count_out([departure])


def _cooperative() -> bool:
    try:
        from gevent import monkey
    except ImportError:
        return False
    return monkey.is_module_patched("threading")


def count_out(batch: list[Departure]) -> None:
    """Count out a batch of closed sockets in one transaction, then tell each room once.
    If the batch fails as a whole, each departure is tried on its own so one bad row cannot
    keep the others counted in."""
    now = utcnow()
    try:
        lasts, rooms = _close_all(batch, now)
        db.session.commit()
    except Exception:
        db.session.rollback()
        log.exception("a batch of %d departures failed; counting them out one by one", len(batch))
        lasts, rooms = [], {}
        for departure in batch:
            try:
                more_lasts, more_rooms = _close_all([departure], now)
                db.session.commit()
            except Exception:
                db.session.rollback()
                log.exception("counting out socket %s failed", departure.socket_id)
                continue
            lasts += more_lasts
            rooms.update(more_rooms)
    try:
        _announce(lasts, rooms, now)
    finally:
        db.session.close()


def _close_all(batch: list[Departure], now) -> tuple[list[tuple[int, int]], dict[int, object]]:
    rooms, lasts = {}, []
    by_code = {}
    for departure in batch:
        room = by_code.get(departure.code)
        if room is None:
            try:
                room = by_code[departure.code] = services.find_room(departure.code)
            except services.RoomNotFound:
                continue
        _participant, last = presence.close_socket(room, departure.user_id, departure.socket_id, now, commit=False)
        rooms[room.id] = room
        if last:
            lasts.append((room.id, departure.user_id))
    return lasts, rooms


def _announce(lasts: list[tuple[int, int]], rooms: dict, now) -> None:
    """A host whose last socket closed hands over at once when there is no grace; every other
    room's list goes out (coalesced by people.changed)."""
    handed_over, emptied = set(), {room_id for room_id, _ in lasts}
    if presence.host_grace().total_seconds() <= 0:
        for room_id, user_id in lasts:
            room = rooms[room_id]
            if room.host_id == user_id and presence.hand_over(room, now):
                db.session.commit()
                publishing.publish_host_change(room, user_id, now)
                handed_over.add(room_id)
    for room_id in emptied - handed_over:  # someone is gone from the list: it changed
        publishing.participants_changed(rooms[room_id], now)
        # A list costs a few ms (a query per shown person's figures): let the sockets and the
        # ticker in between rooms, or a batch of 50 leavers holds the loop for a whole render set.
        realtime.cooperate()
