"""Benchmark: the tracking tick vs the naive design, at 100, 1,000 and 10,000 running participants.

    .venv/bin/python -m bench.tick [--sizes 100,1000,10000] [--ticks 5]

Builds, in a fresh SQLite file (WAL, as in production), rooms of 4 people in a running work phase,
each with 5 finished sessions of history (strict mode in every other room). Presence is spread like
a real room: 80 % active (their last input 0-5 s ago, a tenth of them 5-15 s ago, so about 1 % of
everyone crosses the 15 s idle threshold on each tick), 10 % idle, 7 % away, 3 % paused; rows last
folded 0-30 s ago, so the 30 s checkpoint has work on every tick too.

- tick: webapp.tracking.ticking.tick(now) + commit, once per simulated second.
- baseline: the naive design (the FocusUp seed's), as the engineering notes measured it: one
  UPDATE per running participant per second adding a second to its counters, each committed on
  its own, sent through the raw DB-API connection (no ORM overhead).
- baseline_one_transaction: the same UPDATEs with a single commit per tick: the cheapest form the
  naive design can take. baseline_sqlalchemy: one session.execute per row, one commit, as an app
  would usually write it. Both are printed so the comparison does not hinge on one choice.

Statements are counted with a SQLAlchemy before_cursor_execute listener; an executemany counts
as one statement (no design here uses one); the raw-cursor baselines, which bypass that event,
are counted by hand. The designs take turns second by second on their own databases, so a busy
machine slows them alike. Figures are medians over the ticks.
The last line printed is one JSON object (the 10,000 figures, plus every size).
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import event, insert, text

from webapp import create_app
from webapp.config import Config
from webapp.extensions import db
from webapp.models import FocusSession, Participant, Room, User, to_epoch_ms
from webapp.tracking import ticking

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)
ROOM_SIZE = 4
HISTORY_PER_PERSON = 5


class Counter:
    def __init__(self):
        self.count = 0

    def __call__(self, *args):
        self.count += 1


def build(participants: int, rng: random.Random) -> None:
    now_ms = to_epoch_ms(NOW)
    rooms = (participants + ROOM_SIZE - 1) // ROOM_SIZE
    db.session.execute(insert(User), [{"display_name": f"P{n}", "is_guest": True} for n in range(participants)])
    db.session.execute(insert(Room), [
        {"code": f"B{n:05d}", "name": f"Room {n}", "status": "running", "phase": "work",
         "phase_started_at": NOW - timedelta(minutes=5), "started_at": NOW - timedelta(minutes=5),
         "idle_threshold_seconds": 15, "strict_mode": n % 2 == 0, "grace_seconds": 30}
        for n in range(rooms)])
    history, running = [], []
    for person in range(participants):
        user_id, room_id = person + 1, person // ROOM_SIZE + 1
        for day in range(1, HISTORY_PER_PERSON + 1):
            start = NOW - timedelta(days=day)
            history.append({"user_id": user_id, "room_id": room_id, "source": "room", "status": "completed",
                            "start_time": start, "end_time": start + timedelta(minutes=25), "mode": "stopped",
                            "elapsed_ms": 1_500_000, "active_ms": 1_400_000, "idle_ms": 100_000})
        running.append({"user_id": user_id, "room_id": room_id, "source": "room", "status": "running",
                        "start_time": NOW - timedelta(minutes=5), "target_seconds": 1500, "round": 1,
                        **presence(rng, now_ms)})
    db.session.execute(insert(FocusSession), history)
    db.session.execute(insert(FocusSession), running)
    db.session.execute(insert(Participant), [
        {"room_id": person // ROOM_SIZE + 1, "user_id": person + 1, "connections": 1,
         "joined_at": NOW - timedelta(minutes=6), "last_seen_at": NOW} for person in range(participants)])
    db.session.commit()


def presence(rng: random.Random, now_ms: int) -> dict:
    """Active people report every 5 s (a tenth of them stopped 5-15 s ago and will turn idle);
    rows were last folded by their latest write or a checkpoint 0-30 s ago."""
    mode = rng.choices(["active", "idle", "away", "paused"], weights=[80, 10, 7, 3])[0]
    quiet_for = rng.randrange(5_000, 15_000) if rng.random() < 0.1 else rng.randrange(0, 5_000)
    last_activity = now_ms - quiet_for if mode == "active" else now_ms - 60_000
    counted = max(last_activity, now_ms - rng.randrange(0, 30_000))
    elapsed = 300_000 - (now_ms - counted)
    active = rng.randrange(elapsed // 2, elapsed + 1)
    return {"mode": mode, "counted_until_ms": counted, "last_activity_ms": last_activity,
            "away_since_ms": counted - rng.randrange(0, 20_000) if mode == "away" else None,
            "elapsed_ms": elapsed, "active_ms": active, "idle_ms": elapsed - active,
            "away_ms": 0, "tab_switches": rng.randrange(0, 3)}


class Design:
    """One design on its own database, ticked one simulated second at a time."""

    def __init__(self, name: str, run_one, participants: int, workdir: Path, database_url: str | None = None):
        self.name, self.run_one = name, run_one
        url = database_url or f"sqlite:///{workdir / f'bench-{participants}-{name}.sqlite3'}"
        self.app = create_app(Config, {"SQLALCHEMY_DATABASE_URI": url, "RUN_TICKER": False,
                                       "SECRET_KEY": "bench", "TESTING": True})
        self.durations: list[float] = []
        self.statements: list[int] = []
        with self.app.app_context():
            if database_url:
                db.drop_all()
            db.create_all()
            if database_url:
                db.session.commit()
            build(participants, random.Random(participants))

    def tick(self, second: int) -> None:
        with self.app.app_context():
            counter = Counter()
            event.listen(db.engine, "before_cursor_execute", counter)
            _raw_counter.append(counter)
            try:
                started = time.perf_counter()
                self.run_one(NOW + timedelta(seconds=second))
                self.durations.append((time.perf_counter() - started) * 1000)
            finally:
                event.remove(db.engine, "before_cursor_execute", counter)
                _raw_counter.clear()
            self.statements.append(counter.count)

    def close(self) -> None:
        with self.app.app_context():
            db.session.remove()
            db.engine.dispose()


def real_tick(now: datetime) -> None:
    ticking.tick(now)
    db.session.commit()


NAIVE_SELECT = "SELECT id, mode FROM focus_sessions WHERE status = 'running'"
NAIVE_UPDATE = ("UPDATE focus_sessions SET elapsed_ms = elapsed_ms + 1000, active_ms = active_ms + ?, "
                "idle_ms = idle_ms + ? WHERE id = ?")


def naive_tick(now: datetime) -> None:
    """The naive design as the engineering notes measured it: one UPDATE per running participant,
    each committed on its own, adding a second. Sent straight through the DB-API connection, the
    cheapest way to send them."""
    connection = db.session.connection()
    rows = connection.exec_driver_sql(NAIVE_SELECT).all()
    db.session.commit()
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        for record_id, mode in rows:
            active = 1000 if mode == "active" else 0
            cursor.execute(NAIVE_UPDATE, (active, 1000 - active, record_id))
            _count_raw_statement()
            raw.commit()
        cursor.close()
    finally:
        raw.close()


def naive_tick_one_transaction(now: datetime) -> None:
    """The naive design at its very cheapest: the same UPDATEs through the DB-API cursor, one commit."""
    connection = db.session.connection()
    rows = connection.exec_driver_sql(NAIVE_SELECT).all()
    cursor = connection.connection.cursor()
    for record_id, mode in rows:
        active = 1000 if mode == "active" else 0
        cursor.execute(NAIVE_UPDATE, (active, 1000 - active, record_id))
        _count_raw_statement()
    cursor.close()
    db.session.commit()


def naive_tick_sqlalchemy(now: datetime) -> None:
    """The same naive design written the usual way: session.execute once per row."""
    rows = db.session.execute(text(NAIVE_SELECT)).all()
    statement = text("UPDATE focus_sessions SET elapsed_ms = elapsed_ms + 1000, active_ms = active_ms + :active, "
                     "idle_ms = idle_ms + :idle WHERE id = :id")
    for record_id, mode in rows:
        active = 1000 if mode == "active" else 0
        db.session.execute(statement, {"active": active, "idle": 1000 - active, "id": record_id})
    db.session.commit()


_raw_counter: list = []


def _count_raw_statement() -> None:
    """Raw cursor calls bypass SQLAlchemy's events; count them by hand."""
    for counter in _raw_counter:
        counter()


def measure_tick_only(participants: int, ticks: int, database_url: str) -> dict:
    """On PostgreSQL only Focusroom's tick is measured (the goal there is the tick's own time and a
    constant statement count); the naive baselines are SQLite-shaped (qmark SQL) and compared above."""
    design = Design("tick", real_tick, participants, Path(tempfile.gettempdir()), database_url)
    with design.app.app_context():
        db.session.execute(text("ANALYZE"))
        db.session.commit()
    for second in range(1, ticks + 1):
        design.tick(second)
    figures = {"participants": participants, "database": "postgresql",
               "tick_ms": round(statistics.median(design.durations), 2),
               "tick_max_ms": round(max(design.durations), 2),
               "statements_per_tick": max(design.statements)}
    design.close()
    return figures


def measure(participants: int, ticks: int, workdir: Path) -> dict:
    """The designs take turns, second by second, so a busy machine slows them alike."""
    designs = [Design("tick", real_tick, participants, workdir),
               Design("baseline", naive_tick, participants, workdir),
               Design("baseline_one_transaction", naive_tick_one_transaction, participants, workdir),
               Design("baseline_sqlalchemy", naive_tick_sqlalchemy, participants, workdir)]
    for second in range(1, ticks + 1):
        for design in designs:
            design.tick(second)
    figures = {"participants": participants}
    for design in designs:
        figures[f"{design.name}_ms"] = round(statistics.median(design.durations), 2)
        key = "statements_per_tick" if design.name == "tick" else f"{design.name}_statements_per_tick"
        figures[key] = max(design.statements)
        design.close()
    figures["speedup"] = round(figures["baseline_ms"] / figures["tick_ms"], 1)
    for variant in ("one_transaction", "sqlalchemy"):
        figures[f"speedup_vs_{variant}"] = round(figures[f"baseline_{variant}_ms"] / figures["tick_ms"], 1)
    return figures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--ticks", type=int, default=5)
    parser.add_argument("--database-url", help="PostgreSQL URL: measure Focusroom's tick there (its tables are dropped!)")
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.sizes.split(",")]
    results = []
    if args.database_url:
        for size in sizes:
            figures = measure_tick_only(size, args.ticks, args.database_url)
            results.append(figures)
            print(f"{size:>6} participants on PostgreSQL: tick {figures['tick_ms']:8.2f} ms (max "
                  f"{figures['tick_max_ms']:.2f}) in {figures['statements_per_tick']} statements", file=sys.stderr)
        print(json.dumps({**results[-1], "sizes": results}))
        return
    with tempfile.TemporaryDirectory() as workdir:
        for size in sizes:
            figures = measure(size, args.ticks, Path(workdir))
            results.append(figures)
            print(f"{size:>6} participants: tick {figures['tick_ms']:8.2f} ms in {figures['statements_per_tick']} "
                  f"statements | baseline (commit each) {figures['baseline_ms']:8.2f} ms in "
                  f"{figures['baseline_statements_per_tick']} statements: {figures['speedup']}x | "
                  f"one transaction {figures['baseline_one_transaction_ms']:.2f} ms: "
                  f"{figures['speedup_vs_one_transaction']}x | SQLAlchemy per row "
                  f"{figures['baseline_sqlalchemy_ms']:.2f} ms: {figures['speedup_vs_sqlalchemy']}x", file=sys.stderr)
    last = dict(results[-1])
    last["sizes"] = results
    print(json.dumps(last))


if __name__ == "__main__":
    main()
