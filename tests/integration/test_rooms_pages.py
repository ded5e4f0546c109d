"""Rooms over HTTP: creating, joining (accounts and guests), host controls, personal pause."""
import re

import pytest
from sqlalchemy import select

from tests.conftest import csrf_token_from
from webapp.extensions import db
from webapp.models import ROOM_CODE_ALPHABET, Participant, Room

VALID = {"name": "Morning sprint", "work_minutes": "25", "short_break_minutes": "5",
         "long_break_minutes": "15", "long_break_every": "4", "rounds": "4",
         "auto_start_breaks": "y", "max_participants": "50"}


def create(client, **changes):
    token = csrf_token_from(client.get("/rooms/new").get_data(as_text=True))
    data = {**VALID, **changes, "csrf_token": token}
    return client.post("/rooms/new", data={k: v for k, v in data.items() if v is not None})


def become_guest(client, name="Gus", next_path="/"):
    token = csrf_token_from(client.get(f"/guest?next={next_path}").get_data(as_text=True))
    return client.post(f"/guest?next={next_path}", data={"display_name": name, "csrf_token": token})


def page_token(client, path):
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'"X-CSRFToken": "([^"]+)"', html)
    return match.group(1)


def test_new_room_form_shows_the_defaults(client, auth, make_user):
    make_user("host")
    auth.login("host")
    html = client.get("/rooms/new").get_data(as_text=True)
    for name, value in [("work_minutes", 25), ("short_break_minutes", 5), ("long_break_minutes", 15),
                        ("long_break_every", 4), ("rounds", 4), ("max_participants", 50)]:
        assert re.search(rf'name="{name}"[^>]*value="{value}"', html), name
    checked = {name: " checked" in re.search(rf'<input[^>]*id="{name}"[^>]*>', html).group(0)
               for name in ("auto_start_breaks", "auto_start_work", "is_public", "until_stopped")}
    assert checked == {"auto_start_breaks": True, "auto_start_work": False, "is_public": False,
                       "until_stopped": False}


def test_creating_a_room_makes_the_creator_its_host(client, auth, make_user):
    host = make_user("host")
    auth.login("host")
    response = create(client, is_public="y", auto_start_work="y")
    assert response.status_code == 302
    code = response.headers["Location"].rsplit("/", 1)[1]
    room = db.session.execute(select(Room).where(Room.code == code)).scalar_one()
    assert len(code) == 6 and set(code) <= set(ROOM_CODE_ALPHABET)
    assert (room.host_id, room.work_minutes, room.rounds, room.is_public) == (host.id, 25, 4, True)
    assert room.auto_start_breaks and room.auto_start_work
    assert (room.status, room.phase, room.round, room.remaining_seconds) == ("idle", "work", 1, 1500)
    assert [p.user_id for p in room.participants] == [host.id]
    page = client.get(f"/r/{code}").get_data(as_text=True)
    assert f'id="room-{code}-timer"' in page and "25:00" in page and "Start work" in page


@pytest.mark.parametrize("field, value, message", [
    ("name", "", "Give the room a name."),
    ("work_minutes", "0", "between 1 and 180"),
    ("work_minutes", "181", "between 1 and 180"),
    ("work_minutes", "abc", "Not a valid integer"),
    ("short_break_minutes", "61", "between 1 and 60"),
    ("long_break_every", "0", "between 1 and 12"),
    ("rounds", "", "keep going until stopped"),
    ("max_participants", "1", "between 2 and 1000"),
])
def test_invalid_settings_are_explained_next_to_their_field(client, auth, make_user, field, value, message):
    make_user("host")
    auth.login("host")
    response = create(client, **{field: value})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    error = re.search(rf'<small id="{field}-error" class="field-error">([^<]*)</small>', html)
    assert error and message.lower() in error.group(1).lower()
    assert db.session.execute(select(Room)).first() is None


def test_until_stopped_means_no_round_limit(client, auth, make_user):
    make_user("host")
    auth.login("host")
    create(client, rounds="", until_stopped="y")
    assert db.session.execute(select(Room.rounds)).scalar_one() is None


def test_creating_needs_an_account_or_guest_and_a_csrf_token(client, auth, make_user):
    assert client.get("/rooms/new").status_code == 302
    make_user("host")
    auth.login("host")
    assert client.post("/rooms/new", data=VALID).status_code == 400


def test_codes_are_accepted_in_any_case(client, auth, make_user, make_room):
    host = make_user("host")
    room = make_room(host)
    auth.login("host")
    response = client.get(f"/r/{room.code.lower()}")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/r/{room.code}")
    response = client.get(f"/rooms/join?code={room.code.lower()[:3]}-{room.code.lower()[3:]}")
    assert response.headers["Location"].endswith(f"/r/{room.code}")


def test_unknown_code_says_no_room_has_it(client, auth, make_user):
    make_user("someone")
    auth.login("someone")
    response = client.get("/r/ABCDEF")
    assert response.status_code == 404
    assert "No room has the code ABCDEF" in response.get_data(as_text=True)
    box = client.get("/rooms/join?code=abcdef")
    assert box.status_code == 404 and "No room has the code ABCDEF" in box.get_data(as_text=True)
    malformed = client.get("/rooms/join?code=00")
    assert malformed.status_code == 422 and 'id="code-error"' in malformed.get_data(as_text=True)


def test_archived_codes_are_gone(client, auth, make_user, make_room):
    host = make_user("host")
    room = make_room(host)
    room.archived_at = room.created_at
    db.session.commit()
    auth.login("host")
    assert client.get(f"/r/{room.code}").status_code == 404


def test_an_anonymous_visitor_becomes_a_guest_then_joins(client, make_user, make_room):
    room = make_room(make_user("host"))
    response = client.get(f"/r/{room.code}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/guest?next=/r/{room.code}")
    response = become_guest(client, "Gus", f"/r/{room.code}")
    assert response.headers["Location"] == f"/r/{room.code}"
    join_page = client.get(f"/r/{room.code}").get_data(as_text=True)
    assert "Join the room" in join_page and "Gus" in join_page
    token = csrf_token_from(join_page)
    response = client.post(f"/r/{room.code}/join", data={"csrf_token": token})
    assert response.status_code == 302
    page = client.get(f"/r/{room.code}").get_data(as_text=True)
    assert f'ws-connect="/r/{room.code}/ws"' in page
    assert "Start work" not in page  # the guest has no controls
    names = db.session.execute(select(Participant).where(Participant.room_id == room.id)).scalars()
    assert sorted(p.user.name for p in names) == ["Gus", "Host"]


def test_joining_needs_a_post_with_a_token(client, make_user, make_room, signed_in):
    room = make_room(make_user("host"))
    other = signed_in(make_user("visitor"))
    assert other.post(f"/r/{room.code}/join").status_code == 400
    assert len(db.session.get(Room, room.id).participants) == 1


def test_a_full_room_says_it_is_full(client, make_user, make_room, signed_in):
    room = make_room(make_user("host"), max_participants=2)
    second = signed_in(make_user("second"))
    second.post(f"/r/{room.code}/join", data={"csrf_token": csrf_token_from(second.get(f"/r/{room.code}").get_data(as_text=True))})
    third = signed_in(make_user("third"))
    page = third.get(f"/r/{room.code}").get_data(as_text=True)
    assert "This room is full (2 people)" in page and "Join the room" not in page
    response = third.post(f"/r/{room.code}/join", data={"csrf_token": csrf_token_from(page)})
    assert response.status_code == 409 and "full" in response.get_data(as_text=True)


def test_only_the_host_controls_the_timer(client, make_user, make_room, signed_in):
    host = make_user("host")
    room = make_room(host)
    host_client = signed_in(host)
    guest_client = signed_in(make_user("guest1"))
    guest_client.post(f"/r/{room.code}/join", data={"csrf_token": csrf_token_from(guest_client.get(f"/r/{room.code}").get_data(as_text=True))})
    guest_token = page_token(guest_client, f"/r/{room.code}")
    for action in ("start", "pause", "resume", "skip", "reset", "end"):
        response = guest_client.post(f"/r/{room.code}/control/{action}",
                                     headers={"X-CSRFToken": guest_token, "HX-Request": "true"})
        assert response.status_code == 403, action
        assert "Only the host" in response.get_data(as_text=True)
    assert db.session.get(Room, room.id).status == "idle"
    token = page_token(host_client, f"/r/{room.code}")
    assert host_client.post(f"/r/{room.code}/control/start").status_code == 400  # no CSRF token
    response = host_client.post(f"/r/{room.code}/control/start", headers={"X-CSRFToken": token})
    assert response.status_code == 200 and "Pause" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Room, room.id).status == "running"
    again = host_client.post(f"/r/{room.code}/control/start", headers={"X-CSRFToken": token})
    assert again.status_code == 409 and "already running" in again.get_data(as_text=True)
    assert host_client.post(f"/r/{room.code}/control/explode", headers={"X-CSRFToken": token}).status_code == 404


def test_a_participant_pauses_only_themselves(client, make_user, make_room, signed_in):
    host = make_user("host")
    room = make_room(host)
    host_client = signed_in(host)
    token = page_token(host_client, f"/r/{room.code}")
    response = host_client.post(f"/r/{room.code}/me/pause", headers={"X-CSRFToken": token})
    assert response.status_code == 200 and "I'm back" in response.get_data(as_text=True)
    db.session.expire_all()
    room = db.session.get(Room, room.id)
    assert room.participants[0].is_paused and room.status == "idle"
    host_client.post(f"/r/{room.code}/me/resume", headers={"X-CSRFToken": token})
    db.session.expire_all()
    assert not db.session.get(Room, room.id).participants[0].is_paused


def test_leaving_hands_the_host_role_over(client, make_user, make_room, signed_in):
    host = make_user("host")
    room = make_room(host)
    other = make_user("other")
    other_client = signed_in(other)
    other_client.post(f"/r/{room.code}/join", data={"csrf_token": csrf_token_from(other_client.get(f"/r/{room.code}").get_data(as_text=True))})
    db.session.execute(Participant.__table__.update().values(connections=1))
    db.session.commit()
    host_client = signed_in(host)
    token = csrf_token_from(host_client.get(f"/r/{room.code}").get_data(as_text=True))
    response = host_client.post(f"/r/{room.code}/leave", data={"csrf_token": token})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Room, room.id).host_id == other.id
    assert "Start work" in other_client.get(f"/r/{room.code}").get_data(as_text=True)


def test_home_page_has_the_join_box_next_to_the_sign_up(client):
    html = client.get("/").get_data(as_text=True)
    # One row: visitors need an account to create a room, so the row offers that, and a code box.
    assert 'action="/rooms/join"' in html and 'href="/register"' in html
