"""Web processes' heartbeats, and counting out the sockets of processes that died.

Each process that serves room sockets has a `web_processes` row (inserted with its first socket)
whose `seen_at` it refreshes every HEARTBEAT_SECONDS, and each of its sockets an `open_sockets`
row (rooms/presence.py writes both in the socket's own transaction). The ticker counts out the
sockets of every process not seen for PRESENCE_EXPIRY_SECONDS (default 5): a web process killed
with -9, or a host that vanished, has its people counted out within seconds, and nobody else's.
A process that finds its own row gone (it stalled for longer than the expiry and was taken for
dead) asks its sockets to reconnect, so their people are counted in again.

The single-process default works the same way: after a restart, the dead predecessor's sockets
are counted out by the new process's ticker a few seconds after its last heartbeat.
"""
from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
from datetime import datetime, timedelta

from flask import Flask, current_app
from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from .. import realtime
from ..extensions import db
from ..models import OpenSocket, WebProcess, utcnow

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 1.0
DEFAULT_EXPIRY_SECONDS = 5
EXTENSION_KEY = "focusroom_liveness"


def expiry() -> timedelta:
    return timedelta(seconds=current_app.config.get("PRESENCE_EXPIRY_SECONDS", DEFAULT_EXPIRY_SECONDS))


class Liveness:
    """This process's identity and heartbeat (one per app, so tests may run several)."""

    def __init__(self, app: Flask):
        self.app = app
        self.process_id = f"{socket.gethostname()[:60]}:{os.getpid()}:{secrets.token_hex(4)}"
        self.registered = False  # its row has been committed at least once
        self.revived = 0  # times it found itself counted out and had its sockets reconnect
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self._stopped = threading.Event()

    def register(self, now: datetime) -> None:
        """Insert this process's row in the caller's transaction, once; never twice."""
        if self.registered:
            return
        dialect = db.session.get_bind().dialect.name
        insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
        db.session.execute(insert(WebProcess).values(id=self.process_id, started_at=now, seen_at=now)
                           .on_conflict_do_nothing(index_elements=["id"]))

    def start(self) -> None:
        """Start the heartbeat (with the first socket); it stops with lifecycle.shutdown."""
        if self._thread is not None:
            return
        with self._start_lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._beat_forever, name="heartbeat", daemon=True)
                self._thread.start()
                self.app.extensions.setdefault("focusroom_stops", []).append(self.stop)

    def stop(self) -> None:
        self._stopped.set()
        if self._thread is not None:
            self._thread.join(timeout=HEARTBEAT_SECONDS + 2)

    def beat(self) -> None:
        now = utcnow()
        found = db.session.execute(update(WebProcess).where(WebProcess.id == self.process_id)
                                   .values(seen_at=now).execution_options(synchronize_session=False)).rowcount
        if found or not self.registered:
            db.session.commit()
            return
        # Taken for dead (this process stalled past the expiry): its sockets were counted out.
        self.registered = False
        self.register(now)
        db.session.commit()
        self.registered = True
        self.revived += 1
        asked = realtime.get_hub(self.app).reconnect_all()
        log.warning("this process was counted out as dead; %d sockets asked to reconnect", asked)

    def _beat_forever(self) -> None:
        while not self._stopped.wait(HEARTBEAT_SECONDS):
            with self.app.app_context():
                try:
                    self.beat()
                except Exception:
                    log.exception("heartbeat failed")
                    db.session.rollback()
                finally:
                    db.session.remove()


def current(app: Flask | None = None) -> Liveness:
    app = app or current_app._get_current_object()
    liveness = app.extensions.get(EXTENSION_KEY)
    if liveness is None:
        liveness = app.extensions.setdefault(EXTENSION_KEY, Liveness(app))
    return liveness


def dead_sockets(now: datetime) -> list[tuple[int, int]]:
    """(socket id, participant id) of every socket whose process has not been seen lately."""
    alive = select(WebProcess.id).where(WebProcess.seen_at > now - expiry())
    return list(db.session.execute(
        select(OpenSocket.id, OpenSocket.participant_id).where(OpenSocket.process_id.not_in(alive))
        .order_by(OpenSocket.id)).tuples())


def forget_dead_processes(now: datetime) -> None:
    db.session.execute(delete(WebProcess).where(WebProcess.seen_at <= now - expiry())
                       .execution_options(synchronize_session=False))


def forget_process(process_id: str) -> None:
    db.session.execute(delete(WebProcess).where(WebProcess.id == process_id)
                       .execution_options(synchronize_session=False))
