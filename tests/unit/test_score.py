"""Focus score: hand-computed values, half-up rounding and the 0..100 clamp."""

import pytest

from webapp.rules.score import ScoreBreakdown, focus_score, round_half_up


def score_of(elapsed, active, idle, tabs, target):
    return focus_score(
        elapsed_seconds=elapsed,
        active_seconds=active,
        idle_seconds=idle,
        tab_switches=tabs,
        target_seconds=target,
    )


@pytest.mark.parametrize(
    ("elapsed", "active", "idle", "tabs", "target", "expected"),
    [
        # full phase, always active, no switches: 100 * 1 * 1 - 0
        (1500, 1500, 0, 0, 1500, 100),
        # 100 * 1 * 0.8 - (2 * 3 + 300 / 30) = 80 - 16
        (1500, 1200, 300, 3, 1500, 64),
        # half the target: 100 * 0.5 * 0.8 - (2 * 1 + 150 / 30) = 40 - 7
        (750, 600, 150, 1, 1500, 33),
        # 100 * 1 * (1400 / 1500) - (0 + 100 / 30) = 93.33 - 3.33 = 90
        (1500, 1400, 100, 0, 1500, 90),
    ],
)
def test_hand_computed_scores(elapsed, active, idle, tabs, target, expected):
    assert score_of(elapsed, active, idle, tabs, target).score == expected


def test_breakdown_explains_the_score():
    assert score_of(750, 600, 150, 1, 1500) == ScoreBreakdown(
        score=33, completion=0.5, activity_ratio=0.8, penalty=7.0
    )


def test_running_over_the_target_does_not_raise_completion_above_one():
    result = score_of(3000, 3000, 0, 0, 1500)
    assert result.completion == 1.0
    assert result.score == 100


def test_score_is_clamped_at_zero_when_the_penalty_outweighs_the_work():
    # 100 * 0.4 * 0 - (2 * 5 + 600 / 30) = -30
    result = score_of(600, 0, 600, 5, 1500)
    assert result.penalty == 30.0
    assert result.score == 0


def test_score_never_exceeds_one_hundred_even_with_inconsistent_inputs():
    # more active than elapsed cannot come from accounting, but must not break the range
    assert score_of(1000, 2000, 0, 0, 1000).score == 100


@pytest.mark.parametrize("target", [0, -0.0])
def test_no_target_means_no_completion(target):
    result = score_of(1500, 1500, 0, 0, target)
    assert result.completion == 0.0
    assert result.score == 0


def test_nothing_elapsed_scores_zero_without_dividing_by_zero():
    result = score_of(0, 0, 0, 0, 1500)
    assert result.activity_ratio == 0.0
    assert result.score == 0


@pytest.mark.parametrize(
    "field", ["elapsed_seconds", "active_seconds", "idle_seconds", "tab_switches", "target_seconds"]
)
def test_negative_inputs_are_rejected(field):
    inputs = dict(
        elapsed_seconds=10, active_seconds=10, idle_seconds=0, tab_switches=0, target_seconds=10
    )
    inputs[field] = -1
    with pytest.raises(ValueError):
        focus_score(**inputs)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.5, 1), (1.5, 2), (2.5, 3), (96.5, 97), (0.49, 0),
        (-0.5, 0), (-2.5, -2), (-2.51, -3), (7.0, 7),
    ],
)
def test_round_half_up_matches_javascript_math_round(value, expected):
    assert round_half_up(value) == expected


@pytest.mark.parametrize(
    ("active", "idle", "expected"),
    [
        # 100 * 1 * (1 / 200) - 0 = 0.5 -> 1 (Python's round() would give 0)
        (1, 0, 1),
        # 100 * 1 * (5 / 200) - 0 = 2.5 -> 3 (Python's round() would give 2)
        (5, 0, 3),
    ],
)
def test_scores_on_a_half_round_up(active, idle, expected):
    assert score_of(200, active, idle, 0, 200).score == expected


def test_penalty_landing_on_a_half_rounds_up():
    # 100 * 1 * 1 - 105 / 30 = 96.5 -> 97
    assert score_of(1000, 1000, 105, 0, 1000).score == 97
