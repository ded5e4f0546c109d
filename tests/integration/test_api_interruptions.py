"""API v1 interruptions: live and afterwards, "I'm back", edits, deletes, every error code."""
from datetime import datetime, timezone

import pytest

from webapp.extensions import db
from webapp.focus import services
from webapp.models import Interruption

UTC = timezone.utc


@pytest.fixture
def alice(make_user):
    return make_user("alice")


@pytest.fixture
def api(bearer, alice):
    return bearer(alice)


@pytest.fixture
def ended(alice):
    return services.create_manual(alice, start_time=datetime(2024, 5, 1, 8, tzinfo=UTC),
                                  end_time=datetime(2024, 5, 1, 9, tzinfo=UTC))


def test_live_interruption_and_im_back(api):
    session = api.post("/api/v1/sessions/start").get_json()
    created = api.post("/api/v1/interruptions", json={"session_id": session["id"], "type": "phone",
                                                      "description": "Call"})
    assert created.status_code == 201
    body = created.get_json()
    assert set(body) == {"id", "session_id", "type", "description", "start_time", "end_time", "duration"}
    assert (body["type"], body["end_time"], body["duration"]) == ("phone", None, None)
    busy = api.post("/api/v1/interruptions", json={"session_id": session["id"], "type": "noise"})
    assert busy.status_code == 409 and "I'm back" in busy.get_json()["error"]
    back = api.post(f"/api/v1/interruptions/{body['id']}/end")
    ended_body = back.get_json()
    assert back.status_code == 200 and ended_body["end_time"]
    # The duration is the span it lasted (a loaded machine may take a second between the calls).
    span = datetime.fromisoformat(ended_body["end_time"]) - datetime.fromisoformat(ended_body["start_time"])
    assert abs(ended_body["duration"] - span.total_seconds()) <= 1 and 0 <= ended_body["duration"] < 60
    assert api.post(f"/api/v1/interruptions/{body['id']}/end").status_code == 409
    listed = api.get(f"/api/v1/sessions/{session['id']}/interruptions").get_json()["items"]
    assert [i["id"] for i in listed] == [body["id"]]


def test_live_logging_in_an_ended_session_is_409(api, ended):
    response = api.post("/api/v1/interruptions", json={"session_id": ended.id, "type": "phone"})
    assert response.status_code == 409 and "active session" in response.get_json()["error"]


def test_entered_afterwards(api, ended):
    response = api.post("/api/v1/interruptions", json={
        "session_id": ended.id, "type": "family", "start_time": "2024-05-01T08:10:00Z",
        "end_time": "2024-05-01T08:14:30Z"})
    assert response.status_code == 201 and response.get_json()["duration"] == 270
    assert api.get(f"/api/v1/sessions/{ended.id}").get_json()["idle_seconds"] == 270


@pytest.mark.parametrize("body, field", [
    ({"type": "phone"}, "session_id"),
    ({"session_id": "1", "type": "phone"}, "session_id"),
    ({"session_id": None, "type": "phone"}, "session_id"),
    ({"type": "bored"}, "type"),
    ({"type": None}, "type"),
    ({"type": 7}, "type"),
    ({"type": "phone", "description": 7}, "description"),
    ({"type": "phone", "description": "x" * 501, "start_time": "2024-05-01T08:10:00Z",
      "end_time": "2024-05-01T08:11:00Z"}, "description"),
    ({"type": "phone", "start_time": "8:10", "end_time": "2024-05-01T08:11:00Z"}, "start_time"),
    ({"type": "phone", "end_time": "2024-05-01T08:11:00Z"}, "start_time"),
    ({"type": "phone", "start_time": "2024-05-01T08:10:00Z"}, "end_time"),
    ({"type": "phone", "start_time": "2024-05-01T08:20:00Z", "end_time": "2024-05-01T08:10:00Z"}, "end_time"),
    ({"type": "phone", "start_time": "2024-05-01T07:50:00Z", "end_time": "2024-05-01T08:10:00Z"}, "start_time"),
    ({"type": "phone", "start_time": "2024-05-01T08:50:00Z", "end_time": "2024-05-01T09:10:00Z"}, "end_time"),
    ({"type": "phone", "mood": "bad"}, "mood"),
])
def test_invalid_fields_are_422_and_write_nothing(api, ended, body, field):
    body = {"session_id": ended.id, **body} if "session_id" not in body and field != "session_id" else body
    response = api.post("/api/v1/interruptions", json=body)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["fields"]
    assert db.session.query(Interruption).count() == 0


def test_malformed_json_is_400(api):
    response = api.post("/api/v1/interruptions", data="{", content_type="application/json")
    assert response.status_code == 400


def test_patch_and_delete(api, ended):
    created = api.post("/api/v1/interruptions", json={
        "session_id": ended.id, "type": "unknown", "start_time": "2024-05-01T08:10:00Z",
        "end_time": "2024-05-01T08:12:00Z"}).get_json()
    path = f"/api/v1/interruptions/{created['id']}"
    patched = api.patch(path, json={"type": "noise", "description": "Drill", "end_time": "2024-05-01T08:20:00Z"})
    assert patched.status_code == 200
    assert (patched.get_json()["type"], patched.get_json()["description"], patched.get_json()["duration"]) == (
        "noise", "Drill", 600)
    for body, field in (({"type": "x"}, "type"), ({"end_time": "2024-05-01T10:00:00Z"}, "end_time"), ({}, "type"),
                        ({"start_time": "bad"}, "start_time")):
        response = api.patch(path, json=body)
        assert response.status_code == 422 and field in response.get_json()["fields"]
    assert api.get(path).get_json() == patched.get_json()
    assert api.delete(path).status_code == 204
    assert api.get(path).status_code == 404


def test_anything_not_yours_is_404(api, make_user):
    bob = make_user("bob")
    bobs_session = services.create_manual(bob, start_time=datetime(2024, 5, 1, 8, tzinfo=UTC),
                                          end_time=datetime(2024, 5, 1, 9, tzinfo=UTC))
    bobs = services.log_interruption(bob, bobs_session.id, type="phone",
                                     start_time=datetime(2024, 5, 1, 8, 5, tzinfo=UTC),
                                     end_time=datetime(2024, 5, 1, 8, 6, tzinfo=UTC))
    attempts = [
        api.post("/api/v1/interruptions", json={"session_id": bobs_session.id, "type": "phone",
                                                "start_time": "2024-05-01T08:10:00Z",
                                                "end_time": "2024-05-01T08:11:00Z"}),
        api.post("/api/v1/interruptions", json={"session_id": 987654, "type": "phone"}),
        api.get(f"/api/v1/interruptions/{bobs.id}"),
        api.patch(f"/api/v1/interruptions/{bobs.id}", json={"type": "self"}),
        api.delete(f"/api/v1/interruptions/{bobs.id}"),
        api.post(f"/api/v1/interruptions/{bobs.id}/end"),
    ]
    assert [r.status_code for r in attempts] == [404] * len(attempts)
    db.session.expire_all()
    assert db.session.get(Interruption, bobs.id).type == "phone"
    assert db.session.query(Interruption).count() == 1


def test_no_token_is_401(client):
    assert client.post("/api/v1/interruptions", json={"session_id": 1, "type": "phone"}).status_code == 401
