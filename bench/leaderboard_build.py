"""Building bench/leaderboard.py's database fast: the sessions and the precomputed tables are made
by the database itself (INSERT .. SELECT), not row by row in Python.

Building 5M sessions row by row in Python took over 13 minutes on a loaded machine; here Python
only writes the 100,000 people, the rooms and the friendships (COPY on PostgreSQL, executemany on
SQLite), then a handful of set-based statements derive the rest:

  bench_slots      per person, `per_user` sessions in distinct (day, hour) slots, so one person's
                   sessions never overlap (overlaps would be counted once, and the credit below
                   would then be wrong); a 25-50 min session starts 0-5 min past its hour.
  focus_sessions   server-witnessed room sessions, 70-100 % active, already credited.
  focus_quarters   each session's active seconds spread over the UTC quarter hours it covers,
                   as crediting it at record time would have (rules/leaderboard.credit, without
                   the largest-remainder rounding: a second here or there does not matter to timing).
  focus_totals     each person's own local days, then weeks and months summed from the days.
  focus_partners,  who focused with whom, from the sessions' overlaps in their rooms
  shared_rooms     (achievements/together.rebuild, the backfill of migration 0010).
  window_totals    the everyone board's windows (day, week, month of each zone in use at the
                   timed runs' "now"), made and filled by the app's own code
                   (achievements/windows.window_id: one INSERT .. SELECT over the quarter index
                   each), as the first viewers asking would have.

Secondary indexes are dropped before the bulk insert and made again after (faster than
maintaining them row by row), and the planner's statistics are gathered at the end.
"""
from __future__ import annotations

import time
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import text

from webapp.extensions import db

# Fixed-offset zones keep local days exact in SQL without time-zone rules per row.
ZONES = {"UTC": 0, "Asia/Kolkata": 19800, "Asia/Tokyo": 32400, "America/Bogota": -18000,
         "Africa/Lagos": 3600, "Australia/Brisbane": 36000}
ROOMS = 20_000
FRIENDS = 200
SLOTS_PER_DAY = 16  # 07:00-22:59 local
INDEXED_TABLES = ("focus_sessions", "focus_quarters", "focus_totals")

SQL = {
    "sqlite": {
        "ts": "strftime('%Y-%m-%d %H:%M:%S', {e}, 'unixepoch') || '.000000'",
        "day": "date({e}, 'unixepoch')",
        "week": "date({d}, '-' || ((CAST(strftime('%w', {d}) AS INTEGER) + 6) % 7) || ' days')",
        "month": "strftime('%Y-%m-01', {d})",
    },
    "postgresql": {
        "ts": "(to_timestamp({e}) AT TIME ZONE 'UTC')",
        "day": "(to_timestamp({e}) AT TIME ZONE 'UTC')::date",
        "week": "date_trunc('week', {d}::timestamp)::date",
        "month": "date_trunc('month', {d}::timestamp)::date",
    },
}


def _offset_of(user_column: str) -> str:
    """The UTC offset of person `id` (zone `id % 6`, as the users' rows say)."""
    cases = " ".join(f"WHEN {index} THEN {offset}" for index, offset in enumerate(ZONES.values()))
    return f"(CASE {user_column} % {len(ZONES)} {cases} END)"


def _pseudo(user: str, n: str, a: int, b: int, modulo: int) -> str:
    """A deterministic scramble of (person, n) in [0, modulo): two rounds of the MINSTD generator
    (x * 48271 mod 2^31 - 1) over a mix of both, so repeated builds give the same data and people
    do not share patterns. BIGINT keeps PostgreSQL from overflowing int4."""
    mixed = f"((CAST({user} AS BIGINT) * {a} + {n} * {b} + 12345) % 2147483647)"
    return f"(({mixed} * 48271 % 2147483647) * 48271 % 2147483647 % {modulo})"


class Builder:
    def __init__(self, users: int, sessions: int, days: int, now: datetime):
        self.users, self.days, self.now = users, days, now
        self.per_user = max(1, sessions // users)
        self.stride = days * SLOTS_PER_DAY // self.per_user
        if self.stride < 1:
            raise SystemExit("more sessions per person than (day, hour) slots: raise --days")
        self.connection = db.engine.connect()
        self.dialect = self.connection.dialect.name
        self.sql = SQL[self.dialect]
        self.started = time.perf_counter()

    def say(self, what: str) -> None:
        print(f"  {what}: {time.perf_counter() - self.started:.0f} s", flush=True)

    def run(self, statement: str, **params) -> None:
        self.connection.execute(text(statement), params)
        self.connection.commit()

    def build(self) -> None:
        if self.dialect == "sqlite":
            # A throwaway build: no journal, no fsync, no per-row foreign-key look-ups.
            for pragma in ("journal_mode=OFF", "synchronous=OFF", "foreign_keys=OFF", "cache_size=-1000000",
                           "temp_store=MEMORY"):
                self.connection.exec_driver_sql(f"PRAGMA {pragma}")
        else:
            self.connection.exec_driver_sql("SET maintenance_work_mem = '512MB'")
            self.connection.exec_driver_sql("SET synchronous_commit = off")
        indexes = self.drop_indexes()
        self.people_and_rooms()
        self.slots()
        self.sessions()
        self.quarters()
        self.totals()
        self.friends(1)
        self.run("DROP TABLE bench_slots")
        for statement in indexes:
            self.run(statement)
        self.say("indexes made again")
        self.together()
        self.analyze()
        self.say("statistics gathered")
        self.board_windows()
        self.analyze(("board_windows", "window_totals"))
        if self.dialect == "sqlite":
            self.connection.exec_driver_sql("PRAGMA journal_mode=WAL")  # as the app runs it
        self.say("statistics gathered again")
        self.connection.close()

    def drop_indexes(self) -> list[str]:
        if self.dialect == "sqlite":
            rows = self.connection.exec_driver_sql(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN "
                f"({', '.join(repr(t) for t in INDEXED_TABLES)})").all()
        else:
            rows = self.connection.execute(text(
                "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename IN "
                f"({', '.join(repr(t) for t in INDEXED_TABLES)}) AND indexname LIKE 'ix_%'")).all()
        for name, _ in rows:
            self.run(f"DROP INDEX {name}")
        return [definition for _, definition in rows]

    def load(self, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
        raw = self.connection.connection.dbapi_connection
        cursor = raw.cursor()
        if self.dialect == "postgresql":
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" for _ in columns)
            cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                               [tuple(_sqlite_value(item) for item in row) for row in rows])
        raw.commit()

    def people_and_rooms(self) -> None:
        zones, now = list(ZONES), self.now
        self.load("users", ("id", "username", "email", "display_name", "bio", "timezone", "is_guest",
                            "daily_goal_minutes", "role", "profile_private", "on_global_board", "created_at"),
                  [(n, f"u{n}", f"u{n}@example.com", f"Person {n}", "", zones[n % len(zones)], False, 120, "member",
                    n % 50 == 0, n % 10 != 0, now) for n in range(1, self.users + 1)])
        self.load("rooms", ("id", "code", "name", "host_id", "is_solo", "work_minutes", "short_break_minutes",
                            "long_break_minutes", "long_break_every", "rounds", "auto_start_breaks",
                            "auto_start_work", "is_public", "max_participants", "idle_threshold_seconds",
                            "strict_mode", "grace_seconds", "status", "phase", "round", "remaining_seconds",
                            "work_phases_done", "timer_version", "created_at", "last_active_at", "archived_at"),
                  [(n, f"R{n:05d}"[-6:], f"Room {n}", (n % self.users) + 1, False, 25, 5, 15, 4, 4, True, False,
                    True, 50, 15, False, 30, "completed", "work", 1, 0.0, 4, 1, now, now, now)
                   for n in range(1, ROOMS + 1)])
        if self.dialect == "postgresql":  # explicit ids: move the sequences past them
            for table in ("users", "rooms"):
                self.run(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        self.say(f"{self.users:,} people and {ROOMS:,} rooms")

    def slots(self) -> None:
        """One row per session to be: (person, start epoch, elapsed s, active s, room)."""
        self.run("CREATE TABLE bench_n (n INTEGER PRIMARY KEY)")
        self.load("bench_n", ("n",), [(n,) for n in range(max(self.per_user, 5))])
        first_day = self.now.date() - timedelta(days=self.days - 1)
        first_epoch = int(datetime.combine(first_day, datetime.min.time(), timezone.utc).timestamp())
        slot = f"(k.n * {self.stride} + {_pseudo('u.id', 'k.n', 7919, 104729, self.stride)})"
        start = (f"({first_epoch} + ({slot} / {SLOTS_PER_DAY}) * 86400 + (7 + {slot} % {SLOTS_PER_DAY}) * 3600 "
                 f"+ {_pseudo('u.id', 'k.n', 31, 17, 6)} * 60 - {_offset_of('u.id')})")
        minutes = f"(CASE {_pseudo('u.id', 'k.n', 13, 7, 5)} WHEN 2 THEN 30 WHEN 3 THEN 45 WHEN 4 THEN 50 ELSE 25 END)"
        self.run(f"""CREATE TABLE bench_slots AS
            SELECT u.id AS user_id, CAST({start} AS BIGINT) AS s, {minutes} * 60 AS elapsed,
                   {minutes} * 60 * (70 + {_pseudo('u.id', 'k.n', 37, 11, 31)}) / 100 AS active,
                   1 + {_pseudo('u.id', 'k.n', 97, 13, ROOMS)} AS room_id
            FROM users u CROSS JOIN bench_n k WHERE k.n < {self.per_user}""")
        self.run(f"DELETE FROM bench_slots WHERE s + elapsed > {int(self.now.timestamp())}")
        self.say("slots")

    def sessions(self) -> None:
        ts = self.sql["ts"]
        self.run(f"""INSERT INTO focus_sessions (user_id, room_id, source, status, start_time, end_time,
                duration_seconds, note, intention, mode, counted_until_ms, last_activity_ms, elapsed_ms, active_ms,
                idle_ms, away_ms, tab_switches, board_seconds, created_at, updated_at)
            SELECT user_id, room_id, 'room', 'completed', {ts.format(e='s')}, {ts.format(e='s + elapsed')},
                elapsed, '', '', 'stopped', (s + elapsed) * 1000, (s + elapsed) * 1000, elapsed * 1000,
                active * 1000, (elapsed - active) * 1000, 0, 0, active,
                {ts.format(e='s + elapsed')}, {ts.format(e='s + elapsed')}
            FROM bench_slots ORDER BY user_id, s""")
        self.say("sessions")

    def quarters(self) -> None:
        # A session covers at most 5 quarter hours (50 min starting off a boundary); a person's
        # sessions are an hour apart at least, so no two share a quarter.
        quarter = "(b.s / 900 + k.n)"
        overlap = f"(MIN(b.s + b.elapsed, ({quarter} + 1) * 900) - MAX(b.s, {quarter} * 900))"
        if self.dialect == "postgresql":
            overlap = overlap.replace("MIN(", "LEAST(").replace("MAX(", "GREATEST(")
        self.run(f"""INSERT INTO focus_quarters (user_id, quarter, seconds)
            SELECT user_id, quarter, seconds FROM (
                SELECT b.user_id AS user_id, {quarter} AS quarter, {overlap} * b.active / b.elapsed AS seconds
                FROM bench_slots b CROSS JOIN bench_n k WHERE k.n < 5) credited
            WHERE seconds > 0 ORDER BY user_id, quarter""")
        self.run("DROP TABLE bench_n")
        self.say("quarter hours")

    def totals(self) -> None:
        day = self.sql["day"].format(e=f"quarter * 900 + {_offset_of('user_id')}")
        self.run(f"""INSERT INTO focus_totals (user_id, period, starts, seconds)
            SELECT user_id, 'day', {day}, SUM(seconds) FROM focus_quarters GROUP BY user_id, {day}""")
        for period in ("week", "month"):
            starts = self.sql[period].format(d="starts")
            self.run(f"""INSERT INTO focus_totals (user_id, period, starts, seconds)
                SELECT user_id, '{period}', {starts}, SUM(seconds)
                FROM focus_totals WHERE period = 'day' GROUP BY user_id, {starts}""")
        self.say("local days, weeks and months")

    def together(self) -> None:
        """Who focused with whom, from the sessions (the app's own backfill, as migration 0010 runs it)."""
        from webapp.achievements.together import rebuild
        rebuild(self.connection)
        self.connection.commit()
        self.say("who focused with whom")

    def friends(self, viewer_id: int) -> None:
        """`FRIENDS` mutual follows of the viewer, spread over everyone."""
        step = max(1, (self.users - 1) // FRIENDS)
        friends = [2 + index * step for index in range(FRIENDS) if 2 + index * step <= self.users]
        now = self.now
        self.load("follows", ("follower_id", "followed_id", "created_at"),
                  [(viewer_id, f, now) for f in friends] + [(f, viewer_id, now) for f in friends])

    def board_windows(self) -> None:
        """The windows of every zone in use at the timed runs' "now" (bench/leaderboard.reuse_now),
        through the app's code, so building also times filling a window at full size."""
        from bench.leaderboard import reuse_now
        from webapp.accounts.timezones import zone_of
        from webapp.achievements import windows
        from webapp.rules.leaderboard import PERIODS
        now = reuse_now()
        for period in PERIODS:
            for zone in ZONES:
                started = time.perf_counter()
                windows.window_id(period, now, zone_of(zone))
                print(f"    {period} window of {zone} filled in {time.perf_counter() - started:.2f} s", flush=True)
        db.session.remove()
        self.say("everyone-board windows")

    def analyze(self, tables: tuple[str, ...] = ()) -> None:
        if self.dialect == "sqlite":
            for table in tables or ("",):
                self.run(f"ANALYZE {table}")
            return
        self.connection.commit()
        raw = self.connection.connection.dbapi_connection
        raw.autocommit = True
        # As autovacuum would: index-only scans need the visibility map.
        for statement in [f"VACUUM ANALYZE {table}" for table in tables] or ["VACUUM ANALYZE"]:
            raw.cursor().execute(statement)
        raw.autocommit = False


def _sqlite_value(item):
    if isinstance(item, datetime):
        return item.astimezone(timezone.utc).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(item, date):
        return item.isoformat()
    if isinstance(item, bool):
        return int(item)
    return item
