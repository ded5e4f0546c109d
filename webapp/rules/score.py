"""Focus score of one participant's work phase, from 0 to 100.

score = round(100 * completion * activity_ratio - penalty), kept within 0..100,
where completion is the share of the target time that elapsed, activity_ratio
the share of elapsed time that was active, and the penalty costs 2 points per
tab switch plus 1 point per 30 idle seconds.
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
) -> ScoreBreakdown:
    """Score a work phase. Raise ValueError if any input is negative.

    Completion is 0 when the target is not positive, the activity ratio is 0
    when nothing elapsed, and the score rounds half up and is clamped to 0..100.
    """
    inputs = (elapsed_seconds, active_seconds, idle_seconds, tab_switches, target_seconds)
    if any(value < 0 for value in inputs):
        raise ValueError("Score inputs cannot be negative.")
    completion = min(1.0, elapsed_seconds / target_seconds) if target_seconds > 0 else 0.0
    activity_ratio = active_seconds / elapsed_seconds if elapsed_seconds > 0 else 0.0
    penalty = POINTS_PER_TAB_SWITCH * tab_switches + idle_seconds / IDLE_SECONDS_PER_POINT
    raw = 100 * completion * activity_ratio - penalty
    return ScoreBreakdown(
        score=_clamp(round_half_up(raw), 0, 100),
        completion=completion,
        activity_ratio=activity_ratio,
        penalty=penalty,
    )


def round_half_up(value: float) -> int:
    """Round like JavaScript's Math.round (0.5 -> 1, 2.5 -> 3, -2.5 -> -2).

    Python's round() rounds halves to even, so the browser and the server
    would disagree on scores that land exactly on .5.
    """
    return math.floor(value + 0.5)


def _clamp(value: int, low: int, high: int) -> int:
    return max(low, min(high, value))
