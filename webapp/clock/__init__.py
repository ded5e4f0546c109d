"""The ticker: once a second, advance every room's timer and push the time to every screen.

Two jobs, each once a second: the time (a small clock fragment for every running room, on the
whole second) and, half a second later, the tick (phases at their deadlines, tracking's tick,
hand-overs, archiving, participant lists, counting out the sockets of dead web processes). They
are separate so a long tick (a wave of list updates) can never delay or drop a time update.

Where it runs: inside the web process (APScheduler 3's BackgroundScheduler, a thread, a greenlet
under gevent) when RUN_TICKER is on, the embedded default; or alone in a clock process,
`python -m webapp.clock` (Procfile `clock:`), with the web processes' RUN_TICKER off. The clock
then publishes through the Redis hub to every web process.

Exactly one ticker, never silently two
--------------------------------------
A process ticks only while it holds the ticker lock (clock/locks.py): a Redis lease when
REDIS_URL is set, else a `flock` (SQLite) or a PostgreSQL advisory lock. A process that does not
get it logs a warning, stands by and keeps trying, so a standby takes over when the leader
dies. The tick is idempotent anyway (see rooms/ticking.py): phases derive from stored
deadlines and every timer write is a compare-and-set on `timer_version`, so even a doubled tick
does no harm.
"""
from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta, timezone

from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask
from sqlalchemy import select
from sqlalchemy.exc import OperationalError, ProgrammingError

from .. import transactions
from ..extensions import db
from ..gc_pacing import FullCollections
from ..metrics import TICK_SECONDS
from ..models import Room
from .locks import ADVISORY_KEY, RedisLease, TickerLock, make_lock

__all__ = ["ADVISORY_KEY", "RedisLease", "Ticker", "TickerLock", "make_lock", "start_ticker"]

log = logging.getLogger(__name__)

SLOW_TICK_SECONDS = 0.5
# The time updates go out on the whole second; the tick runs half a second later. Under gevent
# the tick's database work blocks every greenlet while it runs, so ticking on the same second
# delayed each second's updates by the tick's length (bench/fanout.py: 44 ms median at 1,000
# clients, against 26 ms for a bare broadcast). Deadlines are not whole seconds anyway: the
# phase change goes out within a second of its deadline either way.
TICK_OFFSET_SECONDS = 0.5
COLLECT_IF_TICK_UNDER_SECONDS = 0.2  # else the collection waits for a shorter tick


class Ticker:
    def __init__(self, app: Flask):
        self.app = app
        self.lock = make_lock(app.config, app.instance_path)
        self.scheduler = BackgroundScheduler(timezone=timezone.utc)
        self.seconds = float(app.config.get("TICK_SECONDS", 1.0))
        self.collections = FullCollections()

    def start(self) -> None:
        if self.lock.acquire():
            self._in_context(self._count_out_dead_processes, datetime.now(timezone.utc))
        else:
            log.warning("another process holds the ticker lock; this one stands by (no ticks)")
        self.collections.take_over()
        first = _next_whole_second(datetime.now(timezone.utc))
        for job, job_id, offset in ((self.send_time, "focusroom-time", 0.0),
                                    (self.tick_job, "focusroom-tick", TICK_OFFSET_SECONDS)):
            self.scheduler.add_job(job, "interval", seconds=self.seconds, id=job_id,
                                   start_date=first + timedelta(seconds=offset),
                                   max_instances=1, coalesce=True, misfire_grace_time=5)
        # Its own job, so a long tick never delays a lease renewal (or a standby's takeover).
        self.scheduler.add_job(self.keep_lock, "interval", seconds=self.lock.check_seconds,
                               id="focusroom-lock", max_instances=1, coalesce=True)
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
                from ..rooms import ticking
                result = ticking.tick(now)
            except Exception:
                log.exception("tick failed")
                db.session.rollback()
            finally:
                db.session.remove()
        self._in_context(self._count_out_dead_processes, now)
        took = time.monotonic() - started
        TICK_SECONDS.observe(took)
        if took > SLOW_TICK_SECONDS:
            steps = ", ".join(f"{step} {seconds * 1000:.0f}" for step, seconds in (result.timings if result else {}).items())
            log.warning("slow tick: %.0f ms for %s (ticks are 1 s apart; ms per step: %s)",
                        took * 1000, now.isoformat(), steps or "failed")
        return True

    def _count_out_dead_processes(self, now: datetime) -> None:
        """Sockets of web processes that stopped heartbeating died with them (a crash, kill -9,
        a lost host): count their people out, and nobody else (see rooms/liveness.py)."""
        from ..rooms import presence, publishing
        try:
            changed = presence.count_out_dead_processes(now)
        except (OperationalError, ProgrammingError):  # no tables yet: nobody to count out
            db.session.rollback()
            return
        rooms = db.session.execute(select(Room).where(Room.id.in_(changed), Room.archived_at.is_(None))).scalars()
        for room in list(rooms) if changed else ():
            publishing.participants_changed(room, now)
        transactions.end_read()

    def _in_context(self, job, *args) -> None:
        with self.app.app_context():
            try:
                job(*args)
            except Exception:
                log.exception("%s failed", job.__name__)
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
                from ..rooms import ticking
                ticking.send_time(now)
            except Exception:
                log.exception("time update failed")
                db.session.rollback()
            finally:
                db.session.remove()
        return True

    def keep_lock(self) -> bool:
        """Renew or check the lock while leading; try to take it over while standing by."""
        leading = self.lock.held
        try:
            held = self.lock.keep()
        except Exception:
            log.exception("ticker lock check failed")
            held = self.lock.held
        if held and not leading:
            log.warning("ticker lock acquired: this process ticks from now on")
        elif leading and not held:
            log.warning("ticker lock lost: this process stands by")
        return held

    def _may_tick(self) -> bool:
        return self.lock.held


def _this_second(moment: datetime) -> datetime:
    return moment.replace(microsecond=0)


def _next_whole_second(moment: datetime) -> datetime:
    return _this_second(moment) + timedelta(seconds=1)


def start_ticker(app: Flask):
    """Registered with lifecycle by webapp/wiring.py: runs where RUN_TICKER is on (the web
    process by default, or the clock process)."""
    ticker = Ticker(app)
    app.extensions["focusroom_ticker"] = ticker
    ticker.start()

    def stop():
        from .. import realtime
        realtime.shutdown(app)
        ticker.stop()
    return stop
