"""A (re)started ticker counts out the sockets of the process that died, and nobody else."""
import time

from sqlalchemy import select, update

from tests.conftest import build_app
from tests.integration.test_rooms_socket import Person
from tests.support.servers import LiveServer
from webapp import lifecycle
from webapp.extensions import db
from webapp.models import Participant


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


def test_counts_left_by_a_dead_process_are_reset_before_the_first_socket(tmp_path):
    first = build_app("sqlite", tmp_path)
    live = LiveServer(first).start()
    host = Person(live, "host")
    host.create_room()
    live.stop()
    with first.app_context():  # the process died with two pages open
        db.session.execute(update(Participant).values(connections=2))
        db.session.commit()
    restarted = build_app("sqlite", tmp_path, RUN_TICKER=True)
    try:
        assert _connections(restarted) == [0]
    finally:
        lifecycle.shutdown(restarted)
