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


# --- the time a person could have focused ---------------------------------------------------------

from datetime import datetime, timedelta, timezone  # noqa: E402

from webapp.rules import timer  # noqa: E402
from webapp.rules.score import available_seconds  # noqa: E402

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
WORK = timer.TimerConfig(work_seconds=1500)


def at(seconds):
    return T0 + timedelta(seconds=seconds)


def test_a_phase_the_host_skips_halfway_makes_only_its_first_half_available():
    running = timer.start(timer.TimerState.initial(WORK), WORK, at(0))
    joined = timer.remaining_at(running, at(0))
    available = available_seconds(left_when_joined=joined, left_when_ended=timer.remaining_at(running, at(750)))
    assert available == 750
    # 750 s, all active: the whole of what was possible. Against the planned 25 min it read 50.
    assert score_of(750, 750, 0, 0, 1500).score == 50
    assert focus_score(elapsed_seconds=750, active_seconds=750, idle_seconds=0, tab_switches=0,
                       target_seconds=1500, available_seconds=available).score == 100


def test_a_late_joiner_is_scored_from_when_they_joined_and_paused_time_is_never_available():
    running = timer.start(timer.TimerState.initial(WORK), WORK, at(0))
    joined = timer.remaining_at(running, at(1490))  # ten seconds before the deadline
    paused = timer.pause(running, at(1495))
    resumed = timer.resume(paused, at(2000))  # 505 s paused: the countdown stood still
    _, transitions = timer.advance(resumed, WORK, at(2010))
    assert transitions[0].at == at(2005)  # its deadline, moved on by the pause
    left_at_end = timer.remaining_at(resumed, transitions[0].at)
    available = available_seconds(left_when_joined=joined, left_when_ended=left_at_end)
    assert available == 10
    assert focus_score(elapsed_seconds=10, active_seconds=10, idle_seconds=0, tab_switches=0,
                       target_seconds=1500, available_seconds=available).score == 100
    assert score_of(10, 10, 0, 0, 1500).score == 1  # what a fully focused late joiner used to read


def test_the_servers_own_downtime_is_not_available():
    assert available_seconds(left_when_joined=1500, left_when_ended=0, unwatched=900) == 600
    assert available_seconds(left_when_joined=100, left_when_ended=0, unwatched=400) == 0


def test_the_formula_is_unchanged_against_the_available_time():
    # 100 * (300 / 600) * (240 / 300) - (2 * 1 + 60 / 30) = 40 - 4
    result = focus_score(elapsed_seconds=300, active_seconds=240, idle_seconds=60, tab_switches=1,
                         target_seconds=1500, available_seconds=600)
    assert result == ScoreBreakdown(score=36, completion=0.5, activity_ratio=0.8, penalty=4.0)


def test_no_available_time_means_no_completion():
    assert focus_score(elapsed_seconds=0, active_seconds=0, idle_seconds=0, tab_switches=0,
                       target_seconds=1500, available_seconds=0).completion == 0.0
    with pytest.raises(ValueError):
        focus_score(elapsed_seconds=0, active_seconds=0, idle_seconds=0, tab_switches=0,
                    target_seconds=1500, available_seconds=-1)
