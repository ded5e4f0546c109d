"""The API's one error rule, endpoint by endpoint, and inputs at the edges of time.

400: the request cannot be read (not JSON, not an object, not sent as JSON).
422: readable, but a value is not acceptable, in the body or in the query string.
Both answer {"error": "...", "fields": {...}} naming what is at fault (fields for 422).
"""
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from webapp.extensions import db
from webapp.focus import services
from webapp.insights.sample import add_session
from webapp.models import FocusSession, Interruption, utcnow

UTC = timezone.utc


@pytest.fixture
def alice(make_user):
    return make_user("alice", timezone="Europe/Berlin")


@pytest.fixture
def api(bearer, alice):
    return bearer(alice)


@pytest.fixture
def ids(alice):
    """A finished session with one interruption: the ids the paths below need."""
    session = services.create_manual(alice, start_time=datetime(2024, 5, 1, 8, tzinfo=UTC),
                                     end_time=datetime(2024, 5, 1, 9, tzinfo=UTC))
    interruption = services.log_interruption(alice, session.id, type="phone",
                                             start_time=datetime(2024, 5, 1, 8, 10, tzinfo=UTC),
                                             end_time=datetime(2024, 5, 1, 8, 15, tzinfo=UTC))
    return {"session": session.id, "interruption": interruption.id}


# Every endpoint that reads a body.
BODY_ENDPOINTS = [
    ("post", "/api/v1/sessions"),
    ("post", "/api/v1/sessions/start"),
    ("patch", "/api/v1/sessions/{session}"),
    ("post", "/api/v1/interruptions"),
    ("patch", "/api/v1/interruptions/{interruption}"),
    ("patch", "/api/v1/me"),
    ("post", "/api/v1/auth/token"),
]
UNREADABLE = [
    ("{not json", "application/json"),
    ('{"note": "x"', "application/json"),
    ("[1, 2]", "application/json"),
    ("null", "application/json"),
    ('{"note": "x"}', "text/plain"),
    ("note=x", "application/x-www-form-urlencoded"),
]


@pytest.mark.parametrize("method, path", BODY_ENDPOINTS)
@pytest.mark.parametrize("data, content_type", UNREADABLE)
def test_an_unreadable_body_is_400_everywhere(api, ids, method, path, data, content_type):
    before = (db.session.query(FocusSession).count(), db.session.query(Interruption).count())
    response = getattr(api, method)(path.format(**ids), data=data, content_type=content_type)
    assert response.status_code == 400, response.get_json()
    assert response.get_json()["error"]
    db.session.expire_all()
    assert (db.session.query(FocusSession).count(), db.session.query(Interruption).count()) == before


# A readable body with a value that cannot be accepted, per endpoint.
INVALID_BODIES = [
    ("post", "/api/v1/sessions", {"start_time": "soon", "end_time": "2024-05-01T09:00:00Z"}, "start_time"),
    ("post", "/api/v1/sessions/start", {"target_minutes": "many"}, "target_minutes"),
    ("patch", "/api/v1/sessions/{session}", {"note": 5}, "note"),
    ("post", "/api/v1/interruptions", {"session_id": "{session}", "type": "aliens"}, "type"),
    ("patch", "/api/v1/interruptions/{interruption}", {"colour": "red"}, "colour"),
    ("patch", "/api/v1/me", {"timezone": "Mars/Olympus"}, "timezone"),
    ("post", "/api/v1/auth/token", {"login": "alice"}, "password"),
]


@pytest.mark.parametrize("method, path, body, field", INVALID_BODIES)
def test_an_invalid_body_value_is_422_naming_the_field(api, ids, method, path, body, field):
    body = {key: ids["session"] if value == "{session}" else value for key, value in body.items()}
    response = getattr(api, method)(path.format(**ids), json=body)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["fields"] and response.get_json()["error"]


# A readable request with a query parameter that cannot be accepted, per endpoint.
INVALID_QUERIES = [
    ("/api/v1/sessions", "limit=0", "limit"),
    ("/api/v1/sessions", "limit=%C2%B2", "limit"),  # a superscript two: "digit" to str.isdigit()
    ("/api/v1/sessions", "cursor=nonsense", "cursor"),
    ("/api/v1/sessions", "day=2024-02-30", "day"),
    ("/api/v1/sessions", "page=2", "page"),
    ("/api/v1/interruptions", "limit=abc", "limit"),
    ("/api/v1/interruptions", "cursor=1_2", "cursor"),
    ("/api/v1/interruptions", "type=phone", "type"),
    ("/api/v1/sessions/{session}/interruptions", "limit=-1", "limit"),
    ("/api/v1/sessions/{session}/interruptions", "cursor=%00", "cursor"),
    ("/api/v1/tokens", "limit=501", "limit"),
    ("/api/v1/tokens", "cursor=x", "cursor"),
    ("/api/v1/rooms", "limit=1e3", "limit"),
    ("/api/v1/rooms", "cursor=99999999999999999999", "cursor"),
    ("/api/v1/rooms", "sort=name", "sort"),
    ("/api/v1/rooms", "q=study%00", "q"),
    ("/api/v1/stats/summary", "range=7x", "range"),
    ("/api/v1/stats/summary", "range=99999d", "range"),
    ("/api/v1/stats/productive-hours", "from=2026-01-01", "to"),
    ("/api/v1/stats/weekly-pattern", "from=2026-02-01&to=2026-01-01", "to"),
    ("/api/v1/stats/interruption-types", "from=yesterday&to=2026-01-01", "from"),
    ("/api/v1/stats/peak-distraction-time", "days=7", "days"),
]


@pytest.mark.parametrize("path, query, field", INVALID_QUERIES)
def test_an_invalid_query_value_is_422_naming_the_parameter(api, ids, path, query, field):
    response = api.get(f"{path.format(**ids)}?{query}")
    assert response.status_code == 422, response.get_json()
    body = response.get_json()
    assert field in body["fields"] and body["error"]


# --- the API reads ranges exactly like the insights page -------------------------------------------

def test_range_all_reaches_back_to_the_first_session(api, alice):
    zone = ZoneInfo("Europe/Berlin")
    today = utcnow().astimezone(zone).date()
    start = datetime.combine(today - timedelta(days=200), datetime.min.time(), tzinfo=zone).replace(hour=9)
    add_session(alice, start, 30)
    add_session(alice, start + timedelta(days=150), 20)
    everything = api.get("/api/v1/stats/summary?range=all")
    assert everything.status_code == 200
    assert everything.get_json()["range_days"] == 201
    assert everything.get_json()["total_time_worked_seconds"] == 3000
    assert api.get("/api/v1/stats/summary?range=90d").get_json()["total_time_worked_seconds"] == 1200


@pytest.mark.parametrize("name", ["summary", "interruption-types", "productive-hours",
                                  "peak-distraction-time", "weekly-pattern"])
@pytest.mark.parametrize("query", ["range=all", "range=7d", "range=30d", "range=90d", "range=45d",
                                   "from=2024-04-30&to=2024-05-02"])
def test_every_stat_accepts_every_range_the_page_accepts(api, client, auth, alice, name, query):
    assert api.get(f"/api/v1/stats/{name}?{query}").status_code == 200
    auth.login("alice")
    assert client.get(f"/insights?{query}").status_code == 200


def test_custom_dates_in_the_api_count_whole_local_days(api, alice):
    # Berlin: 2024-05-01 runs 2024-04-30T22:00Z .. 2024-05-01T22:00Z.
    add_session(alice, datetime(2024, 4, 30, 21, 30, tzinfo=UTC), 20)  # the 30th, local
    add_session(alice, datetime(2024, 4, 30, 22, 30, tzinfo=UTC), 25)  # the 1st, local
    body = api.get("/api/v1/stats/summary?from=2024-05-01&to=2024-05-01").get_json()
    assert (body["range_days"], body["total_sessions"], body["total_time_worked_seconds"]) == (1, 1, 1500)


# --- the edges of time ----------------------------------------------------------------------------

# Far east and far west today; in year 1 zoneinfo gives each its local mean time (Tokyo +09:18,
# Kiritimati -10:29), so both directions of overflow are reached.
EDGE_ZONES = ["Pacific/Kiritimati", "Pacific/Pago_Pago", "Asia/Tokyo", "Europe/Berlin", "UTC"]
EDGE_SESSION_QUERIES = [
    "day=9999-12-31", "day=0001-01-01", "from=0001-01-01", "to=9999-12-31", "from=9999-12-31",
    "to=0001-01-01", "from=0001-01-01&to=9999-12-31", "from=0001-01-01T00:00:00Z",
    "to=9999-12-31T23:59:59Z", "from=9999-12-31T23:59:59.999999Z", "to=0001-01-01T00:00:00Z",
    "from=0001-01-01T00:00:00%2B14:00", "to=9999-12-31T23:59:59-12:00",
]


@pytest.mark.parametrize("zone", EDGE_ZONES)
@pytest.mark.parametrize("query", EDGE_SESSION_QUERIES)
def test_sessions_at_the_edges_of_time_are_a_correct_answer_or_a_422(bearer, make_user, zone, query):
    user = make_user(timezone=zone)
    in_2024 = add_session(user, datetime(2024, 5, 1, 8, tzinfo=UTC), 20)
    response = bearer(user).get(f"/api/v1/sessions?{query}")
    assert response.status_code in (200, 422), response.status_code
    if response.status_code == 422:
        assert response.get_json()["fields"]
        return
    listed = [item["id"] for item in response.get_json()["items"]]
    wide_open = query in ("from=0001-01-01", "to=9999-12-31", "from=0001-01-01&to=9999-12-31",
                          "from=0001-01-01T00:00:00Z", "to=9999-12-31T23:59:59Z")
    assert listed == ([in_2024.id] if wide_open else [])


def test_whole_history_from_the_first_to_the_last_day(bearer, make_user):
    # Tokyo kept its mean solar time (+09:18:59) in year 1: 0001-01-01 began before time did.
    user = make_user(timezone="Asia/Tokyo")
    first = add_session(user, datetime(1, 1, 1, 5, 0, tzinfo=UTC), 20)
    last = add_session(user, datetime(2024, 5, 1, 8, tzinfo=UTC), 20)
    response = bearer(user).get("/api/v1/sessions?from=0001-01-01&to=9999-12-31")
    assert response.status_code == 200
    assert [item["id"] for item in response.get_json()["items"]] == [last.id, first.id]
    day = bearer(user).get("/api/v1/sessions?day=0001-01-01").get_json()["items"]
    assert [item["id"] for item in day] == [first.id]
    walked = bearer(user).get("/api/v1/sessions?limit=1").get_json()
    rest = bearer(user).get(f"/api/v1/sessions?limit=1&cursor={walked['next']}").get_json()
    assert [item["id"] for item in rest["items"]] == [first.id] and rest["next"] is None


EDGE_STAT_QUERIES = ["from=9999-12-31&to=9999-12-31", "from=0001-01-01&to=0001-01-01",
                     "from=0001-01-01&to=9999-12-31", "from=2999-12-31&to=2999-12-31",
                     "from=1970-01-01&to=1970-01-01", "range=all"]


@pytest.mark.parametrize("zone", EDGE_ZONES)
@pytest.mark.parametrize("query", EDGE_STAT_QUERIES)
def test_stats_at_the_edges_of_time_are_a_correct_answer_or_a_422(bearer, make_user, zone, query):
    user = make_user(timezone=zone)
    add_session(user, datetime(1, 1, 1, 0, 30, tzinfo=UTC), 20)  # a session logged at the dawn of time
    for name in ("summary", "productive-hours", "weekly-pattern"):
        response = bearer(user).get(f"/api/v1/stats/{name}?{query}")
        assert response.status_code in (200, 422), (name, response.status_code)
        if response.status_code == 422:
            assert set(response.get_json()["fields"]) <= {"from", "to"}
    summary = bearer(user).get(f"/api/v1/stats/summary?{query}")
    if summary.status_code == 200:
        assert summary.get_json()["total_sessions"] == 0  # ranges start in 1970 at the earliest


def test_range_all_with_a_session_before_the_time_window_starts_at_the_window(bearer, make_user):
    user = make_user(timezone="Pacific/Pago_Pago")
    add_session(user, datetime(1, 1, 1, 0, 30, tzinfo=UTC), 20)
    body = bearer(user).get("/api/v1/stats/summary?range=all").get_json()
    assert body["range_days"] == (utcnow().astimezone(ZoneInfo("Pacific/Pago_Pago")).date()
                                  - date(2000, 1, 1)).days + 1


@pytest.mark.parametrize("code", ["%00%00", "ABC%00DE", "A" * 500, "%F0%9F%98%80", "..%2F..", "abc234"])
def test_a_room_path_that_is_no_code_is_a_json_404(client, code):
    response = client.get(f"/api/v1/rooms/{code}")
    assert response.status_code == 404 and response.get_json()["error"]
