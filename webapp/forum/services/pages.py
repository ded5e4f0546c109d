"""Keyset pages: a cursor is "<epoch microseconds>.<id>" of the last row shown; the next page is older.

Microseconds, not milliseconds: stored times keep them, and a rounded cursor would skip rows."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from .errors import ForumError

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
MICROSECOND = timedelta(microseconds=1)
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class Cursor:
    moment: datetime
    id: int


def make_cursor(moment: datetime, row_id: int) -> str:
    return f"{(moment - EPOCH) // MICROSECOND}.{row_id}"


def parse_cursor(raw: str | None, field: str = "before") -> Cursor | None:
    if not raw:
        return None
    micros, dot, row_id = raw.partition(".")
    try:
        cursor = Cursor(EPOCH + int(micros) * MICROSECOND, int(row_id))
    except (ValueError, OverflowError, OSError) as error:
        raise ForumError("That page link is not valid.", {field: "Not a page cursor; use the link's value."}) \
            from error
    if not dot or not 0 <= cursor.id < 2**63:
        raise ForumError("That page link is not valid.", {field: "Not a page cursor; use the link's value."})
    return cursor


def parse_limit(raw: str | None, field: str = "limit") -> int:
    if raw in (None, ""):
        return DEFAULT_PAGE_SIZE
    try:
        limit = int(raw)
    except ValueError:
        limit = 0
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise ForumError(f"{field} must be 1 to {MAX_PAGE_SIZE}.", {field: f"A whole number from 1 to {MAX_PAGE_SIZE}."})
    return limit


def older_than(moment_column, id_column, cursor: Cursor | None):
    """The WHERE clause for rows after `cursor` in (moment, id) descending order."""
    from sqlalchemy import and_, or_, true
    if cursor is None:
        return true()
    return or_(moment_column < cursor.moment, and_(moment_column == cursor.moment, id_column < cursor.id))


@dataclass
class Page:
    items: list
    next_cursor: str | None


def page_of(rows: list, limit: int, moment_of) -> Page:
    """`rows` fetched with limit + 1: the extra row only says there is a next page."""
    if len(rows) <= limit:
        return Page(rows, None)
    rows = rows[:limit]
    return Page(rows, make_cursor(moment_of(rows[-1]), rows[-1].id))
