"""Date ranges for insights, read from the URL and laid out in the user's own days.

A range is a run of whole local days: from the user's midnight on `first_day` to their midnight
after `last_day`. "7d" means the last seven local days, today included, on the page and in the
API alike, so both give the same numbers.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from ..focus.services.limits import EARLIEST_TIME

PAGE_PRESETS = ("7d", "30d", "90d", "all")
PAGE_DEFAULT = "30d"
API_DEFAULT = "7d"
# Ten years: far beyond any history, and it keeps day-by-day series bounded.
MAX_RANGE_DAYS = 3660
# Custom dates stay in a span where every zone's midnight is a representable UTC instant.
EARLIEST_DAY, LATEST_DAY = date(1970, 1, 1), date(2999, 12, 31)
EARLIEST_RECORD_DAY = EARLIEST_TIME.date()
_DAYS_PATTERN = re.compile(r"^([0-9]{1,9})d$")


class RangeError(ValueError):
    """A range the user asked for that cannot be read; `field` is the URL parameter at fault."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class InsightRange:
    key: str  # "30d", "all" or "custom"
    first_day: date
    last_day: date
    zone: ZoneInfo

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    @property
    def start(self) -> datetime:
        """The first instant of the range, aware UTC."""
        return local_midnight(self.first_day, self.zone)

    @property
    def end(self) -> datetime:
        """The first instant after the range, aware UTC (exclusive)."""
        return local_midnight(self.last_day + timedelta(days=1), self.zone)

    @property
    def query_args(self) -> dict[str, str]:
        """URL parameters that reproduce this range (for links, exports and bookmarks)."""
        if self.key == "custom":
            return {"from": self.first_day.isoformat(), "to": self.last_day.isoformat()}
        return {"range": self.key}

    @property
    def label(self) -> str:
        if self.key == "all":
            return "All time"
        if self.key != "custom":
            return f"Last {self.days} days" if self.days != 1 else "Today"
        return f"{format_day(self.first_day)} – {format_day(self.last_day)}"


def format_day(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    """The UTC instant at which `day` begins in `zone`.

    Where a zone skips midnight (a DST change at 00:00), fold=0 resolves the missing wall time
    with the offset in force before the change, which is exactly the day's first real instant.
    """
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(timezone.utc)


def local_today(zone: ZoneInfo, now: datetime) -> date:
    return now.astimezone(zone).date()


def last_days(days: int, zone: ZoneInfo, now: datetime, key: str | None = None) -> InsightRange:
    today = local_today(zone, now)
    return InsightRange(key or f"{days}d", today - timedelta(days=days - 1), today, zone)


RANGE_HELP = f"Choose 7, 30 or 90 days, all time, or two dates; any <N>d up to {MAX_RANGE_DAYS}d works too"


def parse_days(raw: str, field: str = "range") -> int:
    """'30d' -> 30; anything else raises RangeError explaining the format."""
    match = _DAYS_PATTERN.match(raw or "")
    days = int(match.group(1)) if match else 0
    if not match or days < 1:
        raise RangeError(field, f"{RANGE_HELP} (got {raw!r}).")
    if days > MAX_RANGE_DAYS:
        raise RangeError(field, f"range can be at most {MAX_RANGE_DAYS}d (got {raw!r}).")
    return days


def _parse_date(raw: str, field: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise RangeError(field, "Use a date like 2026-01-31 (YYYY-MM-DD).") from None


def parse_range(args, zone: ZoneInfo, now: datetime, first_day_of_all=None, *,
                default: str = PAGE_DEFAULT) -> InsightRange:
    """A range from a query string, the one reading shared by the page, its exports and the API.

    `range=7d|30d|90d|all` (any `<N>d` up to MAX_RANGE_DAYS works too) or
    `from=YYYY-MM-DD&to=YYYY-MM-DD` (the dates win over `range`); nothing means `default`.
    `first_day_of_all()` gives the local day of the first session, or None, and is only called
    for `all`. Raises RangeError naming the field at fault.
    """
    raw_from, raw_to = (args.get("from") or "").strip(), (args.get("to") or "").strip()
    if raw_from or raw_to:
        return _custom_range(raw_from, raw_to, zone, now)
    raw = (args.get("range") or "").strip() or default  # an empty form field means "no choice"
    if raw == "all":
        today = local_today(zone, now)
        first = first_day_of_all() if first_day_of_all else None
        # Nothing before the focus log's time window is accepted any more; an older row (even one
        # logged in year 1 before the window existed) must not stretch "all" back to it.
        first = max(first, EARLIEST_RECORD_DAY) if first else today
        return InsightRange("all", min(first, today), today, zone)
    return last_days(parse_days(raw), zone, now)


def parse_page_range(args, zone: ZoneInfo, now: datetime, first_day_of_all=None) -> InsightRange:
    """The page's range (default PAGE_DEFAULT)."""
    return parse_range(args, zone, now, first_day_of_all, default=PAGE_DEFAULT)


def parse_api_range(args, zone: ZoneInfo, now: datetime, first_day_of_all=None) -> InsightRange:
    """The API's range: the page's rules exactly, with API_DEFAULT when nothing is given."""
    return parse_range(args, zone, now, first_day_of_all, default=API_DEFAULT)


def _custom_range(raw_from: str, raw_to: str, zone: ZoneInfo, now: datetime) -> InsightRange:
    if not raw_from:
        raise RangeError("from", "Choose the first day too.")
    if not raw_to:
        raise RangeError("to", "Choose the last day too.")
    first, last = _parse_date(raw_from, "from"), _parse_date(raw_to, "to")
    for field, day in (("from", first), ("to", last)):
        if not EARLIEST_DAY <= day <= LATEST_DAY:
            raise RangeError(field, f"Choose a date between {EARLIEST_DAY} and {LATEST_DAY}.")
    if last < first:
        raise RangeError("to", "The last day must be on or after the first day.")
    if (last - first).days + 1 > MAX_RANGE_DAYS:
        raise RangeError("from", f"Choose at most {MAX_RANGE_DAYS} days.")
    return InsightRange("custom", first, last, zone)
