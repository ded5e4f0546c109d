"""Every closed focus-session record is announced once (what achievements will listen to)."""
from datetime import timedelta

import pytest

from webapp import events
from webapp.models import FocusSession, utcnow
from webapp.rooms import services as rooms
from webapp.extensions import db
from tests.support import hooks


@pytest.fixture
def recorded(app):
    heard = []

    def listener(event):
        heard.append(event.record.id)
    events.listen(events.SessionRecorded, listener)
    yield heard
    events.forget(events.SessionRecorded, listener)


def test_an_api_session_ended_is_announced_once(recorded, bearer, make_user):
    api = bearer(make_user("alice"))
    started = api.post("/api/v1/sessions/start", json={"target_minutes": 25}).get_json()
    api.post(f"/api/v1/sessions/{started['id']}/end")
    assert recorded == [started["id"]]


def test_a_room_work_phase_ended_by_the_host_announces_each_record(recorded, make_user, make_room):
    host, guest = make_user("host"), make_user("guest")
    began = utcnow() - timedelta(minutes=2)
    room = make_room(host, now=began)
    rooms.join(room, guest, began)
    for person in room.participants:
        person.connections = 1
        hooks.participant_connected(room, person, began)
    db.session.commit()
    rooms.control(room, host, "start", began)
    rooms.control(room, host, "end", began + timedelta(seconds=60))
    records = db.session.query(FocusSession).filter(FocusSession.room_id == room.id).all()
    assert len(records) == 2 and all(record.end_time is not None for record in records)
    assert sorted(recorded) == sorted(record.id for record in records)
