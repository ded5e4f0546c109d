"""A web process's exit (gunicorn's worker_exit calls departures.at_exit) counts out the room
sockets whose departures are still queued, within a bound, and every socket it still has on
record, so nobody stays "connected" through a process that is gone until the presence expiry."""
import time

from sqlalchemy import func, select

from webapp import realtime
from webapp.extensions import db
from webapp.models import OpenSocket, Participant, WebProcess, utcnow
from webapp.rooms import departures, liveness, presence, publishing, services


def queued_departures(app, make_user, make_room):
    """Two people with a socket open each whose close only got queued, as under gevent."""
    host, guest = make_user("host"), make_user("guest")
    room = make_room(host)
    services.join(room, guest, utcnow())
    sockets = {user.id: presence.open_socket(room, user.id, utcnow())[1] for user in (host, guest)}
    worker = app.extensions.setdefault("room_departures", departures.Departures(app))
    for user_id, socket_id in sockets.items():
        worker.pending.put(departures.Departure(room.code, user_id, socket_id))  # no worker running
    return room, worker


def test_the_drain_counts_out_every_queued_departure(app, make_user, make_room):
    room, _worker = queued_departures(app, make_user, make_room)
    listener = realtime.get_hub().subscribe([publishing.room_topic(room.id)])
    app.extensions.pop("focusroom_room_people", None)  # the join's list went out long ago
    assert departures.drain(app) == 0
    db.session.expire_all()
    everyone = services.find_room(room.code).participants
    assert [p.connections for p in everyone] == [0, 0] and all(p.left_at is not None for p in everyone)
    assert db.session.execute(select(func.count(OpenSocket.id))).scalar() == 0
    shown = listener.get(1)
    assert shown is not None and shown.count("status-left") == 2  # the room's pages see them leave


def test_the_drain_waits_for_a_batch_in_hand_but_not_forever(app, make_user, make_room):
    room, worker = queued_departures(app, make_user, make_room)
    worker.pending.get_nowait()  # as if the worker had taken it and hung in the middle
    started = time.monotonic()
    assert departures.drain(app, seconds=0.5) == 1
    assert 0.4 < time.monotonic() - started < 3
    db.session.expire_all()
    counted = sorted(p.connections for p in services.find_room(room.code).participants)
    assert counted == [0, 1]  # the one still queued is counted out; the one in hand is the worker's


def test_a_process_without_room_sockets_has_nothing_to_drain(app):
    app.extensions.pop("room_departures", None)
    assert departures.drain(app) == 0


def test_at_exit_the_process_counts_out_its_sockets_and_only_its_own(app, make_user, make_room):
    host, guest, elsewhere = make_user("host"), make_user("guest"), make_user("elsewhere")
    room = make_room(host)
    for user in (guest, elsewhere):
        services.join(room, user, utcnow())
    for user in (host, guest):  # served by this process; their handlers never ran (quick shutdown)
        presence.open_socket(room, user.id, utcnow())
    other = Participant.query.filter_by(room_id=room.id, user_id=elsewhere.id).one()
    other.connections = 1
    db.session.add(OpenSocket(process_id="another-host:1:abcd", participant_id=other.id, opened_at=utcnow()))
    db.session.commit()
    listener = realtime.get_hub().subscribe([publishing.room_topic(room.id)])
    app.extensions.pop("focusroom_room_people", None)
    assert departures.at_exit(app) == 2
    db.session.expire_all()
    connected = {p.user_id: p.connections for p in services.find_room(room.code).participants}
    assert connected == {host.id: 0, guest.id: 0, elsewhere.id: 1}
    assert db.session.execute(select(OpenSocket.process_id)).scalars().all() == ["another-host:1:abcd"]
    assert db.session.get(WebProcess, liveness.current(app).process_id) is None  # no heartbeat left behind
    shown = listener.get(1)
    assert shown is not None and shown.count("status-left") == 2


def test_at_exit_a_process_that_served_no_room_socket_does_nothing(app):
    assert departures.at_exit(app) == 0
