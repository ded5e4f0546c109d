"""Pure helpers of the focus log: span arithmetic, time parsing and the person's zone, history paging."""
from datetime import date, datetime, timedelta, timezone

import pytest
from werkzeug.datastructures import MultiDict

from webapp.focus.history import HistoryFilter, make_cursor, parse_cursor
from webapp.focus.services.spans import covered_seconds, inside, overlaps, whole_seconds
from webapp.focus.times import BadTime, day_bounds, iso, local_to_utc, parse_day, parse_iso, utc_to_local

UTC = timezone.utc


def t(hour, minute=0, second=0, micro=0):
    return datetime(2024, 5, 1, hour, minute, second, micro, tzinfo=UTC)


def test_whole_seconds_truncates_and_never_goes_negative():
    assert whole_seconds(t(9), t(9, 25, 0, 999_999)) == 1500
    assert whole_seconds(t(10), t(9)) == 0


def test_overlaps_is_half_open():
    assert overlaps(t(9), t(10), t(9, 30), t(11))
    assert not overlaps(t(9), t(10), t(10), t(11))  # touching is not overlapping


def test_inside_includes_the_edges_and_treats_an_open_end_as_its_start():
    assert inside(t(9), t(10), t(9), t(10))
    assert not inside(t(8, 59), t(10), t(9), t(10))
    assert inside(t(9, 30), None, t(9), t(10))


def test_covered_seconds_counts_overlaps_once_and_clips_to_the_span():
    spans = [(t(9, 0), t(9, 10)), (t(9, 5), t(9, 15)), (t(9, 30), t(9, 31)), (t(8, 0), t(8, 30))]
    assert covered_seconds(spans, (t(9), t(10))) == 16 * 60
    assert covered_seconds([(t(9, 50), t(10, 20))], (t(9), t(10))) == 600
    assert covered_seconds([], (t(9), t(10))) == 0


def test_iso_is_utc_with_z_and_whole_seconds():
    berlin = datetime(2024, 5, 1, 11, 30, 15, 500, tzinfo=timezone(timedelta(hours=2)))
    assert iso(berlin) == "2024-05-01T09:30:15Z"
    assert iso(None) is None


@pytest.mark.parametrize("text, expected", [
    ("2024-05-01T09:30:00Z", t(9, 30)),
    ("2024-05-01T11:30:00+02:00", t(9, 30)),
    ("2024-05-01T09:30:00.250Z", t(9, 30, 0, 250_000)),
])
def test_parse_iso_accepts_utc_and_offsets(text, expected):
    assert parse_iso(text) == expected


@pytest.mark.parametrize("value", ["2024-05-01T09:30:00", "2024-05-01", "yesterday", "", 12, None, ["x"],
                                   "2024-13-01T00:00:00Z"])
def test_parse_iso_refuses_naive_malformed_and_non_strings(value):
    with pytest.raises(BadTime):
        parse_iso(value)


def test_parse_day():
    assert parse_day("2024-05-01") == date(2024, 5, 1)
    assert parse_day("") is None and parse_day(None) is None
    with pytest.raises(BadTime):
        parse_day("01/05/2024")


def test_day_bounds_follow_the_zone_and_its_clock_changes():
    assert day_bounds(date(2024, 5, 1), "Europe/Berlin") == (datetime(2024, 4, 30, 22, tzinfo=UTC),
                                                             datetime(2024, 5, 1, 22, tzinfo=UTC))
    start, end = day_bounds(date(2024, 3, 31), "Europe/Berlin")  # spring forward: 23 hours
    assert end - start == timedelta(hours=23)


def test_local_to_utc_reads_the_persons_zone_and_refuses_skipped_times():
    assert local_to_utc(datetime(2024, 5, 1, 11, 30), "Europe/Berlin") == t(9, 30)
    with pytest.raises(BadTime, match="does not exist"):
        local_to_utc(datetime(2024, 3, 31, 2, 30), "Europe/Berlin")
    assert utc_to_local(t(9, 30, 45), "Europe/Berlin") == datetime(2024, 5, 1, 11, 30)


def test_history_filter_day_range_and_errors():
    one_day = HistoryFilter.parse(MultiDict({"day": "2024-05-01"}), "UTC")
    assert (one_day.start, one_day.end) == (datetime(2024, 5, 1, tzinfo=UTC), datetime(2024, 5, 2, tzinfo=UTC))
    assert one_day.query_args() == {"day": "2024-05-01"}
    span = HistoryFilter.parse(MultiDict({"from": "2024-05-01", "to": "2024-05-03"}), "UTC")
    assert span.end == datetime(2024, 5, 4, tzinfo=UTC)  # the last day is included
    backwards = HistoryFilter.parse(MultiDict({"from": "2024-05-03", "to": "2024-05-01"}), "UTC")
    assert "to" in backwards.errors and backwards.end is None
    bad = HistoryFilter.parse(MultiDict({"day": "May 1st"}), "UTC")
    assert "day" in bad.errors and not bad.active


def test_cursor_round_trips_to_the_microsecond():
    moment = t(9, 30, 1, 123_456)
    assert parse_cursor(make_cursor(moment, 42)) == (moment, 42)
    assert parse_cursor("") is None
    for bad in ("abc", "12_x", "1_2_3", "9" * 50 + "_1"):
        with pytest.raises(ValueError):
            parse_cursor(bad)
