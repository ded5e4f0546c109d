"""The ticker: once a second, advance every room's timer and push the time to every screen.

Two jobs, each once a second: the time (a small clock fragment for every running room, on the
whole second) and, half a second later, the tick (phases at their deadlines, tracking's tick,
hand-overs, archiving, participant lists). They are separate so a long tick (a wave of list
updates) can never delay or drop a time update.
It runs inside the web process (APScheduler 3's BackgroundScheduler, a thread, a greenlet
under gevent) when RUN_TICKER is on; a separate clock process can run the same starter later.

Exactly one ticker, never silently two
--------------------------------------
A process ticks only while it holds the ticker lock:
- SQLite: an exclusive `fcntl.flock` on `<database file>.ticker.lock` (released by the kernel
  when the process dies, kill -9 included);
- PostgreSQL: `pg_try_advisory_lock` on a connection held open for as long as the process
  ticks (released by the server when that connection or the process dies).
A process that does not get the lock logs a warning, stands by, and retries every few
seconds, so a second ticker takes over when the first dies instead of both running. The tick
is idempotent anyway (see rooms/ticking.py): phases derive from stored deadlines and every
timer write is a compare-and-set on `timer_version`, so even a doubled tick does no harm.

Several gunicorn workers
------------------------
Each worker runs create_app() and so this starter: one worker wins the lock and ticks, the
others stand by (and take over if it dies). But the event hub is in-process: time updates and
phase changes reach only the sockets of the ticking worker, and a page served by another
worker still counts down correctly from its deadline but hears of changes only on reload.
Presence counts are reset only by a process that holds the lock at start-up. So run one
worker (the default in gunicorn.conf.py, sized with worker_connections) until the Redis hub
and the dedicated clock process land; then the clock publishes through Redis to every worker.
"""
from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import time
from datetime import datetime, timedelta, timezone

from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.pool import NullPool

from . import lifecycle
from .extensions import db
from .gc_pacing import FullCollections

log = logging.getLogger(__name__)

SLOW_TICK_SECONDS = 0.5
# The time updates go out on the whole second; the tick runs half a second later. Under gevent
# the tick's database work blocks every greenlet while it runs, so ticking on the same second
# delayed each second's updates by the tick's length (bench/fanout.py: 44 ms median at 1,000
# clients, against 26 ms for a bare broadcast). Deadlines are not whole seconds anyway: the
# phase change goes out within a second of its deadline either way.
TICK_OFFSET_SECONDS = 0.5
COLLECT_IF_TICK_UNDER_SECONDS = 0.2  # else the collection waits for a shorter tick
RETRY_LOCK_EVERY = 5  # seconds between attempts of a standing-by ticker
ADVISORY_KEY = int.from_bytes(hashlib.sha256(b"focusroom-ticker").digest()[:8], "big", signed=True)


class TickerLock:
    """Held by the one process allowed to tick. `acquire()` never blocks."""

    def __init__(self, database_url: str, instance_path: str):
        self.url = database_url
        self.instance_path = instance_path
        self._file = None
        self._connection = None
        self._engine = None

    @property
    def held(self) -> bool:
        return self._file is not None or self._connection is not None

    def acquire(self) -> bool:
        if self.held:
            return True
        if self.url.startswith("postgresql"):
            return self._acquire_advisory()
        return self._acquire_file()

    def still_held(self) -> bool:
        """PostgreSQL: the lock lives as long as its connection; check that it is alive."""
        if self._connection is None:
            return self.held
        try:
            self._connection.execute(text("SELECT 1"))
            return True
        except Exception:
            log.warning("ticker lock connection lost; standing by")
            self.release()
            return False

    def release(self) -> None:
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None
        if self._connection is not None:
            try:
                # Unlock explicitly: the server frees a closed session's locks a moment after the
                # client has moved on, so a successor asking at once could still be refused.
                self._connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_KEY})
            except Exception:
                pass
            try:
                self._connection.close()
            except Exception:
                pass
            self._connection = None
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    def lock_path(self) -> str | None:
        database = self.url.split("///", 1)[1] if "///" in self.url else ""
        if not database or database == ":memory:" or database.startswith("file::memory"):
            return None  # a private in-memory database: no other process can share it
        return database.split("?", 1)[0] + ".ticker.lock"

    def _acquire_file(self) -> bool:
        path = self.lock_path()
        handle = open(path, "a+") if path else None
        if handle is None:
            self._file = open(os.devnull, "a+")
            return True
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        self._file = handle
        return True

    def _acquire_advisory(self) -> bool:
        self._engine = self._engine or create_engine(self.url, poolclass=NullPool)
        connection = self._engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        got = connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_KEY}).scalar()
        if got:
            self._connection = connection
            return True
        connection.close()
        return False


class Ticker:
    def __init__(self, app: Flask):
        self.app = app
        self.lock = TickerLock(app.config["SQLALCHEMY_DATABASE_URI"], app.instance_path)
        self.scheduler = BackgroundScheduler(timezone=timezone.utc)
        self.seconds = float(app.config.get("TICK_SECONDS", 1.0))
        self._standby_checks = 0
        self.collections = FullCollections()

    def start(self) -> None:
        if self.lock.acquire():
            self._count_everyone_out()
        else:
            log.warning("another process holds the ticker lock; this one stands by (no ticks)")
        self.collections.take_over()
        first = _next_whole_second(datetime.now(timezone.utc))
        for job, job_id, offset in ((self.send_time, "focusroom-time", 0.0),
                                    (self.tick_job, "focusroom-tick", TICK_OFFSET_SECONDS)):
            self.scheduler.add_job(job, "interval", seconds=self.seconds, id=job_id,
                                   start_date=first + timedelta(seconds=offset),
                                   max_instances=1, coalesce=True, misfire_grace_time=5)
        self.scheduler.start()

    def stop(self) -> None:
        self.scheduler.shutdown(wait=True)
        self.collections.hand_back()
        self.lock.release()

    def tick_job(self) -> None:
        """The tick, then (when due, and if the tick left time) the process's full collection,
        well before the next second's time updates (see gc_pacing)."""
        started = time.monotonic()
        self.run_once()
        if time.monotonic() - started < COLLECT_IF_TICK_UNDER_SECONDS:
            self.collections.collect_if_due()

    def run_once(self, now: datetime | None = None) -> bool:
        """One tick if this process holds the lock, at `now` (default: this very moment; the
        tick runs between the seconds, see TICK_OFFSET_SECONDS)."""
        if not self._may_tick():
            return False
        now = now or datetime.now(timezone.utc)
        started = time.monotonic()
        result = None
        with self.app.app_context():
            try:
                from .rooms import ticking
                result = ticking.tick(now)
            except Exception:
                log.exception("tick failed")
                db.session.rollback()
            finally:
                db.session.remove()
        took = time.monotonic() - started
        if took > SLOW_TICK_SECONDS:
            steps = ", ".join(f"{step} {seconds * 1000:.0f}" for step, seconds in (result.timings if result else {}).items())
            log.warning("slow tick: %.0f ms for %s (ticks are 1 s apart; ms per step: %s)",
                        took * 1000, now.isoformat(), steps or "failed")
        return True

    def _count_everyone_out(self) -> None:
        """Sockets counted before this process started died with their process (a crash, a
        restart): count everyone out now, before this process serves its first socket. (Done
        at the first tick instead, it also counted out whoever connected before that tick.)"""
        with self.app.app_context():
            try:
                from .rooms import presence
                presence.reset_all(datetime.now(timezone.utc))
            except (OperationalError, ProgrammingError):  # no tables yet: nobody to count out
                log.info("presence not reset: the database has no schema yet")
                db.session.rollback()
            finally:
                db.session.remove()

    def send_time(self, now: datetime | None = None) -> bool:
        """The time update of every running room; its own job, so a long tick cannot hold it up."""
        if not self.lock.held:
            return False
        now = now or _this_second(datetime.now(timezone.utc))
        with self.app.app_context():
            try:
                from .rooms import ticking
                ticking.send_time(now)
            except Exception:
                log.exception("time update failed")
                db.session.rollback()
            finally:
                db.session.remove()
        return True

    def _may_tick(self) -> bool:
        if self.lock.held:
            return self.lock.still_held()
        self._standby_checks += 1
        if self._standby_checks % RETRY_LOCK_EVERY == 0 and self.lock.acquire():
            log.warning("ticker lock acquired: this process ticks from now on")
            return True
        return False


def _this_second(moment: datetime) -> datetime:
    return moment.replace(microsecond=0)


def _next_whole_second(moment: datetime) -> datetime:
    return _this_second(moment) + timedelta(seconds=1)


@lifecycle.on_start
def start_ticker(app: Flask):
    """Registered with lifecycle: runs in the web process when RUN_TICKER is on."""
    ticker = Ticker(app)
    app.extensions["focusroom_ticker"] = ticker
    ticker.start()

    def stop():
        from . import realtime
        realtime.shutdown(app)
        ticker.stop()
    return stop
