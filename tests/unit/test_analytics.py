"""Analytics bucketing in the user's zone. Every expected number is worked out in a comment.

Reference facts used below (2026):
- 2026-01-15 is a Thursday (weekday 3); 2026-03-29 and 2026-10-25 are Sundays (weekday 6).
- Europe/Berlin is UTC+1 in winter (CET), UTC+2 in summer (CEST). Spring forward on 2026-03-29 at
  01:00Z (02:00 CET -> 03:00 CEST); fall back on 2026-10-25 at 01:00Z (03:00 CEST -> 02:00 CET).
- Asia/Kolkata is UTC+05:30 all year; America/St_Johns is UTC-03:30 in January.
"""
import random
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from webapp.rules.analytics import (
    INTERRUPTION_TYPES,
    WEEKDAY_NAMES,
    InterruptionSpan,
    SessionSpan,
    daily_series,
    focus_days,
    heatmap,
    interruption_types,
    peak_distraction_time,
    peak_hour_label,
    productive_hours,
    split_by_local_day,
    split_by_local_hour,
    streaks,
    summary,
    weekly_pattern,
)

BERLIN = ZoneInfo("Europe/Berlin")
KOLKATA = ZoneInfo("Asia/Kolkata")
ST_JOHNS = ZoneInfo("America/St_Johns")
UTC = ZoneInfo("UTC")


def utc(text: str) -> datetime:
    """'2026-01-15 08:20:00' read as UTC."""
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


def make_session(start: str, end: str | None, score: int | None = None) -> SessionSpan:
    return SessionSpan(start=utc(start), end=utc(end) if end else None, focus_score=score)


def make_interruption(kind: str, start: str, end: str | None) -> InterruptionSpan:
    return InterruptionSpan(type=kind, start=utc(start), end=utc(end) if end else None)


JAN15 = date(2026, 1, 15)
JAN16 = date(2026, 1, 16)


# --- split_by_local_hour / split_by_local_day ---------------------------------------------

def test_partial_first_and_last_hours():
    # 08:20:00Z-10:50:30Z is 09:20:00-11:50:30 CET: 40 min, 60 min, 50 min 30 s = 9030 s.
    pieces = split_by_local_hour(utc("2026-01-15 08:20:00"), utc("2026-01-15 10:50:30"), BERLIN)
    assert pieces == [(JAN15, 9, 2400), (JAN15, 10, 3600), (JAN15, 11, 3030)]


def test_session_inside_one_hour():
    pieces = split_by_local_hour(utc("2026-01-15 08:05:00"), utc("2026-01-15 08:35:00"), BERLIN)
    assert pieces == [(JAN15, 9, 1800)]


def test_empty_and_reversed_spans_have_no_pieces():
    moment = utc("2026-01-15 08:00:00")
    assert split_by_local_hour(moment, moment, BERLIN) == []
    assert split_by_local_hour(moment, moment - timedelta(hours=1), BERLIN) == []
    assert split_by_local_hour(moment, None, BERLIN) == []
    assert split_by_local_day(moment, None, BERLIN) == []


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        split_by_local_hour(datetime(2026, 1, 15, 8), datetime(2026, 1, 15, 9), BERLIN)


def test_across_local_midnight():
    # 22:30Z-00:15Z is Thu 23:30 -> Fri 01:15 CET: 30 min on Thursday, 75 min on Friday.
    # (In UTC the cut would be 90 min / 15 min: this is what "the user's midnight" changes.)
    start, end = utc("2026-01-15 22:30:00"), utc("2026-01-16 00:15:00")
    assert split_by_local_day(start, end, BERLIN) == [(JAN15, 1800), (JAN16, 4500)]
    assert split_by_local_hour(start, end, BERLIN) == [
        (JAN15, 23, 1800), (JAN16, 0, 3600), (JAN16, 1, 900)]
    assert split_by_local_day(start, end, UTC) == [(JAN15, 5400), (JAN16, 900)]


def test_multi_day_session_splits_at_each_midnight():
    # Thu 23:00 CET -> Sat 01:00 CET: 1 h, 24 h, 1 h.
    pieces = split_by_local_day(utc("2026-01-15 22:00:00"), utc("2026-01-17 00:00:00"), BERLIN)
    assert pieces == [(JAN15, 3600), (JAN16, 86400), (date(2026, 1, 17), 3600)]


def test_fractional_seconds_are_kept_in_the_split():
    start = utc("2026-01-15 08:59:59.250000")
    end = utc("2026-01-15 09:00:00.750000")
    assert split_by_local_hour(start, end, BERLIN) == [(JAN15, 9, 0.75), (JAN15, 10, 0.75)]


# Berlin spring forward, Sunday 2026-03-29: local hour 2 does not exist.
MAR29 = date(2026, 3, 29)


def test_spring_forward_session_skips_the_missing_hour():
    # 00:30Z-01:30Z is 01:30 CET -> 03:30 CEST: 30 min in hour 1, 30 min in hour 3, none in 2.
    pieces = split_by_local_hour(utc("2026-03-29 00:30:00"), utc("2026-03-29 01:30:00"), BERLIN)
    assert pieces == [(MAR29, 1, 1800), (MAR29, 3, 1800)]


def test_spring_forward_day_has_23_hours():
    # Local midnight Mar 29 = 23:00Z Mar 28 (CET); local midnight Mar 30 = 22:00Z Mar 29 (CEST).
    start, end = utc("2026-03-28 23:00:00"), utc("2026-03-29 22:00:00")
    assert split_by_local_day(start, end, BERLIN) == [(MAR29, 23 * 3600)]
    hours = split_by_local_hour(start, end, BERLIN)
    assert [hour for _, hour, _ in hours] == [0, 1] + list(range(3, 24))
    assert all(seconds == 3600 for _, _, seconds in hours)


# Berlin fall back, Sunday 2026-10-25: local hour 2 happens twice.
OCT25 = date(2026, 10, 25)


def test_fall_back_repeated_hour_is_one_bucket():
    # 00:30Z-01:30Z is 02:30 CEST -> (03:00 CEST = 02:00 CET) -> 02:30 CET: all local hour 2.
    pieces = split_by_local_hour(utc("2026-10-25 00:30:00"), utc("2026-10-25 01:30:00"), BERLIN)
    assert pieces == [(OCT25, 2, 3600)]


def test_fall_back_session_crossing_the_change():
    # 23:45Z Oct 24 - 01:15Z is 01:45 CEST -> 02:15 CET: 15 min in hour 1,
    # then both real hour-2s: 60 min (CEST) + 15 min (CET) = 4500 s in hour 2.
    pieces = split_by_local_hour(utc("2026-10-24 23:45:00"), utc("2026-10-25 01:15:00"), BERLIN)
    assert pieces == [(OCT25, 1, 900), (OCT25, 2, 4500)]


def test_fall_back_day_has_25_hours():
    # Local midnight Oct 25 = 22:00Z Oct 24 (CEST); local midnight Oct 26 = 23:00Z Oct 25 (CET).
    start, end = utc("2026-10-24 22:00:00"), utc("2026-10-25 23:00:00")
    assert split_by_local_day(start, end, BERLIN) == [(OCT25, 25 * 3600)]
    hours = split_by_local_hour(start, end, BERLIN)
    assert len(hours) == 24
    assert hours[2] == (OCT25, 2, 7200)
    assert sum(seconds for _, _, seconds in hours) == 90000


def test_kolkata_hours_split_at_half_past_utc():
    # +05:30: 04:00Z-06:00Z is 09:30-11:30 IST.
    pieces = split_by_local_hour(utc("2026-01-15 04:00:00"), utc("2026-01-15 06:00:00"), KOLKATA)
    assert pieces == [(JAN15, 9, 1800), (JAN15, 10, 3600), (JAN15, 11, 1800)]
    # 04:29Z-04:31Z is 09:59-10:01 IST: the boundary is 04:30:00Z.
    pieces = split_by_local_hour(utc("2026-01-15 04:29:00"), utc("2026-01-15 04:31:00"), KOLKATA)
    assert pieces == [(JAN15, 9, 60), (JAN15, 10, 60)]


def test_kolkata_midnight_is_18_30_utc():
    # 18:00Z-19:00Z is 23:30 Jan 15 -> 00:30 Jan 16 IST.
    pieces = split_by_local_day(utc("2026-01-15 18:00:00"), utc("2026-01-15 19:00:00"), KOLKATA)
    assert pieces == [(JAN15, 1800), (JAN16, 1800)]


def test_st_johns_negative_half_hour_offset():
    # -03:30: 12:00Z-13:00Z is 08:30-09:30 NST.
    pieces = split_by_local_hour(utc("2026-01-15 12:00:00"), utc("2026-01-15 13:00:00"), ST_JOHNS)
    assert pieces == [(JAN15, 8, 1800), (JAN15, 9, 1800)]


# St John's changed its clocks at 00:01 local until 2011: an offset change *inside* an hour.
# 2010-03-14 03:31Z: 00:01 NST (-03:30) -> 01:01 NDT (-02:30).
# 2010-11-07 02:31Z: 00:01 NDT (-02:30) -> 23:01 NST (-03:30) on Nov 6.

def test_offset_change_inside_an_hour_spring():
    # 03:00Z-04:00Z: 23:30-24:00 NST Mar 13 (1800), 00:00-00:01 NST Mar 14 (60),
    # then 01:01-01:30 NDT (1740).
    start, end = utc("2010-03-14 03:00:00"), utc("2010-03-14 04:00:00")
    assert split_by_local_hour(start, end, ST_JOHNS) == [
        (date(2010, 3, 13), 23, 1800), (date(2010, 3, 14), 0, 60), (date(2010, 3, 14), 1, 1740)]
    assert split_by_local_day(start, end, ST_JOHNS) == [
        (date(2010, 3, 13), 1800), (date(2010, 3, 14), 1800)]


def test_offset_change_inside_an_hour_fall_back_to_the_previous_day():
    # 02:00Z-03:00Z: 23:30-24:00 NDT Nov 6 (1800), 00:00-00:01 NDT Nov 7 (60), then the clock
    # goes back to 23:01 NST Nov 6 until 23:30 (1740): Nov 6 hour 23 holds 1800 + 1740.
    start, end = utc("2010-11-07 02:00:00"), utc("2010-11-07 03:00:00")
    assert split_by_local_hour(start, end, ST_JOHNS) == [
        (date(2010, 11, 6), 23, 3540), (date(2010, 11, 7), 0, 60)]
    assert split_by_local_day(start, end, ST_JOHNS) == [
        (date(2010, 11, 6), 3540), (date(2010, 11, 7), 60)]


def _minute_by_minute(start: datetime, end: datetime, tz: ZoneInfo) -> dict:
    """Slow reference: the local hour of each whole minute (valid for minute-aligned spans)."""
    buckets: dict = {}
    moment = start
    while moment < end:
        local = moment.astimezone(tz)
        key = (local.date(), local.hour)
        buckets[key] = buckets.get(key, 0) + 60
        moment += timedelta(minutes=1)
    return buckets


@pytest.mark.parametrize("tz", [BERLIN, KOLKATA, ST_JOHNS, ZoneInfo("America/New_York"),
                                ZoneInfo("Australia/Lord_Howe")])
def test_split_matches_a_minute_by_minute_reference_around_changes(tz):
    # Cross-check, not a hand answer: random minute-aligned spans around 2026's DST changes
    # (Lord Howe shifts by only 30 minutes; St John's 2010 changed at 00:01 local).
    rng = random.Random(2026)
    anchors = [utc("2026-03-29 00:00:00"), utc("2026-10-25 00:00:00"),
               utc("2026-03-08 06:00:00"), utc("2026-11-01 05:00:00"),
               utc("2026-04-04 14:00:00"), utc("2026-10-03 15:00:00"),
               utc("2010-03-14 03:31:00"), utc("2010-11-07 02:31:00")]
    for anchor in anchors:
        for _ in range(15):
            start = anchor + timedelta(minutes=rng.randrange(-600, 600))
            end = start + timedelta(minutes=rng.randrange(1, 1500))
            pieces = split_by_local_hour(start, end, tz)
            as_dict = {(day, hour): seconds for day, hour, seconds in pieces}
            assert len(as_dict) == len(pieces)  # each local hour appears once
            assert as_dict == _minute_by_minute(start, end, tz)
            days = split_by_local_day(start, end, tz)
            assert sum(s for _, s in days) == (end - start).total_seconds()


# --- summary ---------------------------------------------------------------------------------

# One Thursday in Berlin winter.
SESSIONS = [
    make_session("2026-01-15 08:20:00", "2026-01-15 10:50:30", score=80),  # 9030 s
    make_session("2026-01-15 12:00:00", None),                           # unfinished
    make_session("2026-01-15 14:00:00", "2026-01-15 14:30:00", score=75),  # 1800 s
]
INTERRUPTIONS = [
    make_interruption("phone", "2026-01-15 08:30:00", "2026-01-15 08:32:30"),   # 150 s, 09:30
    make_interruption("family", "2026-01-15 09:00:00", "2026-01-15 09:10:00"),  # 600 s, 10:00
    make_interruption("noise", "2026-01-15 14:10:00", "2026-01-15 14:10:45"),   # 45 s, 15:10
    make_interruption("self", "2026-01-15 12:05:00", None),                     # open, 13:05
]


def test_summary():
    # worked 9030 + 1800 = 10830; lost 150 + 600 + 45 = 795; effective 10035;
    # average over the 3 ended = 265; per effective hour 4 / (10035/3600) = 1.43498 -> 1.43.
    assert summary(SESSIONS, INTERRUPTIONS, range_days=7) == {
        "range_days": 7,
        "total_sessions": 3,
        "total_interruptions": 4,
        "total_time_worked_seconds": 10830,
        "total_time_lost_seconds": 795,
        "effective_time_seconds": 10035,
        "average_interruption_duration_seconds": 265,
        "interruptions_per_hour": 1.43,
    }


def test_summary_effective_never_negative_and_rate_zero():
    sessions = [make_session("2026-01-15 08:00:00", "2026-01-15 08:10:00")]  # 600 s
    interruptions = [make_interruption("urgent_task", "2026-01-15 08:05:00", "2026-01-15 08:25:00")]
    result = summary(sessions, interruptions, range_days=1)
    assert result["total_time_lost_seconds"] == 1200
    assert result["effective_time_seconds"] == 0
    assert result["interruptions_per_hour"] == 0.0


def test_summary_average_rounds_half_up():
    # 1 s and 2 s: 1.5 -> 2.
    interruptions = [make_interruption("noise", "2026-01-15 08:00:00", "2026-01-15 08:00:01"),
                     make_interruption("noise", "2026-01-15 09:00:00", "2026-01-15 09:00:02")]
    assert summary([], interruptions, 1)["average_interruption_duration_seconds"] == 2


def test_interruption_duration_truncates_to_whole_seconds():
    interruption = InterruptionSpan("phone", utc("2026-01-15 08:00:00"),
                                    utc("2026-01-15 08:00:09.900000"))
    assert interruption.duration_seconds == 9
    assert make_interruption("phone", "2026-01-15 08:00:00", None).duration_seconds == 0


def test_summary_of_nothing():
    assert summary([], [], range_days=30) == {
        "range_days": 30, "total_sessions": 0, "total_interruptions": 0,
        "total_time_worked_seconds": 0, "total_time_lost_seconds": 0,
        "effective_time_seconds": 0, "average_interruption_duration_seconds": 0,
        "interruptions_per_hour": 0.0,
    }


def test_unfinished_sessions_count_but_add_no_time():
    sessions = [make_session("2026-01-15 12:00:00", None)]
    assert summary(sessions, [], 1)["total_sessions"] == 1
    assert summary(sessions, [], 1)["total_time_worked_seconds"] == 0
    assert heatmap(sessions, BERLIN) == [[0] * 24 for _ in range(7)]
    assert focus_days(sessions, BERLIN) == set()


# --- interruption types ------------------------------------------------------------------------

def test_interruption_types():
    result = interruption_types(INTERRUPTIONS)
    assert result["counts"] == {"family": 1, "phone": 1, "noise": 1, "self": 1,
                                "urgent_task": 0, "unknown": 0}
    assert result["proportions"] == {"family": 0.25, "phone": 0.25, "noise": 0.25, "self": 0.25,
                                     "urgent_task": 0.0, "unknown": 0.0}
    assert result["total_interruptions"] == 4
    assert result["time_lost_seconds"] == {"family": 600, "phone": 150, "noise": 45, "self": 0,
                                           "urgent_task": 0, "unknown": 0}


def test_interruption_type_proportions_round_to_four_places():
    # 1/3 = 0.3333, 2/3 = 0.6667; an unrecognised type is counted as "unknown".
    interruptions = [make_interruption("phone", "2026-01-15 08:00:00", "2026-01-15 08:01:00"),
                     make_interruption("family", "2026-01-15 09:00:00", "2026-01-15 09:01:00"),
                     make_interruption("family", "2026-01-15 10:00:00", "2026-01-15 10:01:00"),
                     make_interruption("cat", "2026-01-15 11:00:00", "2026-01-15 11:00:30")]
    result = interruption_types(interruptions[:3])
    assert result["proportions"]["phone"] == 0.3333
    assert result["proportions"]["family"] == 0.6667
    assert interruption_types(interruptions)["counts"]["unknown"] == 1
    assert interruption_types(interruptions)["time_lost_seconds"]["unknown"] == 30


def test_interruption_types_of_nothing():
    result = interruption_types([])
    assert result == {"counts": dict.fromkeys(INTERRUPTION_TYPES, 0),
                      "proportions": dict.fromkeys(INTERRUPTION_TYPES, 0.0),
                      "total_interruptions": 0,
                      "time_lost_seconds": dict.fromkeys(INTERRUPTION_TYPES, 0)}


# --- productive hours and peak -------------------------------------------------------------------

def test_productive_hours():
    # Work (CET): 09:20:00-11:50:30 -> h9 2400, h10 3600, h11 3030; 15:00-15:30 -> h15 1800.
    # Interruptions start (CET) at 09:30, 10:00, 15:10 and 13:05 (the open one).
    # Rates: h9 1/(2400/3600) = 1.5; h10 1.0; h11 0.0; h13 no work -> 0.0; h15 1/0.5 = 2.0.
    hours = productive_hours(SESSIONS, INTERRUPTIONS, BERLIN)["hours"]
    assert len(hours) == 24 and [h["hour"] for h in hours] == list(range(24))
    busy = {h["hour"]: (h["work_seconds"], h["interruptions"], h["interruptions_per_hour"])
            for h in hours if h["work_seconds"] or h["interruptions"]}
    assert busy == {9: (2400, 1, 1.5), 10: (3600, 1, 1.0), 11: (3030, 0, 0.0),
                    13: (0, 1, 0.0), 15: (1800, 1, 2.0)}


def test_long_interruption_counts_only_in_its_start_hour():
    # 09:50Z-11:10Z is 10:50-12:10 CET (4800 s): one interruption in hour 10, none in 11 or 12.
    sessions = [make_session("2026-01-15 09:00:00", "2026-01-15 12:00:00")]  # 10:00-13:00 CET
    interruptions = [make_interruption("family", "2026-01-15 09:50:00", "2026-01-15 11:10:00")]
    hours = productive_hours(sessions, interruptions, BERLIN)["hours"]
    assert [hours[h]["interruptions"] for h in (10, 11, 12)] == [1, 0, 0]
    assert [hours[h]["work_seconds"] for h in (10, 11, 12)] == [3600, 3600, 3600]
    assert weekly_pattern(sessions, interruptions, BERLIN)["days"][3]["time_lost_seconds"] == 4800


def test_productive_hours_aggregate_over_days_and_round_rates():
    # Hour 9 CET on two days: 3600 + 1800 = 5400 s with 2 interruptions -> 2/1.5 = 1.33.
    sessions = [make_session("2026-01-15 08:00:00", "2026-01-15 09:00:00"),
                make_session("2026-01-16 08:00:00", "2026-01-16 08:30:00")]
    interruptions = [make_interruption("phone", "2026-01-15 08:10:00", "2026-01-15 08:11:00"),
                     make_interruption("phone", "2026-01-16 08:10:00", "2026-01-16 08:11:00")]
    hour9 = productive_hours(sessions, interruptions, BERLIN)["hours"][9]
    assert hour9 == {"hour": 9, "work_seconds": 5400, "interruptions": 2,
                     "interruptions_per_hour": 1.33}


def test_productive_hours_of_nothing():
    assert productive_hours([], [], BERLIN) == {"hours": [
        {"hour": h, "work_seconds": 0, "interruptions": 0, "interruptions_per_hour": 0.0}
        for h in range(24)]}


def test_productive_hours_on_fall_back_day():
    # Whole fall-back day: hour 2 holds two real hours, the others one each.
    sessions = [make_session("2026-10-24 22:00:00", "2026-10-25 23:00:00")]
    work = [h["work_seconds"] for h in productive_hours(sessions, [], BERLIN)["hours"]]
    assert work[2] == 7200 and work.count(3600) == 23


def test_peak_distraction_tie_goes_to_earliest_hour():
    # Local (CET) starts: 15:05, 15:40, 09:10, 09:50, 20:00 -> hours 15, 15, 9, 9, 20.
    interruptions = [make_interruption("phone", f"2026-01-15 {t}", f"2026-01-15 {t}")
                     for t in ("14:05:00", "14:40:00", "08:10:00", "08:50:00", "19:00:00")]
    assert peak_distraction_time(interruptions, BERLIN) == {
        "peak_hour": 9, "peak_interruptions": 2, "total_interruptions": 5}


def test_peak_distraction_uses_local_hour():
    # 04:45Z is 10:15 IST but 04 UTC.
    interruptions = [make_interruption("noise", "2026-01-15 04:45:00", "2026-01-15 04:46:00")]
    assert peak_distraction_time(interruptions, KOLKATA)["peak_hour"] == 10
    assert peak_distraction_time(interruptions, UTC)["peak_hour"] == 4


def test_peak_distraction_of_nothing():
    assert peak_distraction_time([], BERLIN) == {
        "peak_hour": None, "peak_interruptions": 0, "total_interruptions": 0}


# --- weekly pattern, heatmap ---------------------------------------------------------------------

def test_weekly_pattern():
    # Everything is on Thursday (index 3): work 10830, lost 795, effective 10035, 4 interruptions.
    days = weekly_pattern(SESSIONS, INTERRUPTIONS, BERLIN)["days"]
    assert [d["weekday_index"] for d in days] == list(range(7))
    assert [d["weekday_name"] for d in days] == list(WEEKDAY_NAMES)
    assert days[3] == {"weekday_index": 3, "weekday_name": "thursday", "work_seconds": 10830,
                       "time_lost_seconds": 795, "effective_time_seconds": 10035,
                       "interruptions": 4}
    assert all(d["work_seconds"] == d["interruptions"] == 0 for i, d in enumerate(days) if i != 3)


def test_weekly_pattern_splits_at_local_midnight():
    # Session Thu 23:30 -> Fri 01:15 CET (1800 / 4500). Interruption Thu 23:50 -> Fri 00:20 CET:
    # all 1800 s lost on Thursday, the day it starts.
    sessions = [make_session("2026-01-15 22:30:00", "2026-01-16 00:15:00")]
    interruptions = [make_interruption("family", "2026-01-15 22:50:00", "2026-01-15 23:20:00")]
    days = weekly_pattern(sessions, interruptions, BERLIN)["days"]
    assert (days[3]["work_seconds"], days[3]["time_lost_seconds"],
            days[3]["effective_time_seconds"], days[3]["interruptions"]) == (1800, 1800, 0, 1)
    assert (days[4]["work_seconds"], days[4]["time_lost_seconds"],
            days[4]["effective_time_seconds"], days[4]["interruptions"]) == (4500, 0, 4500, 0)


def test_weekly_pattern_uses_local_day_for_interruptions():
    # 19:00Z Thu is 00:30 Fri in Kolkata.
    interruptions = [make_interruption("self", "2026-01-15 19:00:00", "2026-01-15 19:05:00")]
    days = weekly_pattern([], interruptions, KOLKATA)["days"]
    assert days[4]["interruptions"] == 1 and days[4]["time_lost_seconds"] == 300
    assert days[3]["interruptions"] == 0


def test_weekly_pattern_of_nothing():
    assert weekly_pattern([], [], BERLIN) == {"days": [
        {"weekday_index": i, "weekday_name": name, "work_seconds": 0, "time_lost_seconds": 0,
         "effective_time_seconds": 0, "interruptions": 0}
        for i, name in enumerate(WEEKDAY_NAMES)]}


def test_heatmap_across_midnight():
    # Thu 23:30 -> Fri 01:15 CET.
    grid = heatmap([make_session("2026-01-15 22:30:00", "2026-01-16 00:15:00")], BERLIN)
    assert len(grid) == 7 and all(len(row) == 24 for row in grid)
    assert grid[3][23] == 1800 and grid[4][0] == 3600 and grid[4][1] == 900
    assert sum(map(sum, grid)) == 6300


def test_heatmap_spring_forward_sunday():
    # 01:30 CET -> 03:30 CEST on Sunday (index 6).
    grid = heatmap([make_session("2026-03-29 00:30:00", "2026-03-29 01:30:00")], BERLIN)
    assert grid[6][1] == 1800 and grid[6][2] == 0 and grid[6][3] == 1800


def test_heatmap_rounds_only_the_totals():
    # Each session counts its whole seconds (1 s: what its card shows), cut 0.5 s / 0.5 s at a local
    # hour; two 0.5 s pieces in the same cell add to 1 s (rounding each would give 0 + 0 or 1 + 1).
    sessions = [SessionSpan(utc("2026-01-15 07:59:59.500000"), utc("2026-01-15 08:00:00.900000")),
                SessionSpan(utc("2026-01-22 07:59:59.500000"), utc("2026-01-22 08:00:00.900000"))]
    grid = heatmap(sessions, BERLIN)
    assert grid[3][8] == 1 and grid[3][9] == 1
    assert summary(sessions, [], 1)["total_time_worked_seconds"] == 2


def test_a_session_counts_the_whole_seconds_its_card_shows():
    # 59.6 s reads "59 s" on the card and in the exports; the insights add up those same 59 s,
    # and two half-second sessions, which read "0 s", add nothing.
    sessions = [SessionSpan(utc("2026-01-15 08:00:00"), utc("2026-01-15 08:00:59.600000")),
                SessionSpan(utc("2026-01-15 08:10:00"), utc("2026-01-15 08:10:00.500000")),
                SessionSpan(utc("2026-01-15 08:20:00"), utc("2026-01-15 08:20:00.500000"))]
    assert summary(sessions, [], 1)["total_time_worked_seconds"] == 59
    assert heatmap(sessions, BERLIN)[3][9] == 59
    assert productive_hours(sessions, [], BERLIN)["hours"][9]["work_seconds"] == 59
    assert daily_series(sessions, [], BERLIN, JAN15, JAN15)[0]["work_seconds"] == 59


def test_heatmap_of_nothing():
    assert heatmap([], BERLIN) == [[0] * 24 for _ in range(7)]


# --- daily series ---------------------------------------------------------------------------------

def test_daily_series_includes_empty_days():
    # Jan 14 empty; Jan 15 has all of SESSIONS/INTERRUPTIONS (scores 80 and 75 -> 77.5,
    # 3 sessions including the unfinished one); Jan 16 empty.
    rows = daily_series(SESSIONS, INTERRUPTIONS, BERLIN, date(2026, 1, 14), JAN16)
    assert rows == [
        {"date": "2026-01-14", "work_seconds": 0, "time_lost_seconds": 0, "sessions": 0,
         "average_score": None},
        {"date": "2026-01-15", "work_seconds": 10830, "time_lost_seconds": 795, "sessions": 3,
         "average_score": 77.5},
        {"date": "2026-01-16", "work_seconds": 0, "time_lost_seconds": 0, "sessions": 0,
         "average_score": None},
    ]


def test_daily_series_across_midnight_and_score_on_start_day():
    # Thu 23:30 -> Fri 01:15 CET, score 90: time 1800 / 4500, session and score on Thursday.
    sessions = [make_session("2026-01-15 22:30:00", "2026-01-16 00:15:00", score=90)]
    rows = daily_series(sessions, [], BERLIN, JAN15, JAN16)
    assert [(r["work_seconds"], r["sessions"], r["average_score"]) for r in rows] == [
        (1800, 1, 90.0), (4500, 0, None)]


def test_daily_series_drops_time_outside_the_range():
    sessions = [make_session("2026-01-15 22:30:00", "2026-01-16 00:15:00")]
    assert daily_series(sessions, [], BERLIN, JAN15, JAN15)[0]["work_seconds"] == 1800
    assert daily_series([], [], BERLIN, JAN16, JAN15) == []


def test_daily_series_average_score_rounds_to_one_decimal():
    # (70 + 71 + 71) / 3 = 70.666... -> 70.7
    sessions = [make_session("2026-01-15 08:00:00", "2026-01-15 08:10:00", score=s)
                for s in (70, 71, 71)]
    assert daily_series(sessions, [], BERLIN, JAN15, JAN15)[0]["average_score"] == 70.7


def test_daily_series_on_dst_days():
    # The whole spring-forward day is 82800 s, the whole fall-back day 90000 s.
    sessions = [make_session("2026-03-28 23:00:00", "2026-03-29 22:00:00"),
                make_session("2026-10-24 22:00:00", "2026-10-25 23:00:00")]
    assert daily_series(sessions, [], BERLIN, MAR29, MAR29)[0]["work_seconds"] == 82800
    assert daily_series(sessions, [], BERLIN, OCT25, OCT25)[0]["work_seconds"] == 90000


# --- streaks ------------------------------------------------------------------------------------

DAYS = {date(2026, 1, d) for d in (10, 11, 12, 14, 15)}


@pytest.mark.parametrize("today, current", [
    (JAN15, 2),               # 14, 15
    (JAN16, 2),               # nothing yet today: count from yesterday
    (date(2026, 1, 17), 0),   # yesterday empty too
    (date(2026, 1, 13), 3),   # 10, 11, 12
])
def test_streaks(today, current):
    assert streaks(DAYS, today) == {"current_streak": current, "longest_streak": 3}


def test_streaks_of_nothing():
    assert streaks(set(), JAN15) == {"current_streak": 0, "longest_streak": 0}


def test_focus_days_are_local_days_with_work():
    # Thu 23:30 -> Fri 01:15 CET touches two local days; in Kolkata 09:30-10:30 one.
    sessions = [make_session("2026-01-15 22:30:00", "2026-01-16 00:15:00")]
    assert focus_days(sessions, BERLIN) == {JAN15, JAN16}
    assert focus_days([make_session("2026-01-15 04:00:00", "2026-01-15 05:00:00")],
                      KOLKATA) == {JAN15}


# --- labels ---------------------------------------------------------------------------------------

def test_peak_hour_label():
    assert peak_hour_label(14) == "14:00\u201315:00"
    assert peak_hour_label(0) == "00:00\u201301:00"
    assert peak_hour_label(23) == "23:00\u201300:00"
    assert peak_hour_label(None) is None
    with pytest.raises(ValueError):
        peak_hour_label(24)
