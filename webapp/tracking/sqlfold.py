"""rules.accounting.fold, written as SQL expressions, so the tick folds many rows in one UPDATE.

Portable between SQLite and PostgreSQL: CASE WHEN instead of GREATEST/LEAST, integer
arithmetic only. In an UPDATE every right-hand side reads the row as it was before the
statement, exactly as `fold` reads `p`. tests/unit/test_tracking_sqlfold.py checks that this
mirror and the pure fold agree on the same inputs.
"""
from __future__ import annotations

from sqlalchemy import BigInteger, and_, bindparam, case, literal
from sqlalchemy.sql.elements import ColumnElement

from ..models import FocusSession, Room
from ..rules.accounting import ACTIVE, AWAY, IDLE

COUNTING_MODES = (ACTIVE, IDLE, AWAY)
OPEN_STATUSES = ("running", "failed")  # failed is a verdict; its phase is still being counted


def in_its_room() -> ColumnElement:
    """Joins each row to its room: with it, an UPDATE of focus_sessions reads the room's settings
    (UPDATE ... FROM rooms, on SQLite >= 3.33 and PostgreSQL) once per row."""
    return FocusSession.room_id == Room.id


def room_threshold_ms() -> ColumnElement:
    """The idle threshold of each row's room, in ms (needs `in_its_room()` in the WHERE)."""
    return Room.idle_threshold_seconds * 1000


def moment(until_ms: int) -> ColumnElement:
    return literal(int(until_ms), BigInteger)


def now_parameter() -> ColumnElement:
    """`:now_ms`, for statements built once and executed every tick with {"now_ms": ...}."""
    return bindparam("now_ms", type_=BigInteger)


def is_open() -> ColumnElement:
    """Rows of a work phase still going on (a finished record always has its end time).

    Deliberately not a test on `status`: the tick must reach these rows through the small partial
    indexes on open rows, not through the index on status, which also holds the whole history.
    """
    return FocusSession.end_time.is_(None)


def fold_values(until: ColumnElement, threshold: ColumnElement) -> dict:
    """SET clauses equal to `fold(row, until, threshold)` for every row, whatever its mode."""
    row = FocusSession
    later = until > row.counted_until_ms
    counting = and_(later, row.mode.in_(COUNTING_MODES))
    span = until - row.counted_until_ms
    idle_from = row.last_activity_ms + threshold
    active_until = case((until < idle_from, until), else_=idle_from)
    active_part = active_until - row.counted_until_ms
    active = case((and_(counting, row.mode == ACTIVE, active_part > 0), active_part), else_=0)
    return {
        row.mode: case((and_(later, row.mode == ACTIVE, until >= idle_from), IDLE), else_=row.mode),
        row.counted_until_ms: case((later, until), else_=row.counted_until_ms),
        row.elapsed_ms: row.elapsed_ms + case((counting, span), else_=0),
        row.active_ms: row.active_ms + active,
        row.idle_ms: row.idle_ms + case((counting, span), else_=0) - active,
        row.away_ms: row.away_ms + case((and_(later, row.mode == AWAY), span), else_=0),
    }
