"""Benchmark: leaderboards and unlock detection at scale (issue 15).

Builds a database with --users people (default 100,000) and --sessions server-witnessed room
sessions (default 5,000,000, spread over the last --days days, never overlapping per person),
plus the precomputed tables the boards read (focus_quarters, focus_totals, window_totals), as
crediting each session at record time would have left them (set-based SQL:
bench/leaderboard_build.py; about 2.5 min on SQLite, 9 min on PostgreSQL here).
The database is kept, so the timed part
can run again alone (--reuse). Then times, through the same functions the pages and the API call:
  - the global weekly board, exact in the viewer's zone: top 50 plus the viewer's own rank
    (viewers outside the top 50),
  - a friends weekly board of 200 friends, exact in the viewer's zone,
  - unlock detection for one recorded session (credit the totals + check achievements), rolled back,
  - taking a deleted session off the boards (SessionDeleted's debit), rolled back.
Goal: <= 50 ms per board, <= 5 ms per unlock detection, on SQLite and PostgreSQL.
Prints one line per figure (median, best, CPU, p99 wall), then one JSON line last.
Run: python -m bench.leaderboard --build-only [--database-url postgresql+psycopg://.../bench_lb]
     python -m bench.leaderboard --reuse [--database-url ...] [--label "quiet, 19:25 UTC"] [--trace N]
            [--shared K] [--warmup N] [--commit]
     python -m bench.leaderboard --reuse [--database-url ...] --fill-zone Pacific/Chatham
(--trace: each statement of N unlock detections with its time; --shared K: the timed sessions
close in a phase with K others; --warmup N: N untimed detections first; --commit: each detection
committed, as the clock ends its transactions, so psycopg keeps its prepared statements; --fill-zone: a new zone's
windows filled at full size while credits go on, and how long those credits took.)
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import time
from datetime import datetime, timedelta, timezone

from bench.leaderboard_build import Builder
from webapp import create_app, events
from webapp.achievements import boards, listeners, unlocks
from webapp.config import TestConfig
from webapp.extensions import db
from webapp.models import FocusSession, User
from webapp.rules.achievements import METRICS

DEFAULT_SQLITE = "/tmp/bench-lb.sqlite3"


def timed(fn, repeat: int) -> tuple[float, float, float]:
    """(median wall ms, best wall ms, median CPU ms of this process: SQLite's work included,
    PostgreSQL's server side not; on a loaded machine the CPU figure is the steadier one)."""
    times, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        fn()
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        db.session.rollback()
    return statistics.median(times), min(times), statistics.median(cpu), p99(times)


def p99(values: list[float]) -> float:
    """The 99th percentile (with ~21 runs, close to the slowest)."""
    return statistics.quantiles(values, n=100, method="inclusive")[98] if len(values) > 1 else values[0]


def trace(detection, extra: list[int], people: list[int]) -> None:
    """Print each statement one unlock detection sends, with its wall time from the cursor's
    execute to the next statement (so fetching its rows is included), for `extra` other people
    (rolled back: the timed runs are not touched). The first is the record's own INSERT, which
    the timed part leaves out."""
    from sqlalchemy import event

    marks: list[tuple[float, str]] = []

    def on_execute(conn, cursor, statement, parameters, context, executemany):
        marks.append((time.perf_counter(), " ".join(statement.split())[:110]))

    for user_id in extra:
        people.append(user_id)
        unlocks.check(user_id, reuse_now(), METRICS)  # steady state, as for the timed people
        db.session.commit()
        event.listen(db.engine, "before_cursor_execute", on_execute)
        try:
            marks.clear()
            wall, _ = detection()
            ended = time.perf_counter()
        finally:
            event.remove(db.engine, "before_cursor_execute", on_execute)
            db.session.rollback()
        print(f"trace, person {user_id}: {len(marks)} statements, {wall:.2f} ms", flush=True)
        for index, (at, statement) in enumerate(marks):
            following = marks[index + 1][0] if index + 1 < len(marks) else ended
            print(f"  {(following - at) * 1000:6.2f} ms  {statement}", flush=True)


def fill_while_crediting(app, zone: str, now: datetime, users: int) -> None:
    """A new zone's windows made mid-period at full size, while credits go on in another thread
    (each rolled back): how long the fill takes, and how long a credit takes meanwhile (it waits
    for whatever the fill holds)."""
    import threading
    from webapp.accounts.timezones import zone_of
    from webapp.achievements import windows
    from webapp.models import BoardWindow
    before = db.session.execute(db.select(db.func.coalesce(db.func.max(BoardWindow.id), 0))).scalar_one()
    db.session.commit()
    stop, credits = threading.Event(), []

    def credit_loop():
        rng = random.Random(16)
        with app.app_context(), app.test_request_context("/"):
            while not stop.is_set():
                record = FocusSession(user_id=rng.randrange(2, users + 1), room_id=1, source="room",
                                      status="completed", start_time=now - timedelta(minutes=25), end_time=now,
                                      duration_seconds=1500, mode="stopped", elapsed_ms=1_500_000,
                                      active_ms=1_400_000, idle_ms=100_000)
                db.session.add(record)
                db.session.flush()
                started = time.perf_counter()
                listeners.session_recorded(events.SessionRecorded(record, now))
                credits.append((started, (time.perf_counter() - started) * 1000))
                db.session.rollback()
                time.sleep(0.01)
            db.session.remove()

    thread = threading.Thread(target=credit_loop)
    thread.start()
    time.sleep(1.0)
    try:
        for period in ("day", "week", "month"):
            started = time.perf_counter()
            windows.window_id(period, now, zone_of(zone))
            ended = time.perf_counter()
            during = [ms for at, ms in credits if at <= ended and at + ms / 1000 >= started]
            print(f"{period} window of {zone}: filled in {ended - started:.2f} s; {len(during)} credits overlapped it, "
                  f"median {statistics.median(during) if during else 0:.1f} ms, "
                  f"slowest {max(during) if during else 0:.1f} ms", flush=True)
    finally:
        stop.set()
        thread.join()
        db.session.rollback()
        db.session.execute(db.delete(BoardWindow).where(BoardWindow.id > before))
        db.session.commit()
    print(f"all credits: median {statistics.median(ms for _, ms in credits):.1f} ms "
          f"({len(credits)} credits in all); the new windows removed again", flush=True)


def reuse_now() -> datetime:
    """The timed runs' "now": a minute after the newest session (the build's now is kept this way)."""
    now = db.session.execute(db.select(db.func.max(FocusSession.end_time))).scalar_one()
    return now.replace(microsecond=0) + timedelta(minutes=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=f"sqlite:///{DEFAULT_SQLITE}",
                        help=f"default: a SQLite file kept at {DEFAULT_SQLITE}")
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--sessions", type=int, default=5_000_000)
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=21)
    parser.add_argument("--reuse", action="store_true", help="time an already built --database-url again")
    parser.add_argument("--label", default="", help="the conditions of this run, copied into the JSON line")
    parser.add_argument("--build-only", action="store_true", help="build (and keep) the database, time nothing")
    parser.add_argument("--fill-zone", metavar="ZONE",
                        help="instead of the timed rows: make ZONE's day, week and month windows (a zone not in "
                             "use yet) while another thread credits sessions; print each fill's time and how long "
                             "credits took meanwhile; then remove those windows")
    parser.add_argument("--shared", type=int, default=0, metavar="K",
                        help="time unlock detection in a shared phase: K other people's records (closed, as if "
                             "they closed first) overlap each timed one in its room, so the together facts are "
                             "written and the together metrics read")
    parser.add_argument("--warmup", type=int, default=0, metavar="N",
                        help="N untimed unlock detections first (other people): warm caches. Nothing stays "
                             "prepared: psycopg drops its prepared statements at every ROLLBACK, which this "
                             "benchmark sends after each detection and the app at the end of every read-only "
                             "transaction (each clock tick, each request), so every statement is parsed and "
                             "planned each time, here as in service")
    parser.add_argument("--commit", action="store_true",
                        help="end each unlock detection with COMMIT, as the clock ends its transactions (psycopg "
                             "keeps its prepared statements), then take the timed sessions back out untimed "
                             "(SessionDeleted, deleted, committed) instead of rolling back")
    parser.add_argument("--trace", type=int, default=0, metavar="N",
                        help="also print the statements of N unlock detections (each with its wall ms)")
    args = parser.parse_args()
    url = args.database_url
    postgres = url.startswith("postgresql")
    if not args.reuse and not postgres and os.path.exists(url.removeprefix("sqlite:///")):
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(url.removeprefix("sqlite:///") + suffix):
                os.remove(url.removeprefix("sqlite:///") + suffix)
    app = create_app(TestConfig, {"SQLALCHEMY_DATABASE_URI": url, "RUN_TICKER": False})
    rng = random.Random(15)
    with app.app_context(), app.test_request_context("/"):
        if not args.reuse:
            # The build's "now" is kept in the database (the newest session's end), so a timed
            # rerun later reads the same week the data was built for.
            now = datetime.now(timezone.utc).replace(second=0, microsecond=0)
            if postgres:
                with db.engine.begin() as connection:
                    connection.execute(db.text("DROP SCHEMA IF EXISTS public CASCADE"))
                    connection.execute(db.text("CREATE SCHEMA public"))
            db.create_all()
            db.engine.dispose()
            started = time.perf_counter()
            Builder(args.users, args.sessions, args.days, now).build()
            print(f"built in {time.perf_counter() - started:.0f} s", flush=True)
            db.engine.dispose()
        if args.build_only:
            return
        now = reuse_now()
        if args.fill_zone:
            return fill_while_crediting(app, args.fill_zone, now, args.users)
        counts = {name: db.session.execute(db.text(f"SELECT count(*) FROM {name}")).scalar_one()
                  for name in ("users", "focus_sessions", "focus_quarters", "focus_totals", "board_windows",
                               "window_totals")}
        print("rows:", counts, flush=True)

        viewers = [db.session.get(User, user_id) for user_id in rng.sample(range(2, args.users + 1), args.repeat)]
        viewers = [v for v in viewers if v.on_global_board and not v.profile_private][:args.repeat] or viewers
        cycle = iter(viewers * 3)
        global_ms = timed(lambda: boards.board(next(cycle), "global", "week", now), len(viewers))
        board = boards.board(viewers[0], "global", "week", now)
        print(f"global weekly top-{len(board.rows)} + own rank ({board.viewer_row.rank if board.viewer_row else '-'}):"
              f" median {global_ms[0]:.1f} ms, best {global_ms[1]:.1f} ms, CPU {global_ms[2]:.1f} ms, p99 {global_ms[3]:.1f} ms", flush=True)
        viewer = db.session.get(User, 1)
        friends_ms = timed(lambda: boards.board(viewer, "friends", "week", now), args.repeat)
        board = boards.board(viewer, "friends", "week", now)
        print(f"friends weekly board ({board.people} people, {len(board.rows)} with focus): "
              f"median {friends_ms[0]:.1f} ms, best {friends_ms[1]:.1f} ms, CPU {friends_ms[2]:.1f} ms, p99 {friends_ms[3]:.1f} ms", flush=True)

        people = rng.sample(range(2, args.users + 1), args.repeat + args.warmup)
        # Steady state: what these people have earned so far is unlocked already (as it would have
        # been, one session at a time), so the measured session checks what is still locked.
        for user_id in people:
            unlocks.check(user_id, now, METRICS)
        db.session.commit()

        made: list[FocusSession] = []

        def finish_detection():
            if not args.commit:
                db.session.rollback()
                return
            db.session.commit()
            for record in made:
                listeners.session_deleted(events.SessionDeleted(record, now))
                db.session.delete(record)
            db.session.commit()
            made.clear()

        def unlock_detection():
            user_id = people.pop()
            # Company (--shared): others in the phase, their records closed a moment before (not timed).
            others = set()
            while len(others) < args.shared:
                other_id = rng.randrange(2, args.users + 1)
                if other_id != user_id:
                    others.add(other_id)
            for other_id in others:
                made.append(FocusSession(user_id=other_id, room_id=1, source="room", status="completed",
                                         start_time=now - timedelta(minutes=25), end_time=now,
                                         duration_seconds=1500, mode="stopped", elapsed_ms=1_500_000,
                                         active_ms=1_300_000, idle_ms=200_000))
                db.session.add(made[-1])
            record = FocusSession(user_id=user_id, room_id=1, source="room", status="completed",
                                  start_time=now - timedelta(minutes=25), end_time=now, duration_seconds=1500,
                                  mode="stopped", elapsed_ms=1_500_000, active_ms=1_400_000, idle_ms=100_000)
            db.session.add(record)
            made.append(record)
            db.session.flush()
            started, started_cpu = time.perf_counter(), time.process_time()
            listeners.session_recorded(events.SessionRecorded(record, now))
            return (time.perf_counter() - started) * 1000, (time.process_time() - started_cpu) * 1000

        if args.trace:
            trace(unlock_detection, [rng.randrange(2, args.users + 1) for _ in range(args.trace)], people)
            made.clear()  # rolled back

        for _ in range(args.warmup):  # untimed, as a long-lived connection would have run them
            unlock_detection()
            finish_detection()
        measured = []
        for _ in range(args.repeat):
            measured.append(unlock_detection())
            finish_detection()
        walls, cpus = [wall for wall, _ in measured], [cpu for _, cpu in measured]
        unlock_ms = (statistics.median(walls), min(walls), statistics.median(cpus), p99(walls))
        phase = f"a shared phase ({args.shared} other{'s' if args.shared > 1 else ''})" if args.shared else "alone"
        print(f"unlock detection for a recorded session, {phase} (credit + check): median {unlock_ms[0]:.2f} ms, "
              f"best {unlock_ms[1]:.2f} ms, CPU {unlock_ms[2]:.2f} ms, p99 {unlock_ms[3]:.2f} ms", flush=True)

        gone = iter(rng.sample(range(1, counts["focus_sessions"] + 1), args.repeat))

        def debit():
            record = db.session.get(FocusSession, next(gone))
            if record is not None:
                listeners.session_deleted(events.SessionDeleted(record, now))

        debit_ms = timed(debit, args.repeat)
        print(f"a deleted session taken off the boards: median {debit_ms[0]:.2f} ms, best {debit_ms[1]:.2f} ms, "
              f"CPU {debit_ms[2]:.2f} ms, p99 {debit_ms[3]:.2f} ms", flush=True)
        db.session.remove()
        db.engine.dispose()
    print(json.dumps({"database": "postgresql" if postgres else "sqlite", **counts,
                      "global_week_ms": round(global_ms[0], 2), "friends_week_ms": round(friends_ms[0], 2),
                      "unlock_ms": round(unlock_ms[0], 2), "unlock_shared_with": args.shared,
                      "unlock_warmup": args.warmup, "unlock_commit": args.commit,
                      "global_week_best_ms": round(global_ms[1], 2),
                      "friends_week_best_ms": round(friends_ms[1], 2), "unlock_best_ms": round(unlock_ms[1], 2),
                      "global_week_cpu_ms": round(global_ms[2], 2), "friends_week_cpu_ms": round(friends_ms[2], 2),
                      "unlock_cpu_ms": round(unlock_ms[2], 2), "delete_ms": round(debit_ms[0], 2),
                      "delete_best_ms": round(debit_ms[1], 2), "global_week_p99_ms": round(global_ms[3], 2),
                      "friends_week_p99_ms": round(friends_ms[3], 2), "unlock_p99_ms": round(unlock_ms[3], 2),
                      "measured": args.label}))


if __name__ == "__main__":
    main()
