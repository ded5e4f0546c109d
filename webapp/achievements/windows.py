"""The everyone board, exact in the viewer's window: totals per window for listed people only.

Why: "today" and "this week" are the viewer's, but summing 100,000 people's quarter hours over the
viewer's window on every read measured 33-343 ms at full size. Instead:
- A *window* is a period of some zone in use as UTC quarters [first, after) (`board_windows`).
  It is computed from the zone's rules for that date, so a DST change is exact, and zones whose
  periods start at the same instant share it: a few dozen windows per period, whatever the number
  of people.
- `window_totals` holds each listed person's seconds in each open window. Every credit and debit
  (totals._apply) adds its per-quarter seconds to the windows they fall in, in the same
  transaction: one INSERT .. SELECT .. ON CONFLICT over the open windows (which also re-reads
  whether the person is listed).
- The first viewer to ask for a window makes it (a unique constraint: one maker wins a race) and
  fills it once from `focus_quarters`, set-based. SQLite runs one writer at a time: the fill's
  transaction holds credits off until it commits. PostgreSQL commits the window first, so credits
  reach it at once, then adds what was credited before it, in short chunks (see
  `_fill_while_crediting`): a credit waits for credits in flight and at most one chunk, never
  for the whole fill (up to ~3 s at full size). Viewers of a window still filling wait for it.
- Listing, unlisting and privacy changes move the person's rows (`relist`), holding credits off
  (LOCK focus_quarters IN SHARE MODE) and, on PostgreSQL, never during a fill.
- Making a window also makes the zone's next one (empty, so free to fill): at the turn of a day,
  week or month the new window is already there and credited, no fill holds credits back.
  Windows that ended a day ago or more are pruned when a new one is made.
The top 50 is one index range (window_id, seconds) and the viewer's rank one index count.
"""
from __future__ import annotations

import json
import time
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Boolean, Integer, and_, bindparam, cast, delete, false, func, insert, select, text, true
from sqlalchemy.exc import OperationalError

from ..extensions import db
from ..models import BoardWindow, FocusQuarter, User, UTCDateTime, WindowTotal
from ..rules import leaderboard as rules

PRUNE_AFTER_QUARTERS = 96  # a window is kept a day past its end, for viewers a little behind

_windows, _window_totals, _users = BoardWindow.__table__, WindowTotal.__table__, User.__table__


def _listed_users():
    return and_(_users.c.on_global_board == true(), _users.c.profile_private == false(),
                _users.c.is_guest == false())


# One statement per credit, for the open windows its quarters fall in, if the person is listed
# (re-read here, after the credit's quarter writes: see relist). The per-quarter seconds go in as
# one JSON object {quarter: seconds}; only the JSON table function differs between the dialects.
# `{claimed}` lets totals.py put this statement in a WITH after the record's claim (PostgreSQL): it
# then adds only if the claim succeeded.
ADD = """INSERT INTO window_totals (window_id, user_id, seconds)
SELECT w.id, :user_id, SUM(CAST(d.value AS INTEGER)) FROM {claimed}board_windows w JOIN {each} AS d
  ON CAST(d.key AS INTEGER) >= w.first_quarter AND CAST(d.key AS INTEGER) < w.after_quarter
WHERE w.first_quarter <= :last AND w.after_quarter > :first AND EXISTS (SELECT 1 FROM users u
  WHERE u.id = :user_id AND u.on_global_board = :yes AND u.profile_private = :no AND u.is_guest = :no)
GROUP BY w.id HAVING SUM(CAST(d.value AS INTEGER)) <> 0
ON CONFLICT (window_id, user_id) DO UPDATE SET seconds = window_totals.seconds + excluded.seconds"""
EACH = {"sqlite": "json_each(:quarters)", "postgresql": "json_each_text(CAST(:quarters AS json))"}
LISTED_FLAGS = (bindparam("yes", True, type_=Boolean), bindparam("no", False, type_=Boolean))
_ADD_BY_DIALECT = {name: text(ADD.format(claimed="", each=each)).bindparams(*LISTED_FLAGS)
                   for name, each in EACH.items()}
_DROP_EMPTIED = delete(_window_totals).where(
    _window_totals.c.window_id.in_(select(_windows.c.id)), _window_totals.c.user_id == bindparam("user_id"),
    _window_totals.c.seconds <= 0)
_MAKE = text("INSERT INTO board_windows (period, first_quarter, after_quarter, created_at, filling) "
             "VALUES (:period, :first, :after, :created_at, :filling) "
             "ON CONFLICT (period, first_quarter, after_quarter) DO NOTHING RETURNING id"
             ).bindparams(bindparam("created_at", type_=UTCDateTime), bindparam("filling", type_=Boolean))


def add(user_id: int, quarters: dict[int, int]) -> None:
    """Add (negative: take off) per-quarter seconds to the person's rows in the open windows they
    fall in, if the person is listed (no commit: joins the credit's transaction, after its quarter
    writes, so a concurrent filler's lock orders the two)."""
    if not quarters:
        return
    statement = _ADD_BY_DIALECT[db.session.get_bind().dialect.name]
    db.session.execute(statement, {"user_id": user_id, **add_parameters(quarters)})
    if any(seconds < 0 for seconds in quarters.values()):
        db.session.execute(_DROP_EMPTIED, {"user_id": user_id})


def add_parameters(quarters: dict[int, int]) -> dict:
    return {"first": min(quarters), "last": max(quarters),
            "quarters": json.dumps({str(q): s for q, s in quarters.items()})}


def _hold_credits() -> None:
    """PostgreSQL: wait for credits in flight and keep new ones out until this transaction ends."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("LOCK TABLE focus_quarters IN SHARE MODE"))


_quarters = FocusQuarter.__table__


def _fill(window: int, first: int, after: int) -> None:
    """Everyone listed, their seconds in the window: one INSERT .. SELECT over the quarter index."""
    query = (select(cast(bindparam("window", window), Integer), _quarters.c.user_id, func.sum(_quarters.c.seconds))
             .join(_users, _users.c.id == _quarters.c.user_id)
             .where(_quarters.c.quarter >= first, _quarters.c.quarter < after, _listed_users())
             .group_by(_quarters.c.user_id).having(func.sum(_quarters.c.seconds) > 0))
    db.session.execute(insert(_window_totals).from_select(["window_id", "user_id", "seconds"], query))


def _fill_person(user_id: int) -> None:
    """One person, if listed, in every open window: one INSERT .. SELECT over their quarters."""
    query = (select(_windows.c.id, _quarters.c.user_id, func.sum(_quarters.c.seconds))
             .join(_quarters, and_(_quarters.c.user_id == user_id, _quarters.c.quarter >= _windows.c.first_quarter,
                                   _quarters.c.quarter < _windows.c.after_quarter))
             .join(_users, _users.c.id == _quarters.c.user_id).where(_listed_users())
             .group_by(_windows.c.id, _quarters.c.user_id).having(func.sum(_quarters.c.seconds) > 0))
    db.session.execute(insert(_window_totals).from_select(["window_id", "user_id", "seconds"], query))


def window_id(period: str, now: datetime, zone: ZoneInfo) -> tuple[int, int, int]:
    """(id, first quarter, quarter after) of the viewer's current window, made and filled if it is
    new (then committed at once, so other viewers share it). Making a window also makes the zone's
    next one: it fills at no cost (nothing is in it yet) and credits reach it from the start, so
    when the period turns its viewers find it ready instead of waiting for a fill."""
    _, first, after = rules.window(period, now, zone)
    found = db.session.execute(_FIND, {"period": period, "first": first, "after": after}).first()
    if found is not None:
        if found.filling:
            _wait_for_fill(found.id, first, after)
        return found.id, first, after
    postgresql = db.session.get_bind().dialect.name == "postgresql"
    made = db.session.execute(_MAKE, {"period": period, "first": first, "after": after, "created_at": now,
                                      "filling": postgresql}).scalar()
    if made is None:  # another viewer made it meanwhile (and has committed: the unique index waited)
        db.session.commit()
        return window_id(period, now, zone)
    _, next_first, next_after = rules.window(period, rules.quarter_start(after), zone)
    following = db.session.execute(_MAKE, {"period": period, "first": next_first, "after": next_after,
                                           "created_at": now, "filling": postgresql}).scalar()
    made_now = [(made, first, after)] + ([(following, next_first, next_after)] if following is not None else [])
    _prune(int(now.timestamp()) // rules.QUARTER_SECONDS)
    if postgresql:
        db.session.commit()  # from here on, credits add to the new windows themselves
        _fill_while_crediting(made_now)
    else:  # SQLite runs one writer at a time: this transaction holds credits off until it commits
        for window, window_first, window_after in made_now:
            _fill(window, window_first, window_after)
        db.session.commit()
    return made, first, after


# PostgreSQL: filling a window without holding credits for the whole fill (up to ~3 s at full
# size). The window is committed first (`filling`), so every credit whose statement starts after
# that adds its own seconds to it. What the fill must add is then, per listed person, what was
# credited before: missing = sum(their quarters in the window) - (their row in it), read at any
# moment after the credits that could not see the window have ended (a credit's locks come
# before its snapshot, so a SHARE lock taken once the window is committed waits for exactly those:
# milliseconds). Credits that commit later add to both sides alike, so `missing` holds still.
# It is read in one statement, with no lock credits need, then added in chunks of people, each its
# own short transaction: a credit waits for at most one chunk (the rows a chunk writes stay
# locked until it commits). One filler at a time, and no relisting meanwhile (it rewrites a
# person's rows, which would make their `missing` stale): a session advisory lock on a connection
# of the fill's own. If the filler dies, the window stays `filling`; the next viewer to wait past
# FILL_WAIT_SECONDS fills it again, and `missing` is then 0 for the people already added.
FILL_CHUNK = 5000
FILL_LOCK = (15, 1)  # pg_advisory_lock(15, 1): the two-key space, apart from the ticker's lock
FILL_WAIT_SECONDS = 30.0  # a viewer waits this long for another's fill before filling it itself
FILL_CHUNK_ATTEMPTS = 50
LOCK_NOT_AVAILABLE = "55P03"
_FIND = select(_windows.c.id, _windows.c.filling).where(
    _windows.c.period == bindparam("period"), _windows.c.first_quarter == bindparam("first"),
    _windows.c.after_quarter == bindparam("after"))
_MISSING = """SELECT q.user_id, SUM(q.seconds) - COALESCE(MAX(t.seconds), 0) AS missing FROM focus_quarters q
JOIN users u ON u.id = q.user_id AND u.on_global_board = :yes AND u.profile_private = :no AND u.is_guest = :no
LEFT JOIN window_totals t ON t.window_id = :window AND t.user_id = q.user_id
WHERE q.quarter >= :first AND q.quarter < :after GROUP BY q.user_id
HAVING SUM(q.seconds) - COALESCE(MAX(t.seconds), 0) <> 0"""
_READ_MISSING = text(_MISSING).bindparams(*LISTED_FLAGS)
# SQLite finishing a window left `filling` (it never makes one: its fill is one transaction).
_ADD_MISSING = text(
    f"INSERT INTO window_totals (window_id, user_id, seconds) SELECT :window, m.user_id, m.missing "
    f"FROM ({_MISSING}) AS m WHERE true "
    "ON CONFLICT (window_id, user_id) DO UPDATE SET seconds = window_totals.seconds + excluded.seconds"
).bindparams(*LISTED_FLAGS)
_ADD_CHUNK = text(
    "INSERT INTO window_totals (window_id, user_id, seconds) SELECT :window, m.user_id, m.missing "
    "FROM unnest(CAST(:people AS integer[]), CAST(:missing AS integer[])) AS m(user_id, missing) "
    "JOIN users u ON u.id = m.user_id AND u.on_global_board = :yes AND u.profile_private = :no "
    "AND u.is_guest = :no "
    "ON CONFLICT (window_id, user_id) DO UPDATE SET seconds = window_totals.seconds + excluded.seconds"
).bindparams(*LISTED_FLAGS)
_STILL_FILLING = text("SELECT filling FROM board_windows WHERE id = :window")
_DONE = text("UPDATE board_windows SET filling = :no WHERE id = :window").bindparams(LISTED_FLAGS[1])


def _fill_while_crediting(made: list[tuple[int, int, int]]) -> None:
    """Fill committed, `filling` windows: see above. On a connection of its own (the advisory
    lock belongs to a connection, and the session's goes back to the pool at each commit)."""
    if db.session.get_bind().dialect.name != "postgresql":
        for window, first, after in made:
            db.session.execute(_ADD_MISSING, {"window": window, "first": first, "after": after})
            db.session.execute(_DONE, {"window": window})
        db.session.commit()
        return
    with db.engine.connect() as connection:
        connection.execute(text("SELECT pg_advisory_lock(:a, :b)"), dict(zip("ab", FILL_LOCK)))
        try:
            connection.execute(text("LOCK TABLE focus_quarters IN SHARE MODE"))
            connection.commit()  # waited for the credits in flight that could not see the windows
            for window, first, after in made:
                if connection.execute(_STILL_FILLING, {"window": window}).scalar():
                    missing = connection.execute(_READ_MISSING, {"window": window, "first": first,
                                                                 "after": after}).all()
                    connection.commit()
                    for start in range(0, len(missing), FILL_CHUNK):
                        _add_chunk(connection, window, missing[start:start + FILL_CHUNK])
                    connection.execute(_DONE, {"window": window})
                connection.commit()
        finally:
            connection.rollback()
            connection.execute(text("SELECT pg_advisory_unlock(:a, :b)"), dict(zip("ab", FILL_LOCK)))
            connection.commit()


def _add_chunk(connection, window: int, rows: list) -> None:
    """One chunk of (person, missing seconds), in its own transaction. A credit of several people
    (a room's phase) can hold one of its rows while waiting for another: the chunk gives way (a
    short lock timeout, then again; nothing was added) rather than leave PostgreSQL's deadlock
    check to pick the credit as its victim a second later."""
    parameters = {"window": window, "people": [row[0] for row in rows], "missing": [int(row[1]) for row in rows]}
    for attempt in range(FILL_CHUNK_ATTEMPTS):
        try:
            connection.execute(text("SET LOCAL lock_timeout = '100ms'"))
            connection.execute(_ADD_CHUNK, parameters)
            connection.commit()
            return
        except OperationalError as error:
            connection.rollback()
            if getattr(error.orig, "sqlstate", None) != LOCK_NOT_AVAILABLE or attempt == FILL_CHUNK_ATTEMPTS - 1:
                raise


def _wait_for_fill(window: int, first: int, after: int) -> None:
    """Another viewer is filling this window: wait for it (reading `filling` again every 50 ms),
    or, past FILL_WAIT_SECONDS (its filler died, say), fill it here."""
    deadline = time.monotonic() + FILL_WAIT_SECONDS
    while time.monotonic() < deadline:
        db.session.commit()
        if not db.session.execute(_STILL_FILLING, {"window": window}).scalar():
            return
        time.sleep(0.05)
    db.session.commit()
    _fill_while_crediting([(window, first, after)])


def _prune(now_quarter: int) -> None:
    ended = select(_windows.c.id).where(_windows.c.after_quarter < now_quarter - PRUNE_AFTER_QUARTERS)
    db.session.execute(delete(_window_totals).where(_window_totals.c.window_id.in_(ended)))
    db.session.execute(delete(_windows).where(_windows.c.after_quarter < now_quarter - PRUNE_AFTER_QUARTERS))


def relist(user_id: int) -> None:
    """After a change of visibility: the person's rows leave every window, and come back filled
    from their quarters if they are listed now (no commit). On PostgreSQL it waits for a fill in
    progress first, then holds credits off (a credit in flight read the old visibility)."""
    if db.session.get_bind().dialect.name == "postgresql":  # not while a window is being filled
        db.session.execute(text("SELECT pg_advisory_xact_lock_shared(:a, :b)"), dict(zip("ab", FILL_LOCK)))
    _hold_credits()
    forget(user_id)
    _fill_person(user_id)


def forget_statement(user_id: int):
    """The person leaves every window (unlisting, deleting the account). By window, so the primary
    key (window_id, user_id) finds the rows."""
    return delete(_window_totals).where(_window_totals.c.window_id.in_(select(_windows.c.id)),
                                        _window_totals.c.user_id == user_id)


def forget(user_id: int) -> None:
    db.session.execute(forget_statement(user_id))


def top(window: int, limit: int) -> list[tuple[int, int]]:
    return [tuple(row) for row in db.session.execute(
        select(_window_totals.c.user_id, _window_totals.c.seconds)
        .where(_window_totals.c.window_id == window, _window_totals.c.seconds > 0)
        .order_by(_window_totals.c.seconds.desc()).limit(limit)).all()]


def above(window: int, seconds: int) -> int:
    """How many listed people have more than `seconds` in the window."""
    return db.session.execute(select(func.count()).where(
        _window_totals.c.window_id == window, _window_totals.c.seconds > seconds)).scalar_one()
