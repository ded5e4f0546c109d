"""Hostile input a person can send, answered with a clear 4xx or cleaned before it is stored."""
from datetime import timedelta

import pytest

from tests.conftest import csrf_token_from
from webapp.extensions import db
from webapp.models import ApiToken, FocusSession, Room, Task, User, utcnow

DEEP = "[" * 100_000 + "]" * 100_000


@pytest.mark.parametrize("path", ["/api/v1/auth/token", "/api/v1/sessions", "/api/v1/sessions/start"])
@pytest.mark.parametrize("body, words", [(DEEP, "nested too deeply"),
                                         ('{"login": "\\ud800", "note": "\\ud800"}', "lone surrogate")])
def test_unacceptable_json_bodies_are_400_with_the_reason(client, make_user, bearer, path, body, words):
    api = bearer(make_user("alice"))
    response = api.post(path, data=body, content_type="application/json")
    assert response.status_code == 400
    assert words in response.get_json()["error"]
    assert db.session.query(FocusSession).count() == 0


def test_json_sent_to_an_html_form_is_refused_not_a_crash(client, auth, make_user):
    make_user("alice")
    auth.login("alice")
    token = auth.token("/tasks")
    for body in ("12", "[1, 2]", "{not json", DEEP):
        response = client.post("/tasks", data=body, content_type="application/json", headers={"X-CSRFToken": token})
        assert response.status_code == 422
    assert db.session.query(Task).count() == 0


def test_api_text_is_cleaned_before_it_is_stored(make_user, bearer):
    api = bearer(make_user("alice"))
    start = (utcnow() - timedelta(hours=2)).replace(microsecond=0)
    response = api.post("/api/v1/sessions", json={
        "start_time": start.isoformat(), "end_time": (start + timedelta(minutes=25)).isoformat(),
        "note": "draft\x00 one\r\n\u202eline two\x85"})
    assert response.status_code == 201
    assert response.get_json()["note"] == "draft one\nline two"


def test_api_display_name_of_invisible_characters_is_422(make_user, bearer):
    user = make_user("alice")
    response = bearer(user).patch("/api/v1/me", json={"display_name": "\u200b\u200d\ufeff"})
    assert response.status_code == 422
    assert "visible" in response.get_json()["fields"]["display_name"]
    assert db.session.get(User, user.id).display_name == "Alice"


def test_api_token_login_with_nul_is_a_plain_401(client, make_user):
    make_user("alice")
    response = client.post("/api/v1/auth/token", json={"login": "ali\x00ce\x00", "password": "nope nope"})
    assert response.status_code == 401
    assert db.session.query(ApiToken).count() == 0


def test_room_name_loses_control_and_bidi_characters(client, auth, make_user):
    make_user("alice")
    auth.login("alice")
    token = auth.token("/rooms/new")
    response = client.post("/rooms/new", data={
        "name": "\u202eMorning\x00 sprint\t", "work_minutes": 25, "short_break_minutes": 5,
        "long_break_minutes": 15, "long_break_every": 4, "rounds": 4, "max_participants": 10, "csrf_token": token})
    assert response.status_code == 302
    assert db.session.query(Room).one().name == "Morning sprint"


@pytest.mark.parametrize("path, field, extra", [
    ("/rooms/new", "name", {"work_minutes": 25, "short_break_minutes": 5, "long_break_minutes": 15,
                            "long_break_every": 4, "rounds": 4, "max_participants": 10}),
    ("/tasks", "title", {"estimated_pomodoros": 1}),
])
def test_names_made_only_of_invisible_characters_are_refused(client, auth, make_user, path, field, extra):
    make_user("alice")
    auth.login("alice")
    token = auth.token(path)
    response = client.post(path, data={field: "\u200b\u200c\u3164", **extra, "csrf_token": token})
    assert response.status_code == 422
    assert "visible" in response.get_data(as_text=True)
    assert db.session.query(Room).count() == 0 and db.session.query(Task).count() == 0


def test_guest_name_of_zero_width_spaces_is_refused(client):
    token = csrf_token_from(client.get("/guest").get_data(as_text=True))
    response = client.post("/guest", data={"display_name": "\u200b\u200b", "csrf_token": token})
    assert response.status_code == 422
    assert "visible" in response.get_data(as_text=True)
    assert db.session.query(User).count() == 0


def test_bio_keeps_its_lines_and_loses_the_rest(client, auth, make_user):
    user = make_user("alice")
    auth.login("alice")
    token = auth.token("/settings")
    response = client.post("/settings", data={
        "profile-display_name": "Ali\x00ce\u2067", "profile-bio": "line one\r\nline\x00 two\u202e",
        "profile-timezone": "UTC", "profile-submit": "Save", "csrf_token": token})
    assert response.status_code == 302
    stored = db.session.get(User, user.id)
    assert (stored.display_name, stored.bio) == ("Alice", "line one\nline two")


@pytest.mark.parametrize("path", ["/rooms?page=99999999999999999999", "/rooms?page=-5", "/rooms?q=%00",
                                  "/history?before=99999999999999999999999_1", "/history?before=1_99999999999999999999",
                                  "/history?day=9999-12-31", "/history?from=0001-01-01&to=9999-12-31",
                                  "/u/a%00b", "/r/AB%00CD"])
def test_huge_numbers_and_odd_characters_in_urls_are_never_a_500(client, auth, make_user, path):
    make_user("alice", timezone="Pacific/Kiritimati")
    auth.login("alice")
    assert client.get(path).status_code in (200, 400, 404)


def test_a_token_id_past_64_bits_is_a_404(client, auth, make_user):
    make_user("alice")
    auth.login("alice")
    token = auth.token("/settings")
    response = client.post(f"/settings/tokens/{2**64}/revoke", data={"csrf_token": token})
    assert response.status_code == 404
