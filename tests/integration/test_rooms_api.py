"""GET /api/v1/rooms/<CODE>: the timer and participants as JSON, private rooms hidden."""
from datetime import datetime

import pytest

from webapp.models import utcnow
from webapp.rooms import presence, services
from webapp.rooms import views as room_views


@pytest.fixture
def own_statuses(app, monkeypatch):
    """Only the statuses rooms computes itself (tracking's figures are tested by tracking)."""
    monkeypatch.setattr(room_views, "FIGURE_SOURCES", [lambda room, people, now: {}])


def test_a_public_room_is_readable_by_anyone(own_statuses, client, make_user, make_room):
    host = make_user("host", display_name="Hana")
    room = make_room(host, name="Deep work", is_public=True, work_minutes=50, rounds=None)
    presence.connect(room, host.id, utcnow())
    services.control(room, host, "start", utcnow())
    response = client.get(f"/api/v1/rooms/{room.code.lower()}")
    assert response.status_code == 200
    body = response.get_json()
    assert {k: body[k] for k in ("code", "name", "status", "phase", "round", "rounds", "is_public")} == {
        "code": room.code, "name": "Deep work", "status": "running", "phase": "work", "round": 1,
        "rounds": None, "is_public": True}
    assert (body["work_minutes"], body["short_break_minutes"], body["long_break_minutes"]) == (50, 5, 15)
    assert 2990 < body["remaining_seconds"] <= 3000
    assert datetime.fromisoformat(body["phase_ends_at"]) == room.phase_ends_at
    assert body["participants"] == [{"name": "Hana", "status": "focusing", "is_host": True}]


def test_phase_ends_at_is_null_unless_running(own_statuses, client, make_user, make_room):
    host = make_user("host")
    room = make_room(host, is_public=True)
    body = client.get(f"/api/v1/rooms/{room.code}").get_json()
    assert (body["status"], body["phase_ends_at"], body["remaining_seconds"]) == ("idle", None, 1500)
    assert body["participants"] == [{"name": "Host", "status": "left", "is_host": True}]


def test_a_private_room_is_404_for_outsiders_and_readable_by_participants(client, auth, bearer, make_user, make_room):
    host = make_user("host")
    room = make_room(host)
    outsider = make_user("outsider")
    assert client.get(f"/api/v1/rooms/{room.code}").status_code == 404
    response = bearer(outsider).get(f"/api/v1/rooms/{room.code}")
    assert response.status_code == 404 and response.get_json() == {"error": f"No room has the code {room.code}."}
    assert bearer(host).get(f"/api/v1/rooms/{room.code}").status_code == 200
    auth.login("host")
    assert client.get(f"/api/v1/rooms/{room.code}").status_code == 200


def test_an_unknown_code_is_a_json_404(client):
    response = client.get("/api/v1/rooms/ZZZZZZ")
    assert response.status_code == 404 and response.get_json() == {"error": "No room has the code ZZZZZZ."}


def test_participants_carry_the_tracking_figures(client, make_user, make_room, monkeypatch):
    host = make_user("host")
    room = make_room(host, is_public=True)
    presence.connect(room, host.id, utcnow())
    monkeypatch.setattr(room_views, "FIGURE_SOURCES",
                        [lambda room, people, now: {p.id: {"status": "idle", "focus_score": 71, "idle_seconds": 40,
                                                           "elapsed_seconds": 60, "active_seconds": 20,
                                                           "tab_switches": 1, "active_share": 0.33} for p in people}])
    body = client.get(f"/api/v1/rooms/{room.code}").get_json()
    assert body["participants"] == [{"name": "Host", "status": "idle", "is_host": True, "focus_score": 71,
                                     "idle_seconds": 40, "elapsed_seconds": 60, "active_seconds": 20,
                                     "tab_switches": 1, "active_share": 0.33}]
