"""Benchmark: leaderboards and unlock detection at scale (issue 15).

Builds a database with --users people (default 100,000) and --sessions server-witnessed room
sessions (default 5,000,000, spread over the last --days days, never overlapping per person),
plus the precomputed tables the boards read (focus_quarters, focus_totals), as crediting each
session at record time would have left them. Then times, through the same functions the pages
and the API call:
  - the global weekly board: top 50 plus the viewer's own rank (viewers outside the top 50),
  - a friends weekly board of 200 friends, exact in the viewer's zone,
  - unlock detection for one recorded session (credit the totals + check achievements), rolled back.
Goal: <= 50 ms per board, <= 5 ms per unlock detection, on SQLite and PostgreSQL.
Prints one line per figure, then one JSON line last.
Run: python -m bench.leaderboard [--database-url postgresql+psycopg://...] [--users N --sessions N]
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from datetime import date, datetime, timedelta, timezone

from webapp import create_app, events
from webapp.achievements import boards, listeners, unlocks
from webapp.rules.achievements import METRICS
from webapp.config import TestConfig
from webapp.extensions import db
from webapp.models import FocusSession, User
from webapp.rules.leaderboard import QUARTER_SECONDS

# Fixed-offset zones keep the generator's local-day arithmetic exact without zoneinfo per row.
ZONES = {"UTC": 0, "Asia/Kolkata": 19800, "Asia/Tokyo": 32400, "America/Bogota": -18000,
         "Africa/Lagos": 3600, "Australia/Brisbane": 36000}
ROOMS = 20_000
FRIENDS = 200
SQLITE_TIME = "%Y-%m-%d %H:%M:%S.%f"


class Loader:
    """Bulk rows: COPY on PostgreSQL, executemany on SQLite (both through the raw DBAPI connection)."""

    def __init__(self, postgres: bool):
        self.postgres = postgres
        self.raw = db.engine.raw_connection()

    def value(self, item):
        if self.postgres:
            return item
        if isinstance(item, datetime):
            return item.astimezone(timezone.utc).replace(tzinfo=None).strftime(SQLITE_TIME)
        if isinstance(item, date):
            return item.isoformat()
        if isinstance(item, bool):
            return int(item)
        return item

    def load(self, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
        if not rows:
            return
        cursor = self.raw.cursor()
        if self.postgres:
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" for _ in columns)
            cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                               [tuple(self.value(item) for item in row) for row in rows])
        self.raw.commit()


USER_COLUMNS = ("id", "username", "email", "display_name", "bio", "timezone", "is_guest", "daily_goal_minutes",
                "role", "profile_private", "on_global_board", "created_at")
ROOM_COLUMNS = ("id", "code", "name", "host_id", "is_solo", "work_minutes", "short_break_minutes",
                "long_break_minutes", "long_break_every", "rounds", "auto_start_breaks", "auto_start_work",
                "is_public", "max_participants", "idle_threshold_seconds", "strict_mode", "grace_seconds",
                "status", "phase", "round", "remaining_seconds", "work_phases_done", "timer_version",
                "created_at", "last_active_at", "archived_at")
SESSION_COLUMNS = ("id", "user_id", "room_id", "source", "status", "start_time", "end_time", "duration_seconds",
                   "note", "mode", "counted_until_ms", "last_activity_ms", "elapsed_ms", "active_ms", "idle_ms",
                   "away_ms", "tab_switches", "board_seconds", "created_at", "updated_at")


def build(loader: Loader, users: int, sessions: int, days: int, now: datetime, rng: random.Random) -> None:
    zones = list(ZONES)
    started = time.perf_counter()
    loader.load("users", USER_COLUMNS, [
        (n, f"u{n}", f"u{n}@example.com", f"Person {n}", "", zones[n % len(zones)], False, 120, "member",
         n % 50 == 0, n % 10 != 0, now) for n in range(1, users + 1)])
    loader.load("rooms", ROOM_COLUMNS, [
        (n, f"R{n:05d}"[-6:], f"Room {n}", (n % users) + 1, False, 25, 5, 15, 4, 4, True, False, True, 50, 15,
         False, 30, "completed", "work", 1, 0.0, 4, 1, now, now, now) for n in range(1, ROOMS + 1)])
    print(f"users and rooms: {time.perf_counter() - started:.1f} s", flush=True)
    per_user = sessions // users
    today = now.date()
    first_day = today - timedelta(days=days - 1)
    session_id = 0
    batch_sessions, batch_quarters, batch_totals = [], [], []
    for user_id in range(1, users + 1):
        offset = ZONES[zones[user_id % len(zones)]]
        listed = user_id % 10 != 0 and user_id % 50 != 0
        slots = rng.sample(range(days * 16), per_user)  # (day, hour) slots: never overlapping
        totals: dict[tuple[str, date], int] = {}
        for slot in slots:
            day, hour = divmod(slot, 16)
            local_midnight = datetime.combine(first_day + timedelta(days=day), datetime.min.time(), timezone.utc)
            start = local_midnight + timedelta(hours=7 + hour, minutes=rng.randrange(0, 6)) - timedelta(seconds=offset)
            if start > now:
                continue
            minutes = rng.choice((25, 25, 30, 45, 50))
            elapsed = minutes * 60
            active = int(elapsed * rng.uniform(0.7, 1.0))
            end = start + timedelta(seconds=elapsed)
            session_id += 1
            s_epoch = int(start.timestamp())
            batch_sessions.append((session_id, user_id, rng.randrange(1, ROOMS + 1), "room", "completed", start, end,
                                   elapsed, "", "stopped", (s_epoch + elapsed) * 1000, (s_epoch + elapsed) * 1000,
                                   elapsed * 1000, active * 1000, (elapsed - active) * 1000, 0, 0, active, end, end))
            cursor, e_epoch = s_epoch, s_epoch + elapsed
            while cursor < e_epoch:
                quarter = cursor // QUARTER_SECONDS
                boundary = min(e_epoch, (quarter + 1) * QUARTER_SECONDS)
                seconds = round((boundary - cursor) * active / elapsed)
                cursor = boundary
                if seconds <= 0:
                    continue
                batch_quarters.append((user_id, quarter, seconds))
                local = date.fromordinal(date(1970, 1, 1).toordinal() + (quarter * QUARTER_SECONDS + offset) // 86400)
                for period, starts in (("day", local), ("week", local - timedelta(days=local.weekday())),
                                       ("month", local.replace(day=1))):
                    totals[(period, starts)] = totals.get((period, starts), 0) + seconds
        batch_totals.extend((user_id, period, starts, seconds, listed) for (period, starts), seconds in totals.items())
        if len(batch_quarters) > 200_000 or user_id == users:
            loader.load("focus_sessions", SESSION_COLUMNS, batch_sessions)
            loader.load("focus_quarters", ("user_id", "quarter", "seconds"), batch_quarters)
            loader.load("focus_totals", ("user_id", "period", "starts", "seconds", "listed"), batch_totals)
            batch_sessions, batch_quarters, batch_totals = [], [], []
        if user_id % 20_000 == 0:
            print(f"  {user_id:,} people, {session_id:,} sessions: {time.perf_counter() - started:.0f} s", flush=True)
    print(f"built {session_id:,} sessions in {time.perf_counter() - started:.0f} s", flush=True)


def make_friends(loader: Loader, viewer_id: int, users: int, rng: random.Random, now: datetime) -> None:
    friends = rng.sample(range(2, users + 1), FRIENDS)
    rows = [(viewer_id, f, now) for f in friends if f != viewer_id] + [(f, viewer_id, now) for f in friends if f != viewer_id]
    loader.load("follows", ("follower_id", "followed_id", "created_at"), rows)


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
    return statistics.median(times), min(times), statistics.median(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=None, help="default: a SQLite file in a temporary directory")
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--sessions", type=int, default=5_000_000)
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=21)
    parser.add_argument("--reuse", action="store_true", help="measure an already built --database-url again")
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/leaderboard.sqlite3"
    postgres = url.startswith("postgresql")
    app = create_app(TestConfig, {"SQLALCHEMY_DATABASE_URI": url, "RUN_TICKER": False})
    rng = random.Random(15)
    now = datetime.now(timezone.utc).replace(microsecond=0)
    with app.app_context(), app.test_request_context("/"):
        if not args.reuse:
            if postgres:
                from sqlalchemy import text
                with db.engine.begin() as connection:
                    connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
                    connection.execute(text("CREATE SCHEMA public"))
            db.create_all()
            loader = Loader(postgres)
            build(loader, args.users, args.sessions, args.days, now, rng)
            make_friends(loader, 1, args.users, rng, now)
        raw = db.engine.raw_connection()
        if postgres:  # COPY gave explicit ids: move the sequences past them
            for table in ("users", "rooms", "focus_sessions"):
                raw.cursor().execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                     f"(SELECT max(id) FROM {table}))")
            raw.commit()
            raw.driver_connection.autocommit = True
            raw.cursor().execute("VACUUM ANALYZE")  # as autovacuum would: index-only scans need it
            raw.driver_connection.autocommit = False
        else:
            raw.cursor().execute("ANALYZE")
            raw.commit()
        raw.close()
        counts = {name: db.session.execute(db.text(f"SELECT count(*) FROM {name}")).scalar_one()
                  for name in ("users", "focus_sessions", "focus_quarters", "focus_totals")}
        print("rows:", counts, flush=True)

        viewers = [db.session.get(User, user_id) for user_id in rng.sample(range(2, args.users + 1), args.repeat)]
        viewers = [v for v in viewers if v.on_global_board and not v.profile_private][:args.repeat] or viewers
        cycle = iter(viewers * 3)
        global_ms = timed(lambda: boards.board(next(cycle), "global", "week", now), len(viewers))
        board = boards.board(viewers[0], "global", "week", now)
        print(f"global weekly top-{len(board.rows)} + own rank ({board.viewer_row.rank if board.viewer_row else '-'}):"
              f" median {global_ms[0]:.1f} ms, best {global_ms[1]:.1f} ms, CPU {global_ms[2]:.1f} ms", flush=True)
        viewer = db.session.get(User, 1)
        friends_ms = timed(lambda: boards.board(viewer, "friends", "week", now), args.repeat)
        board = boards.board(viewer, "friends", "week", now)
        print(f"friends weekly board ({board.people} people, {len(board.rows)} with focus): "
              f"median {friends_ms[0]:.1f} ms, best {friends_ms[1]:.1f} ms, CPU {friends_ms[2]:.1f} ms", flush=True)

        people = rng.sample(range(2, args.users + 1), args.repeat)
        # Steady state: what these people have earned so far is unlocked already (as it would have
        # been, one session at a time), so the measured session checks what is still locked.
        for user_id in people:
            unlocks.check(user_id, now, METRICS)
        db.session.commit()

        def unlock_detection():
            user_id = people.pop()
            record = FocusSession(user_id=user_id, room_id=1, source="room", status="completed",
                                  start_time=now - timedelta(minutes=25), end_time=now, duration_seconds=1500,
                                  mode="stopped", elapsed_ms=1_500_000, active_ms=1_400_000, idle_ms=100_000)
            db.session.add(record)
            db.session.flush()
            started, started_cpu = time.perf_counter(), time.process_time()
            listeners.session_recorded(events.SessionRecorded(record, now))
            return (time.perf_counter() - started) * 1000, (time.process_time() - started_cpu) * 1000

        measured = []
        for _ in range(args.repeat):
            measured.append(unlock_detection())
            db.session.rollback()
        walls, cpus = [wall for wall, _ in measured], [cpu for _, cpu in measured]
        unlock_ms = (statistics.median(walls), min(walls), statistics.median(cpus))
        print(f"unlock detection for a recorded session (credit + check): median {unlock_ms[0]:.2f} ms, "
              f"best {unlock_ms[1]:.2f} ms, CPU {unlock_ms[2]:.2f} ms", flush=True)
        db.session.remove()
        db.engine.dispose()
    print(json.dumps({"database": "postgresql" if postgres else "sqlite", **counts,
                      "global_week_ms": round(global_ms[0], 2), "friends_week_ms": round(friends_ms[0], 2),
                      "unlock_ms": round(unlock_ms[0], 2), "global_week_best_ms": round(global_ms[1], 2),
                      "friends_week_best_ms": round(friends_ms[1], 2), "unlock_best_ms": round(unlock_ms[1], 2),
                      "global_week_cpu_ms": round(global_ms[2], 2), "friends_week_cpu_ms": round(friends_ms[2], 2),
                      "unlock_cpu_ms": round(unlock_ms[2], 2), "measured": "under load"}))


if __name__ == "__main__":
    main()
