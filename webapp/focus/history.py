"""History filters and the keyset cursor of the "load more" pagination (no Flask here)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from ..accounts.timezones import zone_of
from .times import BadTime, day_bounds, day_end, day_start, parse_day

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
# Cursors point at a stored start time, so they lie within what a datetime can hold.
_MIN_MICROS = (datetime.min.replace(tzinfo=timezone.utc) - _EPOCH) // timedelta(microseconds=1)
_MAX_MICROS = (datetime.max.replace(tzinfo=timezone.utc) - _EPOCH) // timedelta(microseconds=1)


@dataclass
class HistoryFilter:
    """A day, or a from/to range of days (both included), in the person's zone."""

    day: date | None = None
    date_from: date | None = None
    date_to: date | None = None
    errors: dict[str, str] = field(default_factory=dict)
    start: datetime | None = None  # the UTC bounds to query, [start, end)
    end: datetime | None = None

    @classmethod
    def parse(cls, args, zone_name: str | None) -> HistoryFilter:
        result = cls()
        for name, attr in (("day", "day"), ("from", "date_from"), ("to", "date_to")):
            try:
                setattr(result, attr, parse_day(args.get(name)))
            except BadTime as error:
                result.errors[name] = str(error)
        if result.day is not None:
            result.start, result.end = day_bounds(result.day, zone_name)
        else:
            if result.date_from and result.date_to and result.date_to < result.date_from:
                result.errors["to"] = "The end of the range must not be before its start."
                result.date_to = None
            if result.date_from:
                result.start = day_start(result.date_from, zone_name)
            if result.date_to:
                result.end = day_end(result.date_to, zone_name)
        return result

    @property
    def active(self) -> bool:
        return bool(self.day or self.date_from or self.date_to)

    def query_args(self) -> dict[str, str]:
        """The filter as URL parameters, to carry into the next page's link."""
        if self.day:
            return {"day": self.day.isoformat()}
        args = {}
        if self.date_from:
            args["from"] = self.date_from.isoformat()
        if self.date_to:
            args["to"] = self.date_to.isoformat()
        return args


def make_cursor(start_time: datetime, session_id: int) -> str:
    """Exact to the microsecond, so sessions that start in the same second are neither lost nor repeated."""
    return f"{(start_time - _EPOCH) // timedelta(microseconds=1)}_{session_id}"


def parse_cursor(value: str | None) -> tuple[datetime, int] | None:
    """The (start_time, id) of the last row shown; None for the first page; ValueError if malformed."""
    if not value:
        return None
    micros, _, session_id = value.partition("_")
    if not (micros.lstrip("-").isdigit() and session_id.isdigit()) or len(value) > 40:
        raise ValueError("bad cursor")
    if not (_MIN_MICROS <= int(micros) <= _MAX_MICROS and int(session_id) < 2**63):
        raise ValueError("cursor out of range")
    return _EPOCH + timedelta(microseconds=int(micros)), int(session_id)


def local_day(moment: datetime, zone_name: str | None) -> date:
    try:
        return moment.astimezone(zone_of(zone_name)).date()
    except OverflowError:  # the very ends of the calendar
        return moment.date()


def group_by_day(rows: list[dict], zone_name: str | None, spans: list[tuple[datetime, int | None]],
                 continued_day: date | None = None) -> list[dict]:
    """A page of history rows (newest first) as days in the person's zone, each with the whole day's
    totals from `spans` ((start, duration seconds) of every session that day, on any page).

    `continued_day` is the day the previous page ended on: its heading here says "continued"."""
    totals: dict[date, dict] = {}
    for start, seconds in spans:
        total = totals.setdefault(local_day(start, zone_name), {"sessions": 0, "seconds": 0})
        total["sessions"] += 1
        total["seconds"] += seconds or 0
    days: list[dict] = []
    for row in rows:
        day = local_day(row["session"].start_time, zone_name)
        if not days or days[-1]["day"] != day:
            days.append({"day": day, "rows": [], "continued": day == continued_day,
                         **totals.get(day, {"sessions": 0, "seconds": 0})})
        days[-1]["rows"].append(row)
    return days
