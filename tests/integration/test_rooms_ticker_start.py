"""A (re)started ticker counts out the sockets of the process that died, and nobody else."""
import time
from datetime import timedelta

from sqlalchemy import select, update

from tests.conftest import build_app
from tests.integration.test_rooms_socket import Person
from tests.support.servers import LiveServer
from webapp import lifecycle
from webapp.extensions import db
from webapp.models import Participant, WebProcess, utcnow
from webapp.rooms import presence, services


def _connections(app) -> list[int]:
    with app.app_context():
        return list(db.session.execute(select(Participant.connections)).scalars())


def test_a_socket_opened_right_after_the_start_stays_counted_in(tmp_path):
    app = build_app("sqlite", tmp_path, RUN_TICKER=True, LOGIN_RATE_LIMIT="1000 per minute")
    live = LiveServer(app).start()
    try:
        host = Person(live, "host")
        ws = host.connect(host.create_room())
        ws.recv()
        time.sleep(2.2)  # the first ticks have run
        assert _connections(app) == [1]
        ws.close()
    finally:
        live.stop()
        lifecycle.shutdown(app)


def test_a_dead_processs_sockets_are_counted_out_before_the_first_socket(tmp_path):
    """Updated for issue 11: a (re)started ticker no longer counts everyone out, only the sockets
    of processes that stopped heartbeating (here: the previous process, dead for 10 s)."""
    first = build_app("sqlite", tmp_path)
    live = LiveServer(first).start()
    host = Person(live, "host")
    code = host.create_room()
    live.stop()
    with first.app_context():  # the process died with two pages open
        room = services.find_room(code)
        presence.connect(room, host.id, utcnow())
        presence.connect(room, host.id, utcnow())
        db.session.execute(update(WebProcess).values(seen_at=utcnow() - timedelta(seconds=10)))
        db.session.commit()
    restarted = build_app("sqlite", tmp_path, RUN_TICKER=True)
    try:
        assert _connections(restarted) == [0]
    finally:
        lifecycle.shutdown(restarted)


def test_a_starting_ticker_leaves_the_sockets_of_live_processes_alone(tmp_path):
    web = build_app("sqlite", tmp_path, LOGIN_RATE_LIMIT="1000 per minute")
    live = LiveServer(web).start()
    clock = None
    try:
        host = Person(live, "host")
        ws = host.connect(host.create_room())
        ws.recv()
        clock = build_app("sqlite", tmp_path, RUN_TICKER=True)  # another process starts ticking
        time.sleep(2.5)
        assert _connections(web) == [1]
        ws.close()
    finally:
        live.stop()
        lifecycle.shutdown(web)
        if clock is not None:
            lifecycle.shutdown(clock)
