"""How finished focus is read back: score levels, "enough data yet?", time focused together, and
times that lie inside a session. Pure functions of their inputs (and `now`), no Flask, no database.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from .session_status import FAILED

# A score's level, for its colour and its words; failed is failed whatever the number.
GOOD_FROM, FAIR_FROM = 80, 50
SCORE_LEVEL_LABELS = {"good": "good", "fair": "fair", "low": "low", "danger": "failed", "none": "no score"}


def score_level(score: int | None, status: str | None = None) -> str:
    """'good' (>= 80), 'fair' (50-79), 'low' (< 50), 'danger' for a failed session, 'none' without a score."""
    if status == FAILED:
        return "danger"
    if score is None:
        return "none"
    if score >= GOOD_FROM:
        return "good"
    return "fair" if score >= FAIR_FROM else "low"


# Conclusions about "when you focus best" need a few sessions on a few days; below either
# threshold the insights say what they see without calling it a pattern.
MIN_SESSIONS_FOR_PATTERNS = 5
MIN_DAYS_FOR_PATTERNS = 3


def enough_for_patterns(sessions: int, focus_days: int) -> bool:
    return sessions >= MIN_SESSIONS_FOR_PATTERNS and focus_days >= MIN_DAYS_FOR_PATTERNS


def sessions_still_needed(sessions: int, focus_days: int) -> dict:
    """How many more sessions and days until patterns are drawn (0 when there already are enough)."""
    return {"sessions": max(0, MIN_SESSIONS_FOR_PATTERNS - sessions),
            "days": max(0, MIN_DAYS_FOR_PATTERNS - focus_days)}


def focused_together_seconds(phases: Iterable[tuple[int, int]]) -> int:
    """The time a room focused together: for each work phase (round), the longest time anyone in it
    counted (breaks and pauses are never counted), summed over the phases.

    `phases` holds (round, elapsed seconds) per person and phase. Everyone in one round shares that
    phase's clock, so the longest tally is the phase's own counted length: the total is the length
    of the session's work, never a sum over people that exceeds it.
    """
    longest: dict[int, int] = {}
    for round_number, elapsed in phases:
        longest[round_number] = max(longest.get(round_number, 0), max(0, int(elapsed)))
    return sum(longest.values())


def prefill_inside(start: datetime, end: datetime | None, now: datetime, *,
                   length: timedelta = timedelta(minutes=5)) -> tuple[datetime, datetime]:
    """A (from, until) span of whole minutes inside the session [start, end or now], up to `length`
    long, starting at the session's first whole minute: submitted as it is, it is accepted.

    A session too short to hold a whole minute gets its own exact bounds (seconds included)."""
    finish = end if end is not None else max(now, start)
    minute = timedelta(minutes=1)
    first = start if start.second == 0 and start.microsecond == 0 else \
        start.replace(second=0, microsecond=0) + minute
    last = finish.replace(second=0, microsecond=0)
    if last <= first:
        return start.replace(microsecond=0) + (timedelta(seconds=1) if start.microsecond else timedelta(0)), \
            finish.replace(microsecond=0)
    return first, min(first + length, last)
