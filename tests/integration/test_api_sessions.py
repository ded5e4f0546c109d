"""API v1 sessions: every status code of the contract, and no 500 for any bad input."""
from datetime import datetime, timedelta, timezone

import pytest

from webapp.accounts.tokens import issue_token
from webapp.extensions import db
from webapp.focus import services
from webapp.models import FocusSession, utcnow


def iso(moment):
    return moment.astimezone(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


@pytest.fixture
def alice(make_user):
    return make_user("alice", timezone="Europe/Berlin")


@pytest.fixture
def api(bearer, alice):
    return bearer(alice)


SHAPE = {"id", "start_time", "end_time", "duration_seconds", "status", "source", "room_code", "task_id", "note",
         "elapsed_seconds", "active_seconds", "idle_seconds", "tab_switches", "focus_score"}


def test_no_token_or_a_bad_token_is_401(client):
    for headers in ({}, {"Authorization": "Bearer fr_nonsense"}, {"Authorization": "Basic abc"}):
        response = client.get("/api/v1/sessions", headers=headers)
        assert response.status_code == 401 and "token" in response.get_json()["error"]


def test_a_revoked_token_is_401(client, alice):
    token, raw = issue_token(alice)
    services.revoke_token(alice, token.id)
    assert client.get("/api/v1/sessions", headers={"Authorization": f"Bearer {raw}"}).status_code == 401


def test_start_end_and_end_twice(api, alice):
    task = services.create_task(alice, title="Report", estimated_pomodoros=2)
    started = api.post("/api/v1/sessions/start", json={"target_minutes": 25, "task_id": task.id})
    assert started.status_code == 201
    body = started.get_json()
    assert set(body) == SHAPE
    assert (body["end_time"], body["status"], body["source"], body["task_id"]) == (None, "running", "solo", task.id)
    assert body["start_time"].endswith("Z")
    ended = api.post(f"/api/v1/sessions/{body['id']}/end")
    assert ended.status_code == 200 and ended.get_json()["end_time"] is not None
    assert ended.get_json()["duration_seconds"] == 0 and ended.get_json()["status"] == "ended_early"
    again = api.post(f"/api/v1/sessions/{body['id']}/end")
    assert again.status_code == 409 and "already ended" in again.get_json()["error"]


def test_start_without_a_body(api):
    response = api.post("/api/v1/sessions/start")
    assert response.status_code == 201 and response.get_json()["status"] == "running"


def test_a_second_active_session_is_409_saying_so(api):
    first = api.post("/api/v1/sessions/start", json={}).get_json()
    second = api.post("/api/v1/sessions/start", json={})
    assert second.status_code == 409
    assert "already have a running session" in second.get_json()["error"]
    assert f"#{first['id']}" in second.get_json()["error"]


@pytest.mark.parametrize("body, field", [
    ({"target_minutes": "25"}, "target_minutes"),
    ({"target_minutes": 0}, "target_minutes"),
    ({"target_minutes": 10_000}, "target_minutes"),
    ({"target_minutes": True}, "target_minutes"),
    ({"target_minutes": 12.5}, "target_minutes"),
    ({"task_id": "abc"}, "task_id"),
    ({"task_id": 424242}, "task_id"),
    ({"task_id": 2**80}, "task_id"),
    ({"minutes": 25}, "minutes"),
])
def test_start_with_invalid_fields_is_422_naming_the_field(api, body, field):
    response = api.post("/api/v1/sessions/start", json=body)
    assert response.status_code == 422
    assert field in response.get_json()["fields"]
    assert db.session.query(FocusSession).count() == 0


@pytest.mark.parametrize("data, content_type", [
    ("{not json", "application/json"),
    ("[1, 2]", "application/json"),
    ('"text"', "application/json"),
    ("start_time=now", "application/x-www-form-urlencoded"),
])
def test_malformed_json_is_400(api, data, content_type):
    for path in ("/api/v1/sessions", "/api/v1/sessions/start"):
        response = api.post(path, data=data, content_type=content_type)
        assert response.status_code == 400
        assert response.get_json()["error"] == "The request body must be a JSON object."


def test_create_a_manual_session(api):
    end = utcnow() - timedelta(hours=1)
    start = end - timedelta(minutes=50)
    response = api.post("/api/v1/sessions", json={"start_time": iso(start), "end_time": iso(end), "note": "Draft"})
    assert response.status_code == 201
    body = response.get_json()
    assert (body["duration_seconds"], body["source"], body["status"], body["note"]) == (3000, "manual",
                                                                                      "completed", "Draft")
    assert (body["elapsed_seconds"], body["active_seconds"], body["idle_seconds"]) == (3000, 3000, 0)


def test_offsets_are_converted_to_utc(api):
    start = datetime(2024, 5, 1, 11, 0, tzinfo=timezone(timedelta(hours=2)))
    response = api.post("/api/v1/sessions", json={"start_time": start.isoformat(),
                                                  "end_time": (start + timedelta(minutes=30)).isoformat()})
    assert response.get_json()["start_time"] == "2024-05-01T09:00:00Z"


@pytest.mark.parametrize("body, field", [
    ({"end_time": "2024-05-01T09:00:00Z"}, "start_time"),
    ({"start_time": "2024-05-01T09:00:00Z"}, "end_time"),
    ({"start_time": "yesterday", "end_time": "2024-05-01T09:00:00Z"}, "start_time"),
    ({"start_time": "2024-05-01T08:00:00", "end_time": "2024-05-01T09:00:00Z"}, "start_time"),
    ({"start_time": 1714550400, "end_time": "2024-05-01T09:00:00Z"}, "start_time"),
    ({"start_time": "2024-05-01T10:00:00Z", "end_time": "2024-05-01T09:00:00Z"}, "end_time"),
    ({"start_time": "2024-05-01T09:00:00Z", "end_time": "2024-05-01T09:00:00Z"}, "end_time"),
    ({"start_time": "2024-05-01T09:00:00Z", "end_time": "2024-05-03T09:00:00Z"}, "end_time"),
    ({"start_time": "2999-05-01T09:00:00Z", "end_time": "2999-05-01T10:00:00Z"}, "end_time"),
    ({"start_time": "2024-05-01T08:00:00Z", "end_time": "2024-05-01T09:00:00Z", "note": 5}, "note"),
    ({"start_time": "2024-05-01T08:00:00Z", "end_time": "2024-05-01T09:00:00Z", "note": "x" * 2001}, "note"),
    ({"start_time": "2024-05-01T08:00:00Z", "end_time": "2024-05-01T09:00:00Z", "task_id": 99}, "task_id"),
    ({"start_time": "0001-01-01T00:00:00+14:00", "end_time": "2024-05-01T09:00:00Z"}, "start_time"),
])
def test_manual_session_errors_name_the_field(api, body, field):
    response = api.post("/api/v1/sessions", json=body)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["fields"]
    assert db.session.query(FocusSession).count() == 0


def test_overlapping_manual_session_is_409(api):
    body = {"start_time": "2024-05-01T08:00:00Z", "end_time": "2024-05-01T09:00:00Z"}
    assert api.post("/api/v1/sessions", json=body).status_code == 201
    assert api.post("/api/v1/sessions", json=body).status_code == 409


def test_list_by_day_and_range_in_the_persons_zone(api, alice):
    for start in ("2024-04-30T21:30:00Z", "2024-04-30T22:30:00Z", "2024-05-02T08:00:00Z"):
        moment = datetime.fromisoformat(start)
        services.create_manual(alice, start_time=moment, end_time=moment + timedelta(minutes=20))
    day = api.get("/api/v1/sessions?day=2024-05-01")  # Berlin: 2024-04-30T22:00Z .. 2024-05-01T22:00Z
    assert day.status_code == 200
    assert [s["start_time"] for s in day.get_json()["items"]] == ["2024-04-30T22:30:00Z"]
    span = api.get("/api/v1/sessions?from=2024-05-01&to=2024-05-02").get_json()["items"]
    assert [s["start_time"] for s in span] == ["2024-05-02T08:00:00Z", "2024-04-30T22:30:00Z"]
    exact = api.get("/api/v1/sessions?from=2024-04-30T21:00:00Z&to=2024-04-30T22:00:00Z").get_json()["items"]
    assert [s["start_time"] for s in exact] == ["2024-04-30T21:30:00Z"]
    assert len(api.get("/api/v1/sessions").get_json()["items"]) == 3
    assert len(api.get("/api/v1/sessions?limit=1").get_json()["items"]) == 1


@pytest.mark.parametrize("query, field", [
    ("day=2024-13-01", "day"), ("day=yesterday", "day"), ("from=2024-05-02&to=2024-05-01", "to"),
    ("from=nope", "from"), ("day=2024-05-01&from=2024-05-01", "day"), ("limit=0", "limit"),
    ("limit=abc", "limit"), ("limit=100000", "limit"), ("page=2", "page"),
])
def test_list_with_bad_filters_is_422(api, query, field):
    response = api.get(f"/api/v1/sessions?{query}")
    assert response.status_code == 422 and field in response.get_json()["fields"]


def test_get_patch_delete(api, alice):
    task = services.create_task(alice, title="Report", estimated_pomodoros=2)
    created = api.post("/api/v1/sessions", json={"start_time": "2024-05-01T08:00:00Z",
                                                 "end_time": "2024-05-01T09:00:00Z"}).get_json()
    path = f"/api/v1/sessions/{created['id']}"
    assert api.get(path).get_json() == created
    patched = api.patch(path, json={"note": "Fixed", "task_id": task.id, "end_time": "2024-05-01T08:45:00Z"})
    assert patched.status_code == 200
    assert (patched.get_json()["note"], patched.get_json()["task_id"], patched.get_json()["duration_seconds"]) == (
        "Fixed", task.id, 2700)
    assert api.patch(path, json={"task_id": None}).get_json()["task_id"] is None
    deleted = api.delete(path)
    assert deleted.status_code == 204 and deleted.data == b""
    assert api.get(path).status_code == 404


@pytest.mark.parametrize("body, status, field", [
    ({}, 422, "note"),
    ({"note": ["x"]}, 422, "note"),
    ({"end_time": "2024-05-01T07:00:00Z"}, 422, "end_time"),
    ({"start_time": None}, 422, "start_time"),
    ({"task_id": 12345}, 422, "task_id"),
    ({"colour": "red"}, 422, "colour"),
])
def test_patch_errors(api, body, status, field):
    created = api.post("/api/v1/sessions", json={"start_time": "2024-05-01T08:00:00Z",
                                                 "end_time": "2024-05-01T09:00:00Z"}).get_json()
    response = api.patch(f"/api/v1/sessions/{created['id']}", json=body)
    assert response.status_code == status and field in response.get_json()["fields"]
    assert api.get(f"/api/v1/sessions/{created['id']}").get_json() == created


def test_patching_times_of_a_running_session_is_409(api):
    running = api.post("/api/v1/sessions/start").get_json()
    response = api.patch(f"/api/v1/sessions/{running['id']}", json={"start_time": "2024-05-01T08:00:00Z"})
    assert response.status_code == 409
    assert api.delete(f"/api/v1/sessions/{running['id']}").status_code == 409


def test_anything_not_yours_is_404(api, client, make_user):
    bob = make_user("bob")
    bobs = services.create_manual(bob, start_time=datetime(2024, 5, 1, 8, tzinfo=timezone.utc),
                                  end_time=datetime(2024, 5, 1, 9, tzinfo=timezone.utc))
    for method, path, kwargs in (
        ("get", f"/api/v1/sessions/{bobs.id}", {}),
        ("patch", f"/api/v1/sessions/{bobs.id}", {"json": {"note": "mine"}}),
        ("delete", f"/api/v1/sessions/{bobs.id}", {}),
        ("post", f"/api/v1/sessions/{bobs.id}/end", {}),
        ("get", f"/api/v1/sessions/{bobs.id}/interruptions", {}),
        ("get", "/api/v1/sessions/999999", {}),
        ("get", f"/api/v1/sessions/{2**70}", {}),
        ("get", "/api/v1/sessions/abc", {}),
    ):
        response = getattr(api, method)(path, **kwargs)
        assert response.status_code == 404, (method, path)
        assert response.get_json()["error"]
    assert db.session.get(FocusSession, bobs.id).note == ""


def test_a_script_can_do_it_all(client, alice):
    """The issue's "done when", through the API alone: token, session, interruption, history, fix."""
    raw = client.post("/api/v1/auth/token", json={"login": "alice", "password": "correct horse battery",
                                                  "name": "cron"}).get_json()["token"]
    headers = {"Authorization": f"Bearer {raw}"}
    session = client.post("/api/v1/sessions/start", json={"target_minutes": 25}, headers=headers).get_json()
    interruption = client.post("/api/v1/interruptions", json={"session_id": session["id"], "type": "noise",
                                                              "description": "Drill"}, headers=headers).get_json()
    assert client.post(f"/api/v1/interruptions/{interruption['id']}/end", headers=headers).status_code == 200
    ended = client.post(f"/api/v1/sessions/{session['id']}/end", headers=headers).get_json()
    day = datetime.fromisoformat(ended["start_time"]).date()  # a day either side covers any zone
    listed = client.get(f"/api/v1/sessions?from={day - timedelta(days=1)}&to={day + timedelta(days=1)}",
                        headers=headers).get_json()
    assert [s["id"] for s in listed["items"]] == [session["id"]] and listed["next"] is None
    fixed = client.patch(f"/api/v1/sessions/{session['id']}", json={"note": "Noisy neighbours"},
                         headers=headers).get_json()
    assert fixed["note"] == "Noisy neighbours" and fixed["status"] in ("completed", "ended_early")
    interruptions = client.get(f"/api/v1/sessions/{session['id']}/interruptions", headers=headers).get_json()["items"]
    assert [(i["type"], i["description"]) for i in interruptions] == [("noise", "Drill")]
