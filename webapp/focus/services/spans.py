"""Pure arithmetic on time spans: whole seconds, overlaps, and time covered by interruptions."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from ...rules.durations import whole_seconds

__all__ = ["covered_seconds", "inside", "overlaps", "whole_seconds"]

_SECOND = timedelta(seconds=1)


def overlaps(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    """True when the half-open spans [a_start, a_end) and [b_start, b_end) share a moment."""
    return a_start < b_end and b_start < a_end


def inside(start: datetime, end: datetime | None, span_start: datetime, span_end: datetime) -> bool:
    """True when [start, end] lies within [span_start, span_end] (an open end counts as start)."""
    end = start if end is None else end
    return span_start <= start and end <= span_end


def covered_seconds(spans: Iterable[tuple[datetime, datetime]], within: tuple[datetime, datetime]) -> int:
    """Whole seconds of `within` covered by the union of `spans` (overlaps count once)."""
    lower, upper = within
    clipped = sorted((max(s, lower), min(e, upper)) for s, e in spans)
    total = timedelta(0)
    current_start = current_end = None
    for start, end in clipped:
        if end <= start:
            continue
        if current_end is None or start > current_end:
            if current_end is not None:
                total += current_end - current_start
            current_start, current_end = start, end
        else:
            current_end = max(current_end, end)
    if current_end is not None:
        total += current_end - current_start
    return total // _SECOND
