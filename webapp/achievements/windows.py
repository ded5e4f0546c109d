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
  fills it once from `focus_quarters`, set-based. On PostgreSQL the filler holds crediting off
  (LOCK focus_quarters IN SHARE MODE, which conflicts with a credit's row writes) so a credit is
  either in what it reads or sees the window when it reads the open windows afterwards. SQLite
  runs one writer at a time, which gives the same.
- Listing, unlisting and privacy changes move the person's rows (`relist`), under the same lock.
- Making a window also makes the zone's next one (empty, so free to fill): at the turn of a day,
  week or month the new window is already there and credited, no fill holds credits back.
  Windows that ended a day ago or more are pruned when a new one is made.
The top 50 is one index range (window_id, seconds) and the viewer's rank one index count.
"""
from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Boolean, Integer, and_, bindparam, cast, delete, false, func, insert, select, text, true

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
_MAKE = text("INSERT INTO board_windows (period, first_quarter, after_quarter, created_at) "
             "VALUES (:period, :first, :after, :created_at) "
             "ON CONFLICT (period, first_quarter, after_quarter) DO NOTHING RETURNING id"
             ).bindparams(bindparam("created_at", type_=UTCDateTime))


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
    found = db.session.execute(select(_windows.c.id).where(
        _windows.c.period == period, _windows.c.first_quarter == first, _windows.c.after_quarter == after)).scalar()
    if found is not None:
        return found, first, after
    made = db.session.execute(_MAKE, {"period": period, "first": first, "after": after, "created_at": now}).scalar()
    if made is None:  # another viewer made it meanwhile (and has committed: the unique index waited)
        db.session.commit()
        return window_id(period, now, zone)
    _hold_credits()
    _fill(made, first, after)
    _, next_first, next_after = rules.window(period, rules.quarter_start(after), zone)
    following = db.session.execute(_MAKE, {"period": period, "first": next_first, "after": next_after,
                                           "created_at": now}).scalar()
    if following is not None:
        _fill(following, next_first, next_after)
    _prune(int(now.timestamp()) // rules.QUARTER_SECONDS)
    db.session.commit()
    return made, first, after


def _prune(now_quarter: int) -> None:
    ended = select(_windows.c.id).where(_windows.c.after_quarter < now_quarter - PRUNE_AFTER_QUARTERS)
    db.session.execute(delete(_window_totals).where(_window_totals.c.window_id.in_(ended)))
    db.session.execute(delete(_windows).where(_windows.c.after_quarter < now_quarter - PRUNE_AFTER_QUARTERS))


def relist(user_id: int) -> None:
    """After a change of visibility: the person's rows leave every window, and come back filled
    from their quarters if they are listed now (no commit)."""
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
