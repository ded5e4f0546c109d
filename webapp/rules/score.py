"""Focus score of one participant's work phase, from 0 to 100.

score = round(100 * completion * activity_ratio - penalty), kept within 0..100,
where completion is the share of the time the person could have focused (the
available time: from when they joined the phase to when it really ended) that
elapsed, activity_ratio the share of elapsed time that was active, and the
penalty costs 2 points per tab switch plus 1 point per 30 idle seconds.

Scoring against the planned length instead would give someone who joined late,
or whose host skipped the phase, a low score however focused they were.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

POINTS_PER_TAB_SWITCH = 2
IDLE_SECONDS_PER_POINT = 30


@dataclass(frozen=True)
class ScoreBreakdown:
    """The score and the parts it was computed from, to show people why."""

    score: int
    completion: float
    activity_ratio: float
    penalty: float


def focus_score(
    *,
    elapsed_seconds: float,
    active_seconds: float,
    idle_seconds: float,
    tab_switches: int,
    target_seconds: float,
    available_seconds: float | None = None,
) -> ScoreBreakdown:
    """Score a work phase. Raise ValueError if any input is negative.

    Completion is measured against `available_seconds` when given (see
    `available_seconds()`), else against the planned `target_seconds`. It is 0
    when that time is not positive, the activity ratio is 0 when nothing
    elapsed, and the score rounds half up and is clamped to 0..100.
    """
    inputs = (elapsed_seconds, active_seconds, idle_seconds, tab_switches, target_seconds,
              available_seconds or 0)
    if any(value < 0 for value in inputs):
        raise ValueError("Score inputs cannot be negative.")
    scored_against = target_seconds if available_seconds is None else available_seconds
    completion = min(1.0, elapsed_seconds / scored_against) if scored_against > 0 else 0.0
    activity_ratio = active_seconds / elapsed_seconds if elapsed_seconds > 0 else 0.0
    penalty = POINTS_PER_TAB_SWITCH * tab_switches + idle_seconds / IDLE_SECONDS_PER_POINT
    raw = 100 * completion * activity_ratio - penalty
    return ScoreBreakdown(
        score=_clamp(round_half_up(raw), 0, 100),
        completion=completion,
        activity_ratio=activity_ratio,
        penalty=penalty,
    )


def available_seconds(*, left_when_joined: float, left_when_ended: float, unwatched: float = 0) -> float:
    """The part of a work phase a person could have focused in, in seconds (never negative).

    A phase's countdown runs only while the phase runs, never while it is paused, so what the
    countdown lost between the moment the person joined (`left_when_joined`: the phase's remaining
    time then) and the moment the phase really ended (`left_when_ended`: 0 at its deadline, what
    was left when the host skipped or ended it, or what is left `now` for a live figure) is exactly
    the time they could have focused. `unwatched` is time the server itself was down: nobody could
    be counted then, so it is not available either.
    """
    return max(0.0, left_when_joined - left_when_ended - unwatched)


def round_half_up(value: float) -> int:
    """Round like JavaScript's Math.round (0.5 -> 1, 2.5 -> 3, -2.5 -> -2).

    Python's round() rounds halves to even, so the browser and the server
    would disagree on scores that land exactly on .5.
    """
    return math.floor(value + 0.5)


def _clamp(value: int, low: int, high: int) -> int:
    return max(low, min(high, value))
