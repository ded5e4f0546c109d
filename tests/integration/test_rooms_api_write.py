"""Rooms over REST: create, change, close, join, leave and control with a bearer token, under the
create form's rules and the API's status codes (SQLite, and PostgreSQL when configured)."""
import pytest
from sqlalchemy import select

from webapp.extensions import db
from webapp.models import Participant, Room
from webapp.rooms import views as room_views


@pytest.fixture(autouse=True)
def own_statuses(app, monkeypatch):
    """Only the statuses rooms computes itself (tracking's figures are tested by tracking)."""
    monkeypatch.setattr(room_views, "FIGURE_SOURCES", [lambda room, people, now: {}])


def test_creating_a_room_takes_the_forms_fields_and_defaults(bearer, make_user):
    host = make_user("host", display_name="Hana")
    response = bearer(host).post("/api/v1/rooms", json={"name": "  Deep work ", "work_minutes": 50,
                                                        "until_stopped": True, "is_public": True})
    assert response.status_code == 201
    body = response.get_json()
    assert (body["name"], body["work_minutes"], body["short_break_minutes"], body["rounds"], body["is_public"]) == (
        "Deep work", 50, 5, None, True)
    assert body["status"] == "idle" and body["participants"][0]["is_host"] is True
    room = db.session.execute(select(Room).where(Room.code == body["code"])).scalar_one()
    assert room.host_id == host.id and room.auto_start_breaks is True and room.max_participants == 50


@pytest.mark.parametrize("body, field", [
    ({}, "name"),
    ({"name": "x", "work_minutes": 0}, "work_minutes"),
    ({"name": "x", "work_minutes": "soon"}, "work_minutes"),
    ({"name": "x", "rounds": None}, "rounds"),
    ({"name": "x", "colour": "blue"}, "colour"),
    ({"name": "x", "max_participants": [3]}, "max_participants"),
    ({"name": "\u200b "}, "name"),
])
def test_an_invalid_room_is_a_422_naming_the_field_and_creates_nothing(bearer, make_user, body, field):
    response = bearer(make_user("host")).post("/api/v1/rooms", json=body)
    assert response.status_code == 422
    assert field in response.get_json()["fields"]
    assert db.session.execute(select(Room)).first() is None


def test_an_unreadable_body_is_a_400_and_no_token_a_401(bearer, client, make_user):
    api = bearer(make_user("host"))
    assert api.post("/api/v1/rooms", data="{nope", content_type="application/json").status_code == 400
    assert api.post("/api/v1/rooms", json=[1, 2]).status_code == 400
    assert client.post("/api/v1/rooms", json={"name": "x"}).status_code == 401


def test_the_host_changes_settings_between_phases_only(bearer, make_user, make_room):
    host, guest = make_user("host"), make_user("guest")
    room = make_room(host, is_public=True)
    api = bearer(host)
    response = api.patch(f"/api/v1/rooms/{room.code}", json={"name": "Renamed", "short_break_minutes": 7})
    assert response.status_code == 200
    body = response.get_json()
    assert (body["name"], body["short_break_minutes"], body["work_minutes"]) == ("Renamed", 7, 25)
    assert api.patch(f"/api/v1/rooms/{room.code}", json={"work_minutes": 500}).status_code == 422
    assert api.patch(f"/api/v1/rooms/{room.code}", json={}).status_code == 422
    assert api.patch(f"/api/v1/rooms/{room.code}", json={"rounds": 3}).status_code == 422  # not editable
    assert bearer(guest).patch(f"/api/v1/rooms/{room.code}", json={"name": "Mine"}).status_code == 403
    assert api.post(f"/api/v1/rooms/{room.code}/control/start").status_code == 200
    refused = api.patch(f"/api/v1/rooms/{room.code}", json={"name": "Mid-phase"})
    assert refused.status_code == 409 and "between phases" in refused.get_json()["error"]


def test_join_leave_and_the_hosts_controls(bearer, make_user, make_room):
    host, guest = make_user("host"), make_user("guest", display_name="Gus")
    room = make_room(host)  # private: the code is the invitation
    as_guest = bearer(guest)
    assert as_guest.get(f"/api/v1/rooms/{room.code}").status_code == 404
    joined = as_guest.post(f"/api/v1/rooms/{room.code.lower()}/join")
    assert joined.status_code == 200
    assert as_guest.post(f"/api/v1/rooms/{room.code}/control/start").status_code == 403
    started = bearer(host).post(f"/api/v1/rooms/{room.code}/control/start")
    assert started.status_code == 200 and started.get_json()["status"] == "running"
    assert bearer(host).post(f"/api/v1/rooms/{room.code}/control/start").status_code == 409
    assert bearer(host).post(f"/api/v1/rooms/{room.code}/control/launch").status_code == 404
    assert bearer(host).post(f"/api/v1/rooms/{room.code}/control/pause").get_json()["status"] == "paused"
    assert as_guest.post(f"/api/v1/rooms/{room.code}/leave").status_code == 204
    me = db.session.execute(select(Participant).where(Participant.user_id == guest.id)).scalar_one()
    assert me.left_at is not None


def test_a_full_room_is_a_409_and_an_unknown_code_a_404(bearer, make_user, make_room):
    room = make_room(make_user("host"), max_participants=2)
    assert bearer(make_user("second")).post(f"/api/v1/rooms/{room.code}/join").status_code == 200
    full = bearer(make_user("third")).post(f"/api/v1/rooms/{room.code}/join")
    assert full.status_code == 409 and "full" in full.get_json()["error"]
    assert bearer(make_user("fourth")).post("/api/v1/rooms/ZZZZZZ/join").status_code == 404


def test_closing_a_room_is_for_its_host_and_frees_the_code(bearer, make_user, make_room):
    host, guest = make_user("host"), make_user("guest")
    room = make_room(host, is_public=True)
    bearer(guest).post(f"/api/v1/rooms/{room.code}/join")
    bearer(host).post(f"/api/v1/rooms/{room.code}/control/start")
    assert bearer(guest).delete(f"/api/v1/rooms/{room.code}").status_code == 403
    assert bearer(host).delete(f"/api/v1/rooms/{room.code}").status_code == 204
    stored = db.session.get(Room, room.id)
    assert stored.archived_at is not None and stored.status == "completed"
    assert bearer(host).get(f"/api/v1/rooms/{room.code}").status_code == 404


def test_the_directory_lists_a_room_made_over_the_api(bearer, client, make_user):
    code = bearer(make_user("host")).post("/api/v1/rooms", json={"name": "Open sprint", "is_public": True}).get_json()["code"]
    listing = client.get("/api/v1/rooms?q=sprint").get_json()
    assert [item["code"] for item in listing["items"]] == [code] and listing["next"] is None
