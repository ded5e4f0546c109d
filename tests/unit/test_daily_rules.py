"""Today's pure rules: focus inside a local day, the goal ring, the usual length, a rhythm in words."""
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from webapp.rules import daily
from webapp.rules.analytics import SessionSpan

BERLIN = ZoneInfo("Europe/Berlin")


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


def test_only_time_inside_the_local_day_counts_and_a_running_session_counts_up_to_now():
    day = date(2026, 3, 2)
    sessions = [
        SessionSpan(utc(2026, 3, 1, 22, 30), utc(2026, 3, 1, 23, 30)),  # 23:30-00:30 Berlin: 30 min today
        SessionSpan(utc(2026, 3, 2, 8, 0), utc(2026, 3, 2, 8, 25)),
        SessionSpan(utc(2026, 3, 2, 9, 0), None),  # running since 10:00 Berlin
    ]
    assert daily.worked_on(day, sessions, BERLIN, utc(2026, 3, 2, 9, 10)) == (30 + 25 + 10) * 60


def test_the_goal_ring_is_full_at_the_goal_and_never_overflows():
    half = daily.goal_progress(3600, 120)
    assert (half.share, half.percent, half.met, half.left_seconds) == (0.5, 50, False, 3600)
    over = daily.goal_progress(3 * 3600, 120)
    assert (over.share, over.met, over.left_seconds) == (1.0, True, 0)
    assert daily.goal_progress(100, 0).share == 0.0


@pytest.mark.parametrize("targets, usual", [
    ([], 25), ([None, None], 25), ([1500], 25), ([3000, 1500, 3000], 50),
    ([1500, 3000], 25),  # a tie: the newest (first) wins
    ([2990], 50),  # minutes are rounded
])
def test_the_usual_length(targets, usual):
    assert daily.usual_minutes(targets, 25) == usual


@pytest.mark.parametrize("args, words", [
    ((25, 5, 15, 4, 8), "25 min focus · 5 min breaks · 15 min long break every 4 · 8 rounds"),
    ((25, 5, 15, 4, 4), "25 min focus · 5 min breaks · 4 rounds"),  # no long break before the end
    ((50, 10, 30, 2, None), "50 min focus · 10 min breaks · 30 min long break every 2 · until stopped"),
    ((40, 5, 15, 4, 1), "40 min focus"),
])
def test_a_rhythm_in_words(args, words):
    assert daily.rhythm(*args) == words


@pytest.mark.parametrize("seconds, label", [(0, "0 min"), (59, "0 min"), (720, "12 min"), (7200, "2 h"),
                                            (3900, "1 h 05 min")])
def test_minutes_label(seconds, label):
    assert daily.minutes_label(seconds) == label
