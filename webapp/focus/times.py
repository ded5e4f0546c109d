"""Times in and out: ISO 8601 UTC for the API, the person's own zone for the pages."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from ..accounts.timezones import zone_of


class BadTime(ValueError):
    """A time that cannot be used; the message is user-facing."""


def iso(moment: datetime | None) -> str | None:
    """2024-05-01T09:30:00Z (UTC, whole seconds)."""
    if moment is None:
        return None
    return moment.astimezone(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def parse_iso(value) -> datetime:
    """An aware UTC datetime from an ISO 8601 string with a zone ("Z" or an offset); BadTime otherwise."""
    if not isinstance(value, str) or not value.strip():
        raise BadTime("Give an ISO 8601 time in UTC, like 2024-05-01T09:30:00Z.")
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise BadTime("Not a valid ISO 8601 time; use a form like 2024-05-01T09:30:00Z.") from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise BadTime("Add the time zone: end the time with Z for UTC (2024-05-01T09:30:00Z).")
    try:
        return moment.astimezone(timezone.utc)
    except OverflowError:
        raise BadTime("That time is out of range.") from None


def parse_day(value: str | None) -> date | None:
    """A YYYY-MM-DD date, None when empty; BadTime when malformed."""
    if value is None or not str(value).strip():
        return None
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise BadTime("Use a date like 2024-05-01.") from None


# The ends of what a datetime can hold, in UTC: where a filter on year 1 or 9999 lands.
EARLIEST_UTC = datetime.min.replace(tzinfo=timezone.utc)
LATEST_UTC = datetime.max.replace(tzinfo=timezone.utc)


def day_start(day: date, zone_name: str | None) -> datetime:
    """The UTC moment the local day begins in the person's zone (clamped at the ends of time)."""
    local = datetime.combine(day, time.min, tzinfo=zone_of(zone_name))
    try:
        return local.astimezone(timezone.utc)
    except OverflowError:  # 0001-01-01 east of UTC, or 9999-12-31 west of it
        return EARLIEST_UTC if day.year == date.min.year else LATEST_UTC


def day_end(day: date, zone_name: str | None) -> datetime:
    """The UTC moment the local day ends: the next day's start, or the end of time after 9999-12-31."""
    if day == date.max:
        return LATEST_UTC
    return day_start(day + timedelta(days=1), zone_name)


def day_bounds(day: date, zone_name: str | None) -> tuple[datetime, datetime]:
    """[start, end) in UTC of a local day (23 or 25 hours long on clock-change days)."""
    return day_start(day, zone_name), day_end(day, zone_name)


def local_to_utc(local: datetime, zone_name: str | None) -> datetime:
    """A wall-clock time the person typed, read in their zone; BadTime if the clocks skipped it."""
    zone = zone_of(zone_name)
    moment = local.replace(tzinfo=zone)
    try:
        round_trip = moment.astimezone(timezone.utc).astimezone(zone).replace(tzinfo=None)
    except OverflowError:  # year 1 or 9999 in a zone with an offset
        raise BadTime("That time is out of range.") from None
    if round_trip != local.replace(tzinfo=None):
        raise BadTime("That time does not exist in your time zone (the clocks changed); pick another.")
    return moment.astimezone(timezone.utc)


def utc_to_local(moment: datetime | None, zone_name: str | None) -> datetime | None:
    """A naive wall-clock time in the person's zone, to fill a datetime-local field."""
    if moment is None:
        return None
    try:
        return moment.astimezone(zone_of(zone_name)).replace(tzinfo=None, second=0, microsecond=0)
    except OverflowError:  # a stored time at the very ends of the calendar: shown as UTC
        return moment.replace(tzinfo=None, second=0, microsecond=0)


def local_today(zone_name: str | None, now: datetime) -> date:
    return now.astimezone(zone_of(zone_name)).date()
