"""Local days and wall-clock times at the ends of the calendar: clamped or refused, never OverflowError."""
from datetime import date, datetime, timedelta, timezone

import pytest

from webapp.focus.history import parse_cursor
from webapp.focus.services import Problems
from webapp.focus.services.sessions import check_span
from webapp.focus.times import EARLIEST_UTC, LATEST_UTC, BadTime, day_bounds, local_to_utc, utc_to_local

NOW = datetime(2026, 5, 1, 12, tzinfo=timezone.utc)


@pytest.mark.parametrize("zone", ["America/Adak", "Pacific/Kiritimati", "UTC"])
def test_the_first_and_last_days_have_bounds(zone):
    first_start, first_end = day_bounds(date.min, zone)
    last_start, last_end = day_bounds(date.max, zone)
    assert first_start <= first_end and last_start <= last_end == LATEST_UTC
    assert first_start >= EARLIEST_UTC


@pytest.mark.parametrize("local", [datetime(1, 1, 1), datetime(9999, 12, 31, 23, 59)])
def test_wall_clock_times_past_the_calendar_are_refused(local):
    with pytest.raises(BadTime, match="out of range"):
        local_to_utc(local, "America/Adak")


def test_stored_extreme_times_still_display():
    assert utc_to_local(datetime(1, 1, 1, tzinfo=timezone.utc), "America/Adak").year == 1
    assert utc_to_local(datetime(9999, 12, 31, 23, tzinfo=timezone.utc), "Pacific/Kiritimati").year == 9999


@pytest.mark.parametrize("cursor", ["-9999999999999999999999999_1", "9" * 25 + "_1", "1_" + "9" * 25])
def test_cursors_out_of_range_are_malformed(cursor):
    with pytest.raises(ValueError):
        parse_cursor(cursor)


@pytest.mark.parametrize("start, field", [(datetime(1999, 12, 31, 23, tzinfo=timezone.utc), "start_time"),
                                          (datetime(1, 1, 1, tzinfo=timezone.utc), "end_time")])
def test_spans_before_2000_are_refused(start, field):
    problems = Problems()
    check_span(start, start + timedelta(hours=1, minutes=30), NOW, problems)
    assert "2000-01-01" in problems.fields[field]
