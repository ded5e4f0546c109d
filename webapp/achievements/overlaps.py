"""One person's overlapping credited records, credited as a group so a deletion can be undone exactly.

"Overlaps count once": a record is credited only over the part of its span that the person's
other credited records leave uncovered (rules/leaderboard.credit). Which record gets the shared
part depends on the order they are credited in, so the order is fixed: by end time, then id
(the order records close in, nearly always). A record that closes last is credited over what the
others leave, with no other write (totals.credit_record's common path). When a record arrives
out of that order, or one is deleted, its *group* (the records linked to it by overlaps) is
credited again in that order: the old credit of the group is taken off and the new one added, in
the announcer's transaction. So the boards always hold exactly the group's credit in that order,
and taking a record away gives its now-uncovered time back to the records it overlapped.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.orm.util import identity_key
from sqlalchemy.orm.attributes import set_committed_value

from ..extensions import db
from ..models import FocusQuarter, FocusSession, FocusTotal
from ..rules import leaderboard as rules


def order_key(row) -> tuple[datetime, int]:
    return row.end_time, row.id


_sessions = FocusSession.__table__
_OVERLAPPING = select(_sessions.c.id, _sessions.c.start_time, _sessions.c.end_time, _sessions.c.active_ms,
                      _sessions.c.board_seconds).where(
    _sessions.c.user_id == bindparam("user_id"), _sessions.c.board_seconds.is_not(None),
    _sessions.c.start_time < bindparam("end"), _sessions.c.end_time > bindparam("start"))


def overlapping(user_id: int, start: datetime, end: datetime) -> list:
    """The person's credited records whose span overlaps [start, end) (built once: this runs for
    every recorded session)."""
    return list(db.session.execute(_OVERLAPPING, {"user_id": user_id, "start": start, "end": end}).all())


def group(user_id: int, start: datetime, end: datetime) -> list:
    """The person's credited records linked to [start, end) by overlaps, directly or through each
    other, in crediting order. Their union has no gap, so each round widens to the union so far."""
    found: dict[int, object] = {}
    while True:
        new = [row for row in overlapping(user_id, start, end) if row.id not in found]
        if not new:
            return sorted(found.values(), key=order_key)
        found.update((row.id, row) for row in new)
        start, end = min(start, *(row.start_time for row in new)), max(end, *(row.end_time for row in new))


def entry(row) -> tuple[int, int, rules.Span]:
    return row.id, (row.active_ms or 0) // 1000, (int(row.start_time.timestamp()), int(row.end_time.timestamp()))


def recredit(before: list, after: list) -> tuple[dict[int, int], dict[int, int]]:
    """The group credited as `before` (taken off) and as `after` (added), both in crediting order.

    Returns (seconds to add per quarter, negative where the credit goes down; each record of
    `after` with its new credited total)."""
    old, new = rules.fold(map(entry, before)), rules.fold(map(entry, after))
    change: dict[int, int] = defaultdict(int)
    for credit, sign in ((old, -1), (new, 1)):
        for quarters in credit.values():
            for quarter, seconds in quarters.items():
                change[quarter] += sign * seconds
    return {q: s for q, s in change.items() if s}, {key: sum(quarters.values()) for key, quarters in new.items()}


def store_board_seconds(credited: dict[int, int], rows: list) -> None:
    """Write the records' new credited totals (only those that changed)."""
    table = FocusSession.__table__
    stored = {row.id: row.board_seconds for row in rows}
    for record_id, seconds in credited.items():
        if stored.get(record_id) == seconds:
            continue
        db.session.execute(update(table).where(table.c.id == record_id).values(board_seconds=seconds))
        loaded = db.session.identity_map.get(identity_key(FocusSession, record_id))
        if loaded is not None:
            set_committed_value(loaded, "board_seconds", seconds)


def drop_emptied(user_id: int, quarters) -> None:
    """Rows a debit brought to zero go: the boards and streaks read only time that is there."""
    db.session.execute(delete(FocusQuarter).where(
        FocusQuarter.user_id == user_id, FocusQuarter.quarter.in_(list(quarters)), FocusQuarter.seconds <= 0)
        .execution_options(synchronize_session=False))
    db.session.execute(delete(FocusTotal).where(FocusTotal.user_id == user_id, FocusTotal.seconds <= 0)
                       .execution_options(synchronize_session=False))
