"""Presence shared by several web processes: each socket belongs to a process that heartbeats;
a dead process's sockets are counted out, and nobody else's (two Liveness objects stand for two
processes on one database)."""
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from webapp import realtime
from webapp.extensions import db
from webapp.models import OpenSocket, Participant, WebProcess, utcnow
from webapp.realtime import Close
from webapp.rooms import liveness, presence, services


class Processes:
    """Switch which process the code under test believes it runs in."""

    def __init__(self, app):
        self.app, self.made = app, {}

    def be(self, name):
        self.made.setdefault(name, liveness.Liveness(self.app))
        self.app.extensions[liveness.EXTENSION_KEY] = self.made[name]
        return self.made[name]

    def last_seen(self, name, seconds_ago):
        db.session.execute(update(WebProcess).where(WebProcess.id == self.made[name].process_id)
                           .values(seen_at=utcnow() - timedelta(seconds=seconds_ago)))
        db.session.commit()


@pytest.fixture
def processes(app):
    return Processes(app)


@pytest.fixture
def room_of_two(make_room, make_user):
    host, guest = make_user("host"), make_user("guest")
    room = make_room(host)
    services.join(room, guest, utcnow())
    return room, host, guest


def counts(room):
    db.session.expire_all()
    return {p.user_id: p.connections for p in db.session.execute(
        select(Participant).where(Participant.room_id == room.id)).scalars()}


def test_a_dead_processs_sockets_are_counted_out_and_nobody_elses(processes, room_of_two):
    room, host, guest = room_of_two
    processes.be("a")
    presence.connect(room, host.id, utcnow())
    processes.be("b")
    presence.connect(room, guest.id, utcnow())
    processes.last_seen("a", 10)  # A was killed with -9 ten seconds ago; B heartbeats
    processes.last_seen("b", 1)
    assert presence.count_out_dead_processes(utcnow()) == {room.id}
    assert counts(room) == {host.id: 0, guest.id: 1}
    assert db.session.get(Participant, _participant_id(room, host)).left_at is not None
    assert db.session.scalars(select(WebProcess.id)).all() == [processes.made["b"].process_id]
    assert presence.count_out_dead_processes(utcnow()) == set()  # nothing twice


def test_a_late_close_of_a_counted_out_socket_takes_nothing_from_another_tab(processes, room_of_two):
    room, host, _ = room_of_two
    processes.be("a")
    _, on_a = presence.open_socket(room, host.id, utcnow())
    processes.be("b")
    presence.open_socket(room, host.id, utcnow())  # the same person in a second tab, on B
    processes.last_seen("a", 10)
    processes.last_seen("b", 0)
    presence.count_out_dead_processes(utcnow())
    assert counts(room)[room.host_id] == 1
    processes.be("a")  # A was only stalled: its socket's close comes late
    participant, last = presence.close_socket(room, host.id, on_a, utcnow())
    assert counts(room)[host.id] == 1 and not last


def test_a_process_taken_for_dead_has_its_sockets_reconnect(app, processes, room_of_two):
    room, host, _ = room_of_two
    me = processes.be("a")
    presence.connect(room, host.id, utcnow())
    page = realtime.get_hub().subscribe(["room:x"])
    processes.last_seen("a", 10)
    presence.count_out_dead_processes(utcnow())
    me.beat()
    assert page.get(0) == Close(1012, "Reconnect") and me.revived == 1
    assert db.session.get(WebProcess, me.process_id) is not None  # alive again
    me.beat()
    assert me.revived == 1


def test_sockets_are_attributed_to_their_process_and_closed_exactly_once(processes, room_of_two):
    room, host, _ = room_of_two
    me = processes.be("a")
    _, first = presence.open_socket(room, host.id, utcnow())
    _, second = presence.open_socket(room, host.id, utcnow())
    rows = db.session.execute(select(OpenSocket.id, OpenSocket.process_id)).all()
    assert sorted(rows) == [(first, me.process_id), (second, me.process_id)]
    assert presence.close_socket(room, host.id, first, utcnow())[0].connections == 1
    assert presence.close_socket(room, host.id, first, utcnow())[0].connections == 1  # twice: once
    assert presence.close_socket(room, host.id, second, utcnow())[1] is True


def _participant_id(room, user):
    return db.session.scalar(select(Participant.id).where(Participant.room_id == room.id,
                                                          Participant.user_id == user.id))
