"""Rooms over HTTP: creating, joining (accounts and guests), host controls, personal pause."""
import re

import pytest
from sqlalchemy import select

from tests.conftest import csrf_token_from
from webapp.extensions import db
from webapp.rooms import services
from webapp.models import ROOM_CODE_ALPHABET, Participant, Room, User

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
    html = client.get(path, follow_redirects=True).get_data(as_text=True)
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


def test_a_visitor_from_a_link_types_a_name_and_is_in(client, make_user, make_room):
    room = make_room(make_user("host", display_name="Hanna"))
    page = client.get(f"/r/{room.code}").get_data(as_text=True)
    # One step: the invitation itself asks for the name; there is no second "Join" page.
    assert "Your name" in page and "Join the room" in page and "Hosted by <strong>Hanna</strong>" in page
    assert "25 min focus · 5 min breaks · 4 rounds" in page
    response = client.post(f"/r/{room.code}/join", data={"display_name": "Gus", "timezone": "Europe/Rome",
                                                         "csrf_token": csrf_token_from(page)})
    assert response.status_code == 302 and response.headers["Location"] == f"/r/{room.code}"
    page = client.get(f"/r/{room.code}").get_data(as_text=True)
    assert f'ws-connect="/r/{room.code}/ws"' in page
    assert "Start work" not in page  # the guest has no controls
    names = db.session.execute(select(Participant).where(Participant.room_id == room.id)).scalars()
    assert sorted((p.user.name, p.user.is_guest) for p in names) == [("Gus", True), ("Hanna", False)]


def test_a_guest_who_already_has_a_name_joins_with_one_click(client, make_user, make_room):
    room = make_room(make_user("host"))
    become_guest(client, "Gus", "/")
    join_page = client.get(f"/r/{room.code}").get_data(as_text=True)
    assert "Join the room" in join_page and "Gus" in join_page and "Your name" not in join_page
    response = client.post(f"/r/{room.code}/join", data={"csrf_token": csrf_token_from(join_page)})
    assert response.status_code == 302
    assert len(db.session.get(Room, room.id).participants) == 2


@pytest.mark.parametrize("name", ["", "   ", "\u200b\u200b", "x" * 51])
def test_a_bad_guest_name_is_explained_and_creates_nobody(client, make_user, make_room, name):
    room = make_room(make_user("host"))
    token = csrf_token_from(client.get(f"/r/{room.code}").get_data(as_text=True))
    response = client.post(f"/r/{room.code}/join", data={"display_name": name, "csrf_token": token})
    assert response.status_code == 422 and 'id="display_name-error"' in response.get_data(as_text=True)
    assert db.session.query(User).count() == 1 and len(db.session.get(Room, room.id).participants) == 1


def test_a_full_room_turns_a_visitor_away_without_making_a_guest(client, make_user, make_room):
    room = make_room(make_user("host"), max_participants=2)
    room.participants[0].connections = 1
    other = make_user("other")
    db.session.add(Participant(room_id=room.id, user_id=other.id, connections=1))
    db.session.commit()
    page = client.get(f"/r/{room.code}").get_data(as_text=True)
    assert "This room is full (2 people)" in page
    token = re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)  # a full room shows no form
    response = client.post(f"/r/{room.code}/join", data={"display_name": "Gus", "csrf_token": token})
    assert response.status_code == 409 and db.session.query(User).count() == 2


def test_opening_a_link_changes_nothing(client, make_user, make_room):
    room = make_room(make_user("host"))
    for _ in range(2):
        assert client.get(f"/r/{room.code}").status_code == 200
    assert db.session.query(User).count() == 1 and len(db.session.get(Room, room.id).participants) == 1


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
    # A host is asked first, and told who takes over; asking changes nothing.
    response = host_client.post(f"/r/{room.code}/leave", data={"csrf_token": token})
    assert response.status_code == 303 and response.headers["Location"] == f"/r/{room.code}/leave"
    confirm = host_client.get(f"/r/{room.code}/leave").get_data(as_text=True)
    assert "<strong>Other</strong> takes over the timer when you leave" in confirm
    db.session.expire_all()
    assert db.session.get(Room, room.id).host_id == host.id
    response = host_client.post(f"/r/{room.code}/leave", data={"csrf_token": csrf_token_from(confirm),
                                                              "confirmed": "yes"})
    assert response.status_code == 302 and response.headers["Location"] == "/today"
    db.session.expire_all()
    assert db.session.get(Room, room.id).host_id == other.id
    assert "Start work" in other_client.get(f"/r/{room.code}").get_data(as_text=True)


def test_home_page_has_the_join_box_next_to_the_sign_up(client):
    html = client.get("/").get_data(as_text=True)
    # One row: visitors need an account to create a room, so the row offers that, and a code box.
    assert 'action="/rooms/join"' in html and 'href="/register"' in html


def test_a_host_alone_is_told_nobody_takes_over_and_others_leave_at_once(client, make_user, make_room, signed_in):
    host = make_user("host")
    room = make_room(host)
    host_client = signed_in(host)
    page = host_client.get(f"/r/{room.code}").get_data(as_text=True)
    assert f'href="/r/{room.code}/leave"' in page  # the host's Leave is a link to the question
    assert "nobody else is here" in host_client.get(f"/r/{room.code}/leave").get_data(as_text=True)
    other = make_user("other")
    other_client = signed_in(other)
    other_client.post(f"/r/{room.code}/join", data={"csrf_token": csrf_token_from(other_client.get(f"/r/{room.code}").get_data(as_text=True))})
    token = csrf_token_from(other_client.get(f"/r/{room.code}").get_data(as_text=True))
    assert other_client.post(f"/r/{room.code}/leave", data={"csrf_token": token}).status_code == 302
    assert services.participant_of(room, other).left_at is not None


def edit_data(token, **changes):
    return {"csrf_token": token, "name": "Renamed sprint", "work_minutes": "50", "short_break_minutes": "10",
            "long_break_minutes": "30", "long_break_every": "2", **changes}


def test_the_host_edits_name_and_lengths_between_phases(client, make_user, make_room, signed_in):
    host = make_user("host")
    room = make_room(host)
    host_client = signed_in(host)
    page = host_client.get(f"/r/{room.code}").get_data(as_text=True)
    assert "Change the name or lengths" in page and "Start when everyone is here" in page
    version = room.timer_version
    response = host_client.post(f"/r/{room.code}/edit", data=edit_data(csrf_token_from(page)))
    assert response.status_code == 302
    db.session.expire_all()
    room = db.session.get(Room, room.id)
    assert (room.name, room.work_minutes, room.short_break_minutes, room.long_break_minutes,
            room.long_break_every) == ("Renamed sprint", 50, 10, 30, 2)
    assert room.remaining_seconds == 50 * 60 and room.timer_version == version + 1  # the lobby shows 50:00
    page = host_client.get(f"/r/{room.code}").get_data(as_text=True)
    assert "50 min focus · 10 min breaks · 30 min long break every 2 · 4 rounds" in page


def test_lengths_cannot_change_during_a_phase_and_only_the_host_edits(client, make_user, make_room, signed_in):
    host, guest = make_user("host"), make_user("guest")
    room = make_room(host)
    services.join(room, guest, room.created_at)
    host_client, guest_client = signed_in(host), signed_in(guest)
    token = csrf_token_from(host_client.get(f"/r/{room.code}").get_data(as_text=True))
    guest_token = csrf_token_from(guest_client.get(f"/r/{room.code}").get_data(as_text=True))
    assert guest_client.post(f"/r/{room.code}/edit", data=edit_data(guest_token)).status_code == 403
    services.control(room, host, "start", room.created_at)
    response = host_client.post(f"/r/{room.code}/edit", data=edit_data(token))
    assert response.status_code == 409 and "between phases" in response.get_data(as_text=True)
    bad = host_client.post(f"/r/{room.code}/edit", data=edit_data(token, work_minutes="0", name=""))
    assert bad.status_code == 422 and "Choose between 1 and 180" in bad.get_data(as_text=True)
    db.session.expire_all()
    room = db.session.get(Room, room.id)
    assert (room.name, room.work_minutes) == ("Test room", 25)


def test_strict_mode_and_the_idle_threshold_are_set_when_creating(client, auth, make_user):
    make_user("host")
    auth.login("host")
    response = create(client, strict_mode="y", idle_threshold_seconds="45", grace_seconds="20")
    assert response.status_code == 302
    room = db.session.query(Room).one()
    assert (room.strict_mode, room.idle_threshold_seconds, room.grace_seconds) == (True, 45, 20)
    bad = create(client, idle_threshold_seconds="3")
    assert bad.status_code == 422 and "Choose between 10 and 300 seconds" in bad.get_data(as_text=True)


def test_the_finished_session_offers_next_steps_and_no_stale_controls(client, make_user, make_room, signed_in):
    host = make_user("host")
    room = make_room(host, rounds=1)
    services.control(room, host, "start", room.created_at)
    services.control(room, host, "end", room.created_at)
    page = signed_in(host).get(f"/r/{room.code}").get_data(as_text=True)
    controls = re.search(r'id="room-[A-Z0-9]+-controls".*?</div>\s*</div>', page, re.S).group(0)
    assert "Go again with the same people" in controls
    assert "Skip phase" not in controls and ">End<" not in controls and "Space" not in controls
    assert "See everyone's results" in page and 'href="/today"' in page
