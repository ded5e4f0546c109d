"""GET /api/v1/stats/<name>: the HyperFocus contract, in the token user's own time zone.

Ranges end today, so fixed calendar days (a DST change) are reached with a range long enough
to include them. Expected numbers are worked out in comments.
"""
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from webapp.accounts.tokens import issue_token
from webapp.extensions import db
from webapp.insights.sample import add_session
from webapp.models import ApiToken, FocusSession, utcnow

STATS = ("summary", "interruption-types", "productive-hours", "peak-distraction-time", "weekly-pattern")
BERLIN = ZoneInfo("Europe/Berlin")
KOLKATA = ZoneInfo("Asia/Kolkata")


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


def today_in(zone: ZoneInfo) -> date:
    return utcnow().astimezone(zone).date()


def at(day: date, hour: int, minute: int, zone: ZoneInfo) -> datetime:
    """Local wall time -> aware UTC."""
    return datetime.combine(day, time(hour, minute), tzinfo=zone).astimezone(timezone.utc)


def days_back_to(day: date, zone: ZoneInfo) -> int:
    return (today_in(zone) - day).days + 1


@pytest.fixture
def api(client):
    class Api:
        def get(self, user, path, **kwargs):
            _, raw = issue_token(user)
            return client.get(path, headers={"Authorization": f"Bearer {raw}"}, **kwargs)
    return Api()


# --- authentication, names, ranges ---------------------------------------------------------

@pytest.mark.parametrize("name", STATS)
def test_every_stat_needs_a_valid_token(client, make_user, name):
    assert client.get(f"/api/v1/stats/{name}").status_code == 401
    response = client.get(f"/api/v1/stats/{name}", headers={"Authorization": "Bearer fr_nope"})
    assert response.status_code == 401 and "token" in response.get_json()["error"]


def test_a_revoked_token_is_refused(client, make_user):
    token, raw = issue_token(make_user())
    token.revoked_at = utcnow()
    db.session.commit()
    response = client.get("/api/v1/stats/summary", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 401
    assert db.session.get(ApiToken, token.id).uses == 0


def test_an_unknown_stat_is_a_json_404_listing_the_names(api, make_user):
    response = api.get(make_user(), "/api/v1/stats/moods")
    assert response.status_code == 404
    assert "weekly-pattern" in response.get_json()["error"]


BAD_RANGES = ["0d", "-1d", "7", "d", "7days", "7D", "1.5d", "abc", "1w", "99999d", "forever"]


@pytest.mark.parametrize("name", STATS)
@pytest.mark.parametrize("raw", BAD_RANGES)
def test_every_malformed_range_is_a_422_explaining_the_format(api, make_user, name, raw):
    # A readable request with an unacceptable value: 422 like every other invalid field.
    response = api.get(make_user(), f"/api/v1/stats/{name}?range={raw}")
    assert response.status_code == 422
    body = response.get_json()
    assert "range" in body["fields"]
    assert "<N>d" in body["error"] or "at most" in body["error"]


@pytest.mark.parametrize("raw", ["", "%207d"])
def test_the_range_is_read_like_the_page_reads_it(api, make_user, raw):
    # The page treats an empty field as "no choice" and ignores surrounding spaces; so does the API.
    assert api.get(make_user(), f"/api/v1/stats/summary?range={raw}").get_json()["range_days"] == 7


@pytest.mark.parametrize("name", STATS)
def test_every_stat_defaults_to_seven_days_and_accepts_any_positive_n(api, make_user, name):
    user = make_user()
    assert api.get(user, f"/api/v1/stats/{name}").status_code == 200
    assert api.get(user, f"/api/v1/stats/{name}?range=1d").status_code == 200
    assert api.get(user, f"/api/v1/stats/{name}?range=400d").status_code == 200


def test_summary_reports_its_range_days(api, make_user):
    user = make_user()
    assert api.get(user, "/api/v1/stats/summary").get_json()["range_days"] == 7
    assert api.get(user, "/api/v1/stats/summary?range=30d").get_json()["range_days"] == 30


# --- no data at all ----------------------------------------------------------------------------

def test_no_data_gives_zeros_in_the_contract_shape(api, make_user):
    user = make_user()
    assert api.get(user, "/api/v1/stats/summary").get_json() == {
        "range_days": 7, "total_sessions": 0, "total_interruptions": 0,
        "total_time_worked_seconds": 0, "total_time_lost_seconds": 0, "effective_time_seconds": 0,
        "average_interruption_duration_seconds": 0, "interruptions_per_hour": 0.0}
    types = api.get(user, "/api/v1/stats/interruption-types").get_json()
    assert types == {"counts": dict.fromkeys(("family", "phone", "noise", "self", "urgent_task", "unknown"), 0),
                     "proportions": dict.fromkeys(("family", "phone", "noise", "self", "urgent_task", "unknown"), 0.0),
                     "total_interruptions": 0}
    hours = api.get(user, "/api/v1/stats/productive-hours").get_json()["hours"]
    assert [h["hour"] for h in hours] == list(range(24))
    assert all(h == {"hour": h["hour"], "work_seconds": 0, "interruptions": 0, "interruptions_per_hour": 0.0}
               for h in hours)
    assert api.get(user, "/api/v1/stats/peak-distraction-time").get_json() == \
        {"peak_hour": None, "peak_interruptions": 0, "total_interruptions": 0}
    days = api.get(user, "/api/v1/stats/weekly-pattern").get_json()["days"]
    assert [d["weekday_name"] for d in days] == ["monday", "tuesday", "wednesday", "thursday",
                                                 "friday", "saturday", "sunday"]
    assert [d["weekday_index"] for d in days] == list(range(7))
    assert all(d["work_seconds"] == d["time_lost_seconds"] == d["interruptions"] == 0 for d in days)


# --- hand-computed answers -----------------------------------------------------------------------

def test_summary_and_types_for_a_hand_computed_day(api, make_user):
    user = make_user(timezone="Europe/Berlin")
    other = make_user(timezone="Europe/Berlin")
    day = today_in(BERLIN) - timedelta(days=1)
    # 50 min with phone 4 min + self 2 min; 25 min with phone 3 min; plus an unfinished session.
    add_session(user, at(day, 9, 0, BERLIN), 50, interruptions=[("phone", 10, 4), ("self", 30, 2)])
    add_session(user, at(day, 10, 0, BERLIN), 25, interruptions=[("phone", 5, 3)])
    db.session.add(FocusSession(user_id=user.id, status="running", start_time=at(day, 11, 0, BERLIN)))
    db.session.commit()
    add_session(other, at(day, 9, 0, BERLIN), 120, interruptions=[("noise", 1, 30)])  # not ours
    summary = api.get(user, "/api/v1/stats/summary").get_json()
    # worked 75 min = 4500 s; lost 9 min = 540 s; effective 3960 s; 3 interruptions, mean 180 s;
    # 3 per 3960 s = 2.727... per hour -> 2.73.
    assert summary == {"range_days": 7, "total_sessions": 3, "total_interruptions": 3,
                       "total_time_worked_seconds": 4500, "total_time_lost_seconds": 540,
                       "effective_time_seconds": 3960, "average_interruption_duration_seconds": 180,
                       "interruptions_per_hour": 2.73}
    types = api.get(user, "/api/v1/stats/interruption-types").get_json()
    assert types["counts"]["phone"] == 2 and types["counts"]["self"] == 1
    assert types["proportions"]["phone"] == 0.6667 and types["proportions"]["self"] == 0.3333
    assert types["total_interruptions"] == 3 and set(types) == {"counts", "proportions", "total_interruptions"}


def test_a_session_across_midnight_and_hour_boundaries(api, make_user):
    user = make_user(timezone="Europe/Berlin")
    day = today_in(BERLIN) - timedelta(days=2)
    # 23:20 -> 00:50 local: 40 min at 23 h on `day`, 50 min at 0 h on the next day.
    add_session(user, at(day, 23, 20, BERLIN), 90, interruptions=[("family", 30, 5), ("noise", 45, 1)])
    hours = api.get(user, "/api/v1/stats/productive-hours").get_json()["hours"]
    assert hours[23]["work_seconds"] == 2400 and hours[0]["work_seconds"] == 3000
    # Both interruptions start at 23:50 and 00:05: one each.
    assert hours[23]["interruptions"] == 1 and hours[0]["interruptions"] == 1
    assert hours[23]["interruptions_per_hour"] == 1.5  # 1 per 2400 s
    days = api.get(user, "/api/v1/stats/weekly-pattern").get_json()["days"]
    first, second = days[day.weekday()], days[(day.weekday() + 1) % 7]
    assert first["work_seconds"] == 2400 and second["work_seconds"] == 3000
    # family (5 min) starts 23:50 on `day`; noise (1 min) at 00:05 the next day.
    assert (first["time_lost_seconds"], first["interruptions"], first["effective_time_seconds"]) == (300, 1, 2100)
    assert (second["time_lost_seconds"], second["interruptions"]) == (60, 1)


def test_fall_back_day_in_berlin_end_to_end(api, make_user):
    user = make_user(timezone="Europe/Berlin")
    # 2025-10-26 (a Sunday): 03:00 CEST -> 02:00 CET at 01:00Z. A session 00:30Z-02:30Z runs
    # 02:30-03:00 CEST, then 02:00-03:30 CET: hour 2 gets 30 + 60 min, hour 3 gets 30 min.
    add_session(user, utc("2025-10-26 00:30:00"), 120,
                interruptions=[("phone", 40, 2),   # 01:10Z = 02:10 CET
                               ("noise", 10, 1),   # 00:40Z = 02:40 CEST: the same wall hour
                               ("self", 100, 3)])  # 02:10Z = 03:10 CET
    # Saturday evening before: 21:30Z = 23:30 CEST, 60 min -> 30 min Saturday, 30 min Sunday.
    add_session(user, utc("2025-10-25 21:30:00"), 60)
    days = days_back_to(date(2025, 10, 25), BERLIN)
    hours = api.get(user, f"/api/v1/stats/productive-hours?range={days}d").get_json()["hours"]
    assert hours[2]["work_seconds"] == 5400 and hours[3]["work_seconds"] == 1800
    assert hours[23]["work_seconds"] == 1800 and hours[0]["work_seconds"] == 1800
    assert hours[2]["interruptions"] == 2 and hours[3]["interruptions"] == 1
    peak = api.get(user, f"/api/v1/stats/peak-distraction-time?range={days}d").get_json()
    assert peak == {"peak_hour": 2, "peak_interruptions": 2, "total_interruptions": 3}
    week = api.get(user, f"/api/v1/stats/weekly-pattern?range={days}d").get_json()["days"]
    assert week[5]["work_seconds"] == 1800  # Saturday
    assert week[6]["work_seconds"] == 1800 + 7200  # Sunday, the 25-hour day
    assert week[6]["time_lost_seconds"] == 360 and week[6]["effective_time_seconds"] == 9000 - 360
    summary = api.get(user, f"/api/v1/stats/summary?range={days}d").get_json()
    assert summary["total_time_worked_seconds"] == 10800 and summary["range_days"] == days
    # One day less and the Saturday session falls out of the range (it starts on the 25th).
    shorter = api.get(user, f"/api/v1/stats/summary?range={days - 1}d").get_json()
    assert shorter["total_sessions"] == 1 and shorter["total_time_worked_seconds"] == 7200


def test_spring_forward_day_in_berlin_end_to_end(api, make_user):
    user = make_user(timezone="Europe/Berlin")
    # 2026-03-29: 02:00 CET -> 03:00 CEST at 01:00Z. 00:30Z-01:30Z is 01:30-02:00 CET then
    # 03:00-03:30 CEST: hour 1 and hour 3 get 30 min each, hour 2 does not exist.
    add_session(user, utc("2026-03-29 00:30:00"), 60, interruptions=[("phone", 45, 1)])  # 03:15 CEST
    days = days_back_to(date(2026, 3, 29), BERLIN)
    hours = api.get(user, f"/api/v1/stats/productive-hours?range={days}d").get_json()["hours"]
    assert (hours[1]["work_seconds"], hours[2]["work_seconds"], hours[3]["work_seconds"]) == (1800, 0, 1800)
    assert hours[3]["interruptions"] == 1


def test_half_hour_zone_splits_at_half_past_utc(api, make_user):
    user = make_user(timezone="Asia/Kolkata")
    day = today_in(KOLKATA) - timedelta(days=1)
    # 09:45-11:15 IST = 04:15Z-05:45Z: 15 min at 9 h, 60 at 10 h, 15 at 11 h (local).
    add_session(user, at(day, 9, 45, KOLKATA), 90, interruptions=[("noise", 20, 2)])  # 10:05 IST
    assert at(day, 9, 45, KOLKATA).minute == 15  # the UTC start really is at :15
    hours = api.get(user, "/api/v1/stats/productive-hours").get_json()["hours"]
    assert [hours[h]["work_seconds"] for h in (9, 10, 11)] == [900, 3600, 900]
    assert hours[10]["interruptions"] == 1
    assert api.get(user, "/api/v1/stats/peak-distraction-time").get_json()["peak_hour"] == 10


def test_the_earliest_hour_wins_a_peak_tie(api, make_user):
    user = make_user(timezone="Europe/Berlin")
    day = today_in(BERLIN) - timedelta(days=1)
    add_session(user, at(day, 14, 0, BERLIN), 50, interruptions=[("phone", 5, 1), ("self", 20, 1)])
    add_session(user, at(day, 9, 0, BERLIN), 50, interruptions=[("noise", 5, 1), ("family", 30, 1)])
    peak = api.get(user, "/api/v1/stats/peak-distraction-time").get_json()
    assert peak == {"peak_hour": 9, "peak_interruptions": 2, "total_interruptions": 4}


def test_the_range_starts_at_local_midnight(api, make_user):
    user = make_user(timezone="Asia/Kolkata")
    first = today_in(KOLKATA) - timedelta(days=6)
    add_session(user, at(first, 0, 0, KOLKATA), 25)  # the range's first instant: counted
    add_session(user, at(first, 0, 0, KOLKATA) - timedelta(seconds=1), 25)  # just before: not
    summary = api.get(user, "/api/v1/stats/summary").get_json()
    assert summary["total_sessions"] == 1 and summary["total_time_worked_seconds"] == 1500


def test_changing_the_time_zone_moves_the_buckets(api, make_user, client):
    user = make_user(timezone="UTC")
    day = today_in(ZoneInfo("UTC")) - timedelta(days=2)
    add_session(user, at(day, 8, 0, ZoneInfo("UTC")), 30)
    assert api.get(user, "/api/v1/stats/productive-hours").get_json()["hours"][8]["work_seconds"] == 1800
    user.timezone = "Asia/Kolkata"
    db.session.commit()
    hours = api.get(user, "/api/v1/stats/productive-hours").get_json()["hours"]
    # 08:00Z = 13:30 IST: 30 min in the 13 h bucket.
    assert hours[13]["work_seconds"] == 1800 and hours[8]["work_seconds"] == 0
