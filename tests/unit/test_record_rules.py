"""The record's two pure rules: how a finished session is judged, and how its duration reads."""
from datetime import datetime, timedelta, timezone

import pytest

from webapp.rules.durations import format_duration, seconds_of_ms, whole_minutes, whole_seconds
from webapp.rules.session_status import STATUS_LABELS, counts_as_pomodoro, end_status, reached_target

START = datetime(2024, 5, 1, 9, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("worked, target, reached", [
    (3, 1500, False), (1499, 1500, False), (1500, 1500, True), (1800, 1500, True), (3, None, True)])
def test_a_session_reaches_its_target_only_by_working_all_of_it(worked, target, reached):
    assert reached_target(worked, target) is reached


def test_ended_before_the_target_is_ended_early_and_no_pomodoro():
    assert end_status(reached=False) == "ended_early" and not counts_as_pomodoro("ended_early")
    assert end_status(reached=True) == "completed" and counts_as_pomodoro("completed")
    assert end_status(reached=True, left=True) == end_status(reached=False, left=True) == "abandoned"
    assert STATUS_LABELS["ended_early"] == "Ended early"


def test_durations_are_truncated_whole_seconds_of_the_stored_times():
    assert whole_seconds(START, START + timedelta(seconds=59.6)) == 59
    assert whole_seconds(START, START + timedelta(seconds=60)) == 60
    assert whole_seconds(START, None) == whole_seconds(START, START - timedelta(seconds=5)) == 0
    assert seconds_of_ms(59_999) == 59 and seconds_of_ms(None) == 0
    assert whole_minutes(119) == 1


@pytest.mark.parametrize("seconds, text", [
    (59, "59 s"), (59.6, "59 s"), (60, "1 min"), (119, "1 min 59 s"), (599, "9 min 59 s"), (659, "10 min"),
    (3599, "59 min"), (3660, "1 h 01 min"), (None, "—")])
def test_durations_read_without_ever_rounding_up(seconds, text):
    assert format_duration(seconds) == text
