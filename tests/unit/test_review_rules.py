"""Reading finished focus back: score levels, "enough data yet?", time focused together, prefilled
interruption times inside a session, and the history's days in the person's zone."""
from datetime import date, datetime, timedelta, timezone
from types import SimpleNamespace

import pytest

from webapp.focus.history import group_by_day
from webapp.rules.review import (enough_for_patterns, focused_together_seconds, prefill_inside, score_level,
                                 sessions_still_needed)

UTC = timezone.utc


@pytest.mark.parametrize(("score", "status", "level"), [
    (100, "completed", "good"), (80, "completed", "good"), (79, "completed", "fair"), (50, "ended_early", "fair"),
    (49, "completed", "low"), (0, "completed", "low"), (95, "failed", "danger"), (None, "failed", "danger"),
    (None, "completed", "none"), (87, None, "good"),
])
def test_a_score_is_coloured_by_its_value_and_failed_is_always_danger(score, status, level):
    assert score_level(score, status) == level


@pytest.mark.parametrize(("sessions", "days", "enough"), [
    (0, 0, False), (4, 4, False), (5, 2, False), (5, 3, True), (40, 20, True),
])
def test_patterns_need_a_few_sessions_on_a_few_days(sessions, days, enough):
    assert enough_for_patterns(sessions, days) is enough


def test_what_is_still_needed_never_goes_negative():
    assert sessions_still_needed(2, 1) == {"sessions": 3, "days": 2}
    assert sessions_still_needed(9, 1) == {"sessions": 0, "days": 2}
    assert sessions_still_needed(9, 9) == {"sessions": 0, "days": 0}


def test_focused_together_is_the_length_of_the_work_not_a_sum_over_people():
    # Three people in round 1 (25 min phase, one joined late), two in round 2 (cut short at 10 min).
    phases = [(1, 1500), (1, 1500), (1, 700), (2, 600), (2, 590)]
    together = focused_together_seconds(phases)
    assert together == 1500 + 600
    assert sum(elapsed for _, elapsed in phases) > together  # the old figure was the sum


def test_focused_together_of_nothing_is_zero_and_ignores_negative_noise():
    assert focused_together_seconds([]) == 0
    assert focused_together_seconds([(1, -5), (None, 30)]) == 30


def at(hour, minute, second=0, micro=0):
    return datetime(2026, 5, 4, hour, minute, second, micro, tzinfo=UTC)


@pytest.mark.parametrize(("start", "end", "expected"), [
    # starts on a whole minute: five minutes from there
    (at(9, 0), at(9, 25), (at(9, 0), at(9, 5))),
    # starts mid-minute: the next whole minute (the old form's 09:30 lay before the session)
    (at(9, 30, 40), at(9, 55, 10), (at(9, 31), at(9, 36))),
    # shorter than five minutes: ends at the session's last whole minute
    (at(9, 0, 20), at(9, 3, 50), (at(9, 1), at(9, 3))),
    # no whole minute inside: its own bounds, to the second
    (at(9, 0, 10, 500), at(9, 0, 50), (at(9, 0, 11), at(9, 0, 50))),
])
def test_prefilled_interruption_times_lie_inside_the_session(start, end, expected):
    begin, finish = prefill_inside(start, end, now=at(12, 0))
    assert (begin, finish) == expected
    assert start <= begin < finish <= end


def test_a_running_session_prefills_up_to_now():
    begin, finish = prefill_inside(at(9, 0), None, now=at(9, 2, 30))
    assert (begin, finish) == (at(9, 0), at(9, 2))


def row(start):
    return {"session": SimpleNamespace(start_time=start)}


def test_history_days_are_local_days_with_whole_day_totals():
    # Berlin is UTC+2 in May: 22:30 UTC on the 3rd is already the 4th there.
    rows = [row(datetime(2024, 5, 3, 22, 30, tzinfo=UTC)), row(datetime(2024, 5, 3, 21, 0, tzinfo=UTC)),
            row(datetime(2024, 5, 3, 8, 0, tzinfo=UTC))]
    spans = [(datetime(2024, 5, 3, 22, 30, tzinfo=UTC), 1500), (datetime(2024, 5, 3, 23, 0, tzinfo=UTC), 600),
             (datetime(2024, 5, 3, 21, 0, tzinfo=UTC), 1800), (datetime(2024, 5, 3, 8, 0, tzinfo=UTC), None)]
    days = group_by_day(rows, "Europe/Berlin", spans, continued_day=date(2024, 5, 4))
    assert [(d["day"], len(d["rows"]), d["sessions"], d["seconds"], d["continued"]) for d in days] == [
        (date(2024, 5, 4), 1, 2, 2100, True),  # a session on another page still counts in its day
        (date(2024, 5, 3), 2, 2, 1800, False),  # a running session counts, without time yet
    ]


def test_no_rows_no_days():
    assert group_by_day([], "UTC", []) == []


def test_one_minute_span_does_not_leave_the_session_when_the_length_is_shorter():
    begin, finish = prefill_inside(at(9, 0), at(9, 10), now=at(12, 0), length=timedelta(minutes=30))
    assert (begin, finish) == (at(9, 0), at(9, 10))
