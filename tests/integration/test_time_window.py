"""Stored times live in 2000-01-01 .. now: every create/update path refuses others with a clear
message, and every page still works for rows stored before that rule (year 1, year 9999)."""
from datetime import datetime, timedelta, timezone

import pytest

from tests.conftest import csrf_token_from
from webapp.extensions import db
from webapp.insights.services import STAT_NAMES
from webapp.models import FocusSession, Interruption, utcnow

UTC = timezone.utc
YEAR_1 = datetime(1, 1, 1, 0, 30, tzinfo=UTC)
YEAR_9999 = datetime(9999, 12, 31, 22, 0, tzinfo=UTC)


def _stored(user, start: datetime) -> FocusSession:
    """A row as an older version (or a direct write) could have stored it: no rule in between."""
    end = start + timedelta(hours=1)
    session = FocusSession(user_id=user.id, source="manual", status="completed", start_time=start,
                           end_time=end, duration_seconds=3600, note="old", mode="stopped",
                           counted_until_ms=0, last_activity_ms=0, active_ms=3_600_000, elapsed_ms=3_600_000)
    session.interruptions.append(Interruption(user_id=user.id, type="phone", start_time=start + timedelta(minutes=5),
                                              end_time=start + timedelta(minutes=6), duration=60))
    db.session.add(session)
    db.session.commit()
    return session


@pytest.mark.parametrize("zone", ["America/Adak", "Pacific/Kiritimati"])
def test_pages_survive_sessions_stored_at_the_ends_of_the_calendar(make_user, signed_in, bearer, zone):
    user = make_user("ancient", timezone=zone)
    early, late = _stored(user, YEAR_1), _stored(user, YEAR_9999)
    browser, api = signed_in(user), bearer(user)
    pages = ["/", "/focus", "/tasks", "/history", "/history?day=0001-01-01", "/history?from=0001-01-01&to=9999-12-31",
             f"/history/{early.id}/edit", f"/history/{late.id}/edit", f"/history/{early.id}/delete",
             f"/history/{early.id}/interruptions/new", f"/interruptions/{early.interruptions[0].id}/edit",
             "/insights", "/insights?range=all", "/insights?from=0001-01-01&to=9999-12-31",
             "/insights/export.csv?range=all", "/insights/export.json?range=all", "/settings"]
    for path in pages:
        response = browser.get(path)
        assert response.status_code < 500, path
    history = browser.get("/history?from=0001-01-01&to=9999-12-31").get_data(as_text=True)
    assert "0001" in history and "9999" in history
    for path in ["/api/v1/sessions", f"/api/v1/sessions/{early.id}", f"/api/v1/sessions/{late.id}",
                 f"/api/v1/sessions/{early.id}/interruptions", "/api/v1/me",
                 *(f"/api/v1/stats/{name}" for name in STAT_NAMES),
                 *(f"/api/v1/stats/{name}?range=all" for name in STAT_NAMES)]:
        response = api.get(path)
        assert response.status_code < 500, path


def test_api_refuses_times_before_2000(make_user, bearer):
    api = bearer(make_user("alice"))
    response = api.post("/api/v1/sessions", json={"start_time": "0001-01-01T00:00:00Z",
                                                  "end_time": "0001-01-01T01:00:00Z"})
    assert response.status_code == 422
    assert "between 2000-01-01 and tomorrow" in response.get_json()["fields"]["start_time"]
    assert db.session.query(FocusSession).count() == 0


def test_api_refuses_moving_a_session_before_2000(make_user, bearer):
    api = bearer(make_user("alice"))
    start = (utcnow() - timedelta(days=1)).replace(microsecond=0)
    created = api.post("/api/v1/sessions", json={"start_time": start.isoformat(),
                                                 "end_time": (start + timedelta(minutes=30)).isoformat()})
    assert created.status_code == 201
    moved = api.patch(f"/api/v1/sessions/{created.get_json()['id']}",
                      json={"start_time": "1999-12-31T23:30:00Z", "end_time": "1999-12-31T23:59:00Z"})
    assert moved.status_code == 422 and "2000-01-01" in moved.get_json()["fields"]["end_time"]
    assert db.session.get(FocusSession, created.get_json()["id"]).start_time == start


def test_api_refuses_interruptions_of_an_old_session_before_2000(make_user, bearer):
    user = make_user("alice")
    early = _stored(user, YEAR_1)
    response = bearer(user).post("/api/v1/interruptions", json={
        "session_id": early.id, "type": "phone", "start_time": "0001-01-01T00:40:00Z",
        "end_time": "0001-01-01T00:45:00Z"})
    assert response.status_code == 422 and "2000-01-01" in response.get_json()["fields"]["start_time"]
    assert db.session.query(Interruption).count() == 1


@pytest.mark.parametrize("start, end", [("0001-01-01T00:00", "0001-01-01T01:00"),
                                        ("9999-12-31T22:00", "9999-12-31T23:00"),
                                        ("1999-12-31T10:00", "1999-12-31T11:00")])
def test_manual_entry_form_refuses_times_outside_the_window(make_user, signed_in, start, end):
    browser = signed_in(make_user("adak", timezone="America/Adak"))
    token = csrf_token_from(browser.get("/history/new").get_data(as_text=True))
    response = browser.post("/history/new", data={"start_time": start, "end_time": end, "task_id": "0",
                                                  "note": "", "csrf_token": token})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "out of range" in page or "2000-01-01" in page or "future" in page
    assert db.session.query(FocusSession).count() == 0
