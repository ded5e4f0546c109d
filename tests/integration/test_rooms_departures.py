"""A web process's exit counts out the room sockets whose departures are still queued (gunicorn's
worker_exit calls departures.drain), within a bound, so nobody stays "connected" until expiry."""
import time

from sqlalchemy import func, select

from webapp import realtime
from webapp.extensions import db
from webapp.models import OpenSocket, utcnow
from webapp.rooms import departures, presence, publishing, services


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
