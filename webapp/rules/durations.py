"""One rounding rule for every duration the product shows or exports.

A duration is whole seconds, truncated, worked out once from the stored timestamps (or the
stored millisecond tallies); minutes are whole minutes of those seconds, truncated too. So a
59.6 s session reads "59 s" on its card, in the history, in the CSV and in the JSON, and a
total is the sum of what its sessions read.
"""
from __future__ import annotations

from datetime import datetime, timedelta

_SECOND = timedelta(seconds=1)


def whole_seconds(start: datetime, end: datetime | None) -> int:
    """Seconds from start to end, truncated; 0 while open or if end is not after start."""
    if end is None or end <= start:
        return 0
    return (end - start) // _SECOND


def seconds_of_ms(milliseconds: int | None) -> int:
    """Whole seconds of a millisecond tally, truncated."""
    return max(0, milliseconds or 0) // 1000


def whole_minutes(seconds: int) -> int:
    return int(seconds) // 60


def format_duration(seconds: float | int | None) -> str:
    """1 h 05 min, 12 min, 4 min 05 s, 59 s: short, readable, never rounded up."""
    if seconds is None:
        return "—"
    seconds = max(0, int(seconds))
    hours, minutes = divmod(whole_minutes(seconds), 60)
    secs = seconds % 60
    if hours:
        return f"{hours} h {minutes:02d} min"
    if minutes:
        return f"{minutes} min" if not secs or minutes >= 10 else f"{minutes} min {secs:02d} s"
    return f"{secs} s"
