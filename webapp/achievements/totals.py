"""Precomputed focus totals, updated when a session is recorded or deleted (never by rescanning history).

Design (the issue asks us to say what we chose and why):
- `focus_quarters` holds each person's counted seconds per UTC quarter hour. Every time zone's
  midnight is on a quarter-hour boundary, so a board for *the viewer's* today, week or month is
  an exact index range per person: friends' boards (<= a few hundred people) and a room's board
  sum these rows for their people, exactly in the viewer's zone.
- The everyone board is exact in the viewer's window too: `window_totals` holds each listed
  person's seconds per open window (a day, week or month of a zone in use), updated here with
  every credit and debit (windows.py explains the design).
- `focus_totals` holds each person's seconds per local day, week and month *of their own zone*:
  streaks (the person's own days) and lifetime focus time read them.
- Only server-witnessed focus is credited: records of rooms and solo rooms (live-tracked, with a
  room), their active seconds only, at most 12 h each, overlaps once (rules/leaderboard.py).
  Manual entries and imports never reach these tables.
- Deleting a credited record (history, API) takes its credit back in the same transaction and
  gives the time only it covered to the records it overlapped (overlaps.py). Counted records'
  times and tallies cannot be edited (focus/services/sessions.py), so an edit changes nothing here.
  Totals are kept in the person's zone at the time of crediting: after a change of zone, an old
  record's debit lands on the days of the new zone (the quarter hours stay exact).
"""
from __future__ import annotations

import json
from datetime import date
from functools import lru_cache

from sqlalchemy import Date, and_, bindparam, select, text, update
from sqlalchemy.orm.attributes import set_committed_value

from ..accounts.timezones import zone_of
from ..extensions import db
from ..models import FocusSession, FocusTotal, User
from ..rules import leaderboard as rules
from . import overlaps, windows

COUNTED_SOURCES = ("room", "solo")


def is_counted(record: FocusSession) -> bool:
    """Server-witnessed: a room or solo-room record the server timed and tracked, now closed."""
    return (record.room_id is not None and record.source in COUNTED_SOURCES
            and record.end_time is not None and (record.active_ms or 0) > 0)


def is_listed(user: User) -> bool:
    return bool(user.on_global_board and not user.profile_private and not user.is_guest)


_users = User.__table__
_PERSON = select(_users.c.id, _users.c.timezone, _users.c.on_global_board, _users.c.profile_private,
                 _users.c.is_guest).where(_users.c.id == bindparam("user_id"))


def person(user_id: int):
    """What crediting needs of a person (id, timezone, visibility), without loading the whole User:
    the listener runs on every recorded session. None when there is no such person."""
    return db.session.execute(_PERSON, {"user_id": user_id}).first()


# The two upserts, written out: the same ON CONFLICT syntax on SQLite and PostgreSQL, and unlike
# the dialects' insert().on_conflict_do_update() constructs (which SQLAlchemy 2.0 does not cache)
# compiled once, not on every recorded session.
_ADD_QUARTERS = text(
    "INSERT INTO focus_quarters (user_id, quarter, seconds) VALUES (:user_id, :quarter, :seconds) "
    "ON CONFLICT (user_id, quarter) DO UPDATE SET seconds = focus_quarters.seconds + excluded.seconds")
_ADD_TOTALS = text(
    "INSERT INTO focus_totals (user_id, period, starts, seconds) VALUES (:user_id, :period, :starts, :seconds) "
    "ON CONFLICT (user_id, period, starts) DO UPDATE SET seconds = focus_totals.seconds + excluded.seconds"
).bindparams(bindparam("starts", type_=Date))


def _span(record: FocusSession) -> rules.Span:
    return int(record.start_time.timestamp()), int(record.end_time.timestamp())


_sessions = FocusSession.__table__
_CLAIM = (update(_sessions).where(_sessions.c.id == bindparam("record_id"), _sessions.c.board_seconds.is_(None))
          .values(board_seconds=bindparam("credited")).returning(_sessions.c.id))


def credit_record(record: FocusSession, user, others: list | None = None) -> dict[tuple[str, date], int]:
    """Add a just-recorded session's counted seconds to the person's quarters and totals (no
    commit: it joins the recording transaction). Returns the (period, starts) -> seconds added.
    `user`: a User or a `person()` row (id, timezone and visibility are all it reads); `others`:
    the person's credited records overlapping this one, when the caller has read them already.

    Commonly the record is the last of its overlapping records to close: it is credited over what
    they leave uncovered, with one write statement on PostgreSQL (claim, quarters, totals and
    windows together), four on SQLite. Otherwise its group is credited again in order
    (overlaps.py), so a later deletion can take exactly this credit back."""
    if not is_counted(record):
        return {}
    if record.id is None:
        db.session.flush()
    if others is None:
        others = overlaps.overlapping(record.user_id, record.start_time, record.end_time)
    others = [row for row in others if row.id != record.id]
    if all(overlaps.order_key(row) < overlaps.order_key(record) for row in others):
        quarters = rules.credit((record.active_ms or 0) // 1000, _span(record),
                                [(int(row.start_time.timestamp()), int(row.end_time.timestamp())) for row in others])
        if db.session.get_bind().dialect.name == "postgresql":
            return _claim_and_apply_at_once(record, user, quarters)
        members: list = []
        mine = sum(quarters.values())
    else:
        members = [row for row in overlaps.group(record.user_id, record.start_time, record.end_time)
                   if row.id != record.id]
        quarters, credited = overlaps.recredit(members, sorted([*members, record], key=overlaps.order_key))
        mine = credited.pop(record.id)
    # Compare-and-set: only the first announcement of a record credits it.
    claimed = db.session.execute(_CLAIM, {"record_id": record.id, "credited": mine}).first()
    if claimed is None:
        return {}
    set_committed_value(record, "board_seconds", mine)
    if members:
        overlaps.store_board_seconds(credited, members)
    return _apply(user, quarters)


# The common credit as ONE statement on PostgreSQL (each statement is a round trip; SQLite runs in
# process, where four cost less than building one). Every part reads `claimed`, so a repeated
# announcement writes nothing. Locks: the statement takes its locks on focus_quarters and the rest
# before its snapshot, so a window filler holding focus_quarters in SHARE mode (windows.py) either
# finished first, and the window is in what the windows part reads, or waits for this commit and
# fills from these quarters, while this statement cannot see its uncommitted window.
_CREDIT_AT_ONCE = text(
    "WITH claimed AS (UPDATE focus_sessions SET board_seconds = :credited "
    "WHERE id = :record_id AND board_seconds IS NULL RETURNING id), "
    "quarters AS (INSERT INTO focus_quarters (user_id, quarter, seconds) "
    "SELECT :user_id, CAST(d.key AS INTEGER), CAST(d.value AS INTEGER) "
    "FROM claimed, json_each_text(CAST(:quarters AS json)) AS d WHERE true "
    "ON CONFLICT (user_id, quarter) DO UPDATE SET seconds = focus_quarters.seconds + excluded.seconds), "
    "totals AS (INSERT INTO focus_totals (user_id, period, starts, seconds) "
    "SELECT :user_id, t.period, t.starts, t.seconds "
    "FROM claimed, json_to_recordset(CAST(:totals AS json)) AS t(period text, starts date, seconds integer) "
    "WHERE true ON CONFLICT (user_id, period, starts) DO UPDATE SET seconds = focus_totals.seconds + excluded.seconds), "
    f"windows AS ({windows.ADD.format(claimed='claimed, ', each=windows.EACH['postgresql'])}) "
    "SELECT id FROM claimed").bindparams(*windows.LISTED_FLAGS)


def _claim_and_apply_at_once(record: FocusSession, user, quarters: dict[int, int]) -> dict[tuple[str, date], int]:
    """What the claim and `_apply` do for a credit (no debit: no rows to drop), in one statement."""
    mine = sum(quarters.values())
    totals = _by_period(user, quarters)
    claimed = db.session.execute(_CREDIT_AT_ONCE, {
        "record_id": record.id, "credited": mine, "user_id": user.id,
        "totals": json.dumps([{"period": period, "starts": starts.isoformat(), "seconds": seconds}
                              for (period, starts), seconds in totals.items()]),
        **(windows.add_parameters(quarters) if quarters else {"first": 0, "last": 0, "quarters": "{}"})}).first()
    if claimed is None:
        return {}
    set_committed_value(record, "board_seconds", mine)
    return totals


def _by_period(user, quarters: dict[int, int]) -> dict[tuple[str, date], int]:
    return {key: seconds for key, seconds in rules.totals_by_period(quarters, zone_of(user.timezone)).items()
            if seconds}


def debit_record(record: FocusSession, user) -> dict[tuple[str, date], int]:
    """Take a credited record off the boards before it is deleted (no commit), and give the time
    it alone covered back to the records it overlapped. Returns the (period, starts) -> seconds
    changed (negative: taken off)."""
    if record.board_seconds is None or record.end_time is None:
        return {}
    members = overlaps.group(record.user_id, record.start_time, record.end_time)
    rest = [row for row in members if row.id != record.id]
    quarters, credited = overlaps.recredit(members, rest)
    overlaps.store_board_seconds(credited, rest)
    set_committed_value(record, "board_seconds", None)
    return _apply(user, quarters)


def _apply(user, quarters: dict[int, int]) -> dict[tuple[str, date], int]:
    """Add (or, negative, take off) seconds per quarter, and the same to the person's own days,
    weeks and months and to the everyone board's open windows. The quarters are written first:
    on PostgreSQL that write waits for a window being filled (windows.py)."""
    if not quarters:
        return {}
    db.session.execute(_ADD_QUARTERS, [{"user_id": user.id, "quarter": quarter, "seconds": seconds}
                                     for quarter, seconds in quarters.items()])
    totals = _by_period(user, quarters)
    if totals:
        db.session.execute(_ADD_TOTALS, [{"user_id": user.id, "period": period, "starts": starts, "seconds": seconds}
                                       for (period, starts), seconds in totals.items()])
    windows.add(user.id, quarters)
    if any(seconds < 0 for seconds in quarters.values()):
        overlaps.drop_emptied(user.id, quarters)
    return totals


def relist(user: User) -> None:
    """After a change of visibility: the everyone board follows at once."""
    db.session.flush()  # the person's new visibility is what the windows are filled by
    windows.relist(user.id)


@lru_cache(maxsize=2)
def _focus_days(windowed: bool):
    from ..rules.achievements import STREAK_DAY_MIN_SECONDS
    table = FocusTotal.__table__
    query = select(table.c.starts).where(table.c.user_id == bindparam("user_id"), table.c.period == "day",
                                         table.c.seconds >= STREAK_DAY_MIN_SECONDS)
    if windowed:
        query = query.where(and_(table.c.starts >= bindparam("first"), table.c.starts <= bindparam("last")))
    return query


def focus_days(user_id: int, first: date | None = None, last: date | None = None) -> list[date]:
    """The person's own local days with enough counted focus to count towards a streak."""
    return list(db.session.execute(_focus_days(first is not None),
                                   {"user_id": user_id, "first": first, "last": last}).scalars())
