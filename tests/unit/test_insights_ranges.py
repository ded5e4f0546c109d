"""Range parsing for the insights page and the stats API, laid out in the user's own days.

Reference facts: Europe/Berlin springs forward on 2026-03-29 (23-hour day) and falls back on
2026-10-25 (25-hour day); Asia/Kolkata is UTC+05:30; America/Santiago skips 00:00-01:00 on
2026-09-06 (its DST starts at midnight), so that day begins at 01:00 -03 = 04:00Z.
"""
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from webapp.insights.ranges import (
    MAX_RANGE_DAYS,
    InsightRange,
    RangeError,
    local_midnight,
    parse_api_range,
    parse_days,
    parse_page_range,
)

BERLIN = ZoneInfo("Europe/Berlin")
KOLKATA = ZoneInfo("Asia/Kolkata")
UTC = ZoneInfo("UTC")
# 2026-03-31 10:00Z is 12:00 CEST in Berlin, 15:30 in Kolkata.
NOW = datetime(2026, 3, 31, 10, 0, tzinfo=timezone.utc)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


@pytest.mark.parametrize("raw, days", [("1d", 1), ("7d", 7), ("30d", 30), ("365d", 365),
                                       (f"{MAX_RANGE_DAYS}d", MAX_RANGE_DAYS)])
def test_days_accepts_positive_whole_numbers(raw, days):
    assert parse_days(raw) == days


@pytest.mark.parametrize("raw", ["0d", "-1d", "7", "d", "7days", "7D", "1.5d", "abc", "", " 7d",
                                 "7d ", "+7d", "0x7d"])
def test_days_rejects_everything_else_and_explains_the_format(raw):
    with pytest.raises(RangeError) as caught:
        parse_days(raw)
    assert "<N>d" in str(caught.value) and caught.value.field == "range"


def test_days_has_an_upper_bound_that_the_message_names():
    with pytest.raises(RangeError, match=f"at most {MAX_RANGE_DAYS}d"):
        parse_days(f"{MAX_RANGE_DAYS + 1}d")


def test_api_range_defaults_to_the_last_seven_local_days_today_included():
    chosen = parse_api_range({}, BERLIN, NOW)
    assert (chosen.first_day, chosen.last_day, chosen.days) == (date(2026, 3, 25), date(2026, 3, 31), 7)
    # 2026-03-25 00:00 CET = 03-24 23:00Z; the end is 2026-04-01 00:00 CEST = 03-31 22:00Z.
    assert chosen.start == utc("2026-03-24 23:00:00")
    assert chosen.end == utc("2026-03-31 22:00:00")


def test_a_range_over_spring_forward_is_an_hour_short():
    chosen = parse_api_range({"range": "7d"}, BERLIN, NOW)
    assert chosen.end - chosen.start == timedelta(days=7, hours=-1)


def test_the_range_follows_the_users_zone_for_today():
    # 2026-03-31 20:00Z is already 01:30 on April 1st in Kolkata.
    late = datetime(2026, 3, 31, 20, 0, tzinfo=timezone.utc)
    assert parse_api_range({"range": "1d"}, KOLKATA, late).first_day == date(2026, 4, 1)
    assert parse_api_range({"range": "1d"}, UTC, late).first_day == date(2026, 3, 31)
    assert parse_api_range({"range": "1d"}, KOLKATA, late).start == utc("2026-03-31 18:30:00")


def test_local_midnight_on_dst_days_and_a_skipped_midnight():
    assert local_midnight(date(2026, 3, 29), BERLIN) == utc("2026-03-28 23:00:00")
    assert local_midnight(date(2026, 3, 30), BERLIN) == utc("2026-03-29 22:00:00")
    assert local_midnight(date(2026, 10, 26), BERLIN) - local_midnight(date(2026, 10, 25), BERLIN) \
        == timedelta(hours=25)
    santiago = ZoneInfo("America/Santiago")
    assert local_midnight(date(2026, 9, 6), santiago) == utc("2026-09-06 04:00:00")


@pytest.mark.parametrize("key, first", [("7d", date(2026, 3, 25)), ("30d", date(2026, 3, 2)),
                                        ("90d", date(2026, 1, 1)), ("14d", date(2026, 3, 18))])
def test_page_presets(key, first):
    chosen = parse_page_range({"range": key}, BERLIN, NOW)
    assert (chosen.key, chosen.first_day, chosen.last_day) == (key, first, date(2026, 3, 31))
    assert chosen.query_args == {"range": key}


def test_page_default_is_the_last_month():
    chosen = parse_page_range({}, BERLIN, NOW)
    assert chosen.key == "30d" and chosen.label == "Last 30 days"


def test_all_time_starts_on_the_first_session_day_and_only_asks_for_it_then():
    calls = []

    def first_day():
        calls.append(1)
        return date(2024, 2, 10)

    parse_page_range({"range": "30d"}, BERLIN, NOW, first_day)
    assert calls == []
    chosen = parse_page_range({"range": "all"}, BERLIN, NOW, first_day)
    assert (chosen.key, chosen.first_day, chosen.last_day, chosen.label) == \
        ("all", date(2024, 2, 10), date(2026, 3, 31), "All time")
    assert parse_page_range({"range": "all"}, BERLIN, NOW, lambda: None).days == 1


def test_custom_dates_cover_whole_local_days():
    chosen = parse_page_range({"from": "2026-03-28", "to": "2026-03-29"}, BERLIN, NOW)
    assert chosen.key == "custom" and chosen.days == 2
    assert chosen.start == utc("2026-03-27 23:00:00")  # 00:00 CET
    assert chosen.end == utc("2026-03-29 22:00:00")  # 00:00 CEST on the 30th
    assert chosen.query_args == {"from": "2026-03-28", "to": "2026-03-29"}
    assert chosen.label == "28 Mar 2026 – 29 Mar 2026"


def test_custom_dates_win_over_a_preset():
    chosen = parse_page_range({"range": "7d", "from": "2026-01-01", "to": "2026-01-31"}, BERLIN, NOW)
    assert chosen.key == "custom" and chosen.days == 31


@pytest.mark.parametrize("args, field, words", [
    ({"from": "2026-02-01", "to": "2026-01-01"}, "to", "on or after"),
    ({"from": "2026-02-30", "to": "2026-03-01"}, "from", "YYYY-MM-DD"),
    ({"from": "yesterday", "to": "2026-03-01"}, "from", "YYYY-MM-DD"),
    ({"from": "2026-01-01", "to": "soon"}, "to", "YYYY-MM-DD"),
    ({"from": "2026-01-01"}, "to", "last day"),
    ({"to": "2026-01-01"}, "from", "first day"),
    ({"from": "0001-01-01", "to": "2026-01-01"}, "from", "between"),
    ({"from": "2026-01-01", "to": "9999-12-31"}, "to", "between"),
    ({"from": "2000-01-01", "to": "2026-01-01"}, "from", "at most"),
    ({"range": "forever"}, "range", "Choose 7, 30 or 90 days"),
    ({"range": "0d"}, "range", "Choose 7, 30 or 90 days"),
])
def test_page_range_errors_name_the_field(args, field, words):
    with pytest.raises(RangeError) as caught:
        parse_page_range(args, BERLIN, NOW)
    assert caught.value.field == field and words in str(caught.value)


def test_range_days_and_bounds_are_consistent():
    chosen = InsightRange("custom", date(2026, 10, 25), date(2026, 10, 25), BERLIN)
    assert chosen.days == 1
    assert chosen.end - chosen.start == timedelta(hours=25)
