"""IANA time-zone names, validated on the server."""
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones


@lru_cache(maxsize=1)
def all_timezones() -> tuple[str, ...]:
    return tuple(sorted(available_timezones() | {"UTC"}))


def is_valid_timezone(name: str | None) -> bool:
    return bool(name) and name in set(all_timezones())


def zone_of(name: str | None) -> ZoneInfo:
    return ZoneInfo(name if is_valid_timezone(name) else "UTC")
