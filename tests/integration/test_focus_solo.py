"""/focus: a solo session is a private room of one, with the rooms' timer, tracking and score."""
from datetime import timedelta

import pytest

from tests.conftest import csrf_token_from
from webapp.extensions import db
from webapp.focus import services
from webapp.models import FocusSession, Interruption, Room, utcnow
from tests.support import hooks


@pytest.fixture
def alice(make_user, auth):
    user = make_user("alice", timezone="Europe/Berlin")
    auth.login("alice")
    return user


def start(client, minutes="25", task_id="0"):
    page = client.get("/focus").get_data(as_text=True)
    return client.post("/focus", data={"csrf_token": csrf_token_from(page), "target_minutes": minutes,
                                       "task_id": task_id})


def connect(room, seconds_ago=30):
    """What the room socket does when the page opens: tracking opens the work phase's record."""
    participant = room.participants[0]
    participant.connections = 1
    hooks.participant_connected(room, participant, utcnow() - timedelta(seconds=seconds_ago))
    db.session.commit()
    return participant


def test_the_start_page(client, alice):
    page = client.get("/focus").get_data(as_text=True)
    assert "Solo focus" in page and "Start focusing" in page and 'value="25"' in page


def test_starting_opens_a_private_running_room_of_one_with_the_task(client, alice):
    task = services.create_task(alice, title="Thesis", estimated_pomodoros=3)
    response = start(client, "40", str(task.id))
    room = db.session.query(Room).one()
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/r/{room.code}")
    assert (room.is_solo, room.work_minutes, room.rounds, room.status, room.phase, room.is_public) == (
        True, 40, 4, "running", "work", False)  # the classic Pomodoro rhythm around the chosen length
    assert room.participants[0].task_id == task.id
    assert client.get("/focus").headers["Location"].endswith(f"/r/{room.code}")  # the running one
    page = client.get(f"/r/{room.code}").get_data(as_text=True)
    assert f'ws-connect="/r/{room.code}/ws"' in page and "solo-extra" in page and "/static/css/focus." in page
    assert "Thesis" in page and "Interrupted?" in page and "End session" in page
    connect(room)
    record = db.session.query(FocusSession).one()
    assert (record.source, record.status, record.task_id, record.target_seconds) == ("solo", "running", task.id, 2400)


@pytest.mark.parametrize("minutes, message", [("0", "Choose between 1 and 180"), ("", "How long"),
                                              ("181", "Choose between 1 and 180")])
def test_bad_minutes_are_explained_next_to_the_field(client, alice, minutes, message):
    response = start(client, minutes)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert db.session.query(Room).count() == 0


def test_one_active_session_per_person(client, alice, bearer):
    start(client)
    page = client.get("/focus", follow_redirects=True).get_data(as_text=True)
    second = client.post("/focus", data={"csrf_token": csrf_token_from(page), "target_minutes": "25", "task_id": "0"},
                         follow_redirects=True)
    assert "already have a running solo session" in second.get_data(as_text=True)
    assert "solo-extra" in second.get_data(as_text=True)  # the running one, right there
    assert db.session.query(Room).count() == 1
    api = bearer(alice).post("/api/v1/sessions/start")
    assert api.status_code == 409 and "already have a running solo session" in api.get_json()["error"]


def test_a_running_room_session_elsewhere_is_linked(client, alice):
    room = Room(code="TEAM22", name="Writers", host_id=alice.id)
    db.session.add(room)
    db.session.flush()
    db.session.add(FocusSession(user_id=alice.id, room_id=room.id, source="room", status="running",
                                start_time=utcnow()))
    db.session.commit()
    page = client.get("/focus").get_data(as_text=True)
    assert "You are already focusing" in page and 'href="/r/TEAM22"' in page and "Start focusing" not in page


def test_one_click_interruption_on_the_solo_page(client, alice):
    start(client)
    room = db.session.query(Room).one()
    csrf = csrf_token_from(client.get(f"/r/{room.code}").get_data(as_text=True))
    early = client.post("/focus/interrupted", data={"csrf_token": csrf, "type": "phone"}, headers={"HX-Request": "1"})
    assert "still connecting" in early.get_data(as_text=True)
    connect(room)
    clicked = client.post("/focus/interrupted", data={"csrf_token": csrf, "type": "phone"}, headers={"HX-Request": "1"})
    fragment = clicked.get_data(as_text=True)
    assert 'id="live-now"' in fragment and "Interrupted: Phone" in fragment and 'name="panel" value="now"' in fragment
    live = db.session.query(Interruption).one()
    back = client.post(f"/interruptions/{live.id}/back", data={"csrf_token": csrf, "panel": "now"},
                       headers={"HX-Request": "1"})
    assert 'id="live-now"' in back.get_data(as_text=True) and "Interrupted?" in back.get_data(as_text=True)
    db.session.refresh(live)
    assert live.end_time is not None and live.source == "live"


def test_end_closes_the_room_the_record_and_open_interruptions(client, alice):
    start(client)
    room = db.session.query(Room).one()
    connect(room)
    record = db.session.query(FocusSession).one()
    services.log_interruption(alice, record.id, type="family")
    csrf = csrf_token_from(client.get(f"/r/{room.code}").get_data(as_text=True))
    response = client.post("/focus/end", data={"csrf_token": csrf})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/r/{room.code}")  # the check-in
    db.session.expire_all()
    record = db.session.get(FocusSession, record.id)
    assert room.status == "completed" and record.end_time is not None and record.status != "running"
    assert record.focus_score is not None
    assert all(i.end_time is not None for i in record.interruptions)
    history = client.get("/history").get_data(as_text=True)
    assert "Solo" in history and "Family" in history
    assert "Start focusing" in client.get("/focus").get_data(as_text=True)  # free to start the next one


def test_the_next_solo_session_archives_the_finished_room(client, alice):
    start(client)
    client.post("/focus/end", data={"csrf_token": csrf_token_from(client.get("/history").get_data(as_text=True))})
    start(client)
    rooms = db.session.query(Room).order_by(Room.id).all()
    assert [r.archived_at is not None for r in rooms] == [True, False]


def test_the_api_ends_a_solo_session_through_its_room(client, alice, bearer):
    start(client)
    room = db.session.query(Room).one()
    connect(room)
    record = db.session.query(FocusSession).one()
    response = bearer(alice).post(f"/api/v1/sessions/{record.id}/end")
    assert response.status_code == 200
    body = response.get_json()
    assert body["source"] == "solo" and body["end_time"] and body["room_code"] == room.code
    db.session.refresh(room)
    assert room.status == "completed"


def test_an_api_started_session_shows_on_the_focus_page(client, alice, bearer):
    session = bearer(alice).post("/api/v1/sessions/start", json={"target_minutes": 30}).get_json()
    page = client.get("/focus").get_data(as_text=True)
    assert "A session is running" in page and f'id="live-{session["id"]}"' in page and "End session" in page
    csrf = csrf_token_from(page)
    client.post(f"/sessions/{session['id']}/end", data={"csrf_token": csrf})
    assert "Start focusing" in client.get("/focus").get_data(as_text=True)


def test_ending_when_nothing_runs_says_so(client, alice):
    csrf = csrf_token_from(client.get("/focus").get_data(as_text=True))
    response = client.post("/focus/end", data={"csrf_token": csrf}, follow_redirects=True)
    assert "no solo session to end" in response.get_data(as_text=True)


def test_focus_needs_a_login(client):
    assert client.get("/focus").status_code == 302


def test_a_solo_room_has_one_seat(client, alice, make_user, auth):
    start(client)
    room = db.session.query(Room).one()
    assert room.max_participants == 1 and room.created_at <= utcnow() + timedelta(seconds=1)


def test_a_shared_room_page_offers_one_click_interruptions(client, alice, make_room):
    room = make_room(alice)
    page = client.get(f"/r/{room.code}").get_data(as_text=True)
    assert 'id="live-now"' in page and "solo-extra" not in page and "End session" not in page
    csrf = csrf_token_from(page)
    refused = client.post("/focus/interrupted", data={"csrf_token": csrf, "type": "noise"}, headers={"HX-Request": "1"})
    assert "only works during an active session" in refused.get_data(as_text=True)
    record = FocusSession(user_id=alice.id, room_id=room.id, source="room", status="running", start_time=utcnow())
    db.session.add(record)
    db.session.commit()
    logged = client.post("/focus/interrupted", data={"csrf_token": csrf, "type": "noise"}, headers={"HX-Request": "1"})
    assert "Interrupted: Noise" in logged.get_data(as_text=True)
    assert [i.session_id for i in db.session.query(Interruption).all()] == [record.id]
    assert "Interrupted: Noise" in client.get(f"/r/{room.code}").get_data(as_text=True)
