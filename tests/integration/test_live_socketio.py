"""The live protocol over Socket.IO with the stock python-socketio client: in the test server
(threading mode) and under gunicorn's gevent worker as deployed. Every event is validated
against the published AsyncAPI document, and Socket.IO clients share rooms with pages and
plain-WebSocket clients."""
import os
import queue
import sys
import time

import pytest
import socketio

from tests.conftest import build_app
from tests.integration.test_rooms_socket import Person, wait_for
from tests.support.cluster import Proc, free_port
from tests.support.live import LiveClient, Schemas, make_token
from tests.support.servers import LiveServer
from webapp import lifecycle


class SioClient:
    """python-socketio's own client, WebSocket transport; every message checked against the schema."""

    def __init__(self, url: str, schemas: Schemas, token: str | None):
        self.schemas, self.inbox = schemas, queue.Queue()
        self.client = socketio.Client(reconnection=False)
        self.client.on("*", lambda event, data=None: self.inbox.put({"event": event, "data": data}))
        self.client.connect(url, transports=["websocket"], auth={"token": token} if token else None, wait_timeout=10)

    def send(self, event: str, data: dict | None = None, *, check: bool = True) -> None:
        message = {"event": event, "data": data or {}}
        if check:
            self.schemas.check(message, "client-to-server")
        self.client.emit(event, message["data"])

    def wait_for(self, event: str, seconds: float = 6.0, **match) -> dict:
        deadline, got = time.monotonic() + seconds, []
        while time.monotonic() < deadline:
            try:
                message = self.inbox.get(timeout=max(0.05, deadline - time.monotonic()))
            except queue.Empty:
                break
            self.schemas.check(message, "server-to-client")
            got.append(message["event"])
            data = message["data"]
            where = data.get("participant", data)
            if message["event"] == event and all(where.get(k) == v for k, v in match.items()):
                return data
        raise AssertionError(f"no {event} {match or ''} within {seconds}s; got {got}")

    def close(self) -> None:
        self.client.disconnect()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    app = build_app("sqlite", tmp_path_factory.mktemp("sio"), RUN_TICKER=True,
                    LOGIN_RATE_LIMIT="1000 per minute", SIGNUP_RATE_LIMIT="1000 per minute")
    live = LiveServer(app).start()
    yield live
    live.stop()
    lifecycle.shutdown(app)


@pytest.fixture(scope="module")
def schemas(server):
    return Schemas(server.url)


def test_a_socketio_client_runs_a_room_with_a_browser(server, schemas):
    _, token = make_token(server.app, "phone")
    phone = SioClient(server.url, schemas, token)
    try:
        phone.send("create_session", {"name": "Phone room", "work_minutes": 25})
        code = phone.wait_for("session_created")["room_code"]
        phone.wait_for("session_joined")
        browser = Person(server, "browser")
        browser.join(code)  # by the code, through the page's own form
        page = browser.connect(code)
        wait_for(page, f'id="room-{code}-timer"')
        phone.wait_for("participant_joined", user_id=browser.id)
        phone.send("start_session")
        phone.wait_for("session_started")
        wait_for(page, 'data-status="running"')
        phone.wait_for("time_update")
        wait_for(page, r"data-server-now-ms")
        phone.send("update_status", {"status": "paused"})
        wait_for(page, r'data-status="paused"|>paused<')
        phone.send("update_status", {"status": "focusing"})
        phone.send("end_session")
        phone.wait_for("session_completed")
        page.close()
    finally:
        phone.close()


def test_socketio_and_plain_websocket_clients_share_a_room(server, schemas):
    _, phone_token = make_token(server.app, "phone")
    desk_id, desk_token = make_token(server.app, "desk")
    phone = SioClient(server.url, schemas, phone_token)
    desk = LiveClient(server, schemas, desk_token)
    try:
        phone.send("create_session", {"name": "Shared"})
        code = phone.wait_for("session_created")["room_code"]
        desk.send("join_session", {"room_code": code})
        desk.wait_for("session_joined")
        phone.wait_for("participant_joined", user_id=desk_id)
        desk.send("start_session")
        assert desk.wait_for("error")["code"] == "forbidden"
        phone.send("start_session")
        desk.wait_for("session_started")
        phone.send("bogus_event", check=False)
        assert phone.wait_for("error")["code"] == "unknown_event"
        phone.send("activity", {"pad": "x" * 5000}, check=False)
        assert phone.wait_for("error")["code"] == "too_large"
        phone.send("join_session", {"room_code": 42}, check=False)
        assert phone.wait_for("error")["code"] == "invalid"
        desk.close()
        phone.wait_for("participant_left", user_id=desk_id)
    finally:
        phone.close()


def test_socketio_refuses_a_connection_without_a_valid_token(server, schemas):
    for token in (None, "fr_wrong"):
        with pytest.raises(socketio.exceptions.ConnectionError):
            SioClient(server.url, schemas, token)


def test_under_gunicorn_with_the_gevent_worker(tmp_path):
    """As deployed (gunicorn.conf.py, -k gevent): both transports serve, and time goes on."""
    app = build_app("sqlite", tmp_path, LOGIN_RATE_LIMIT="1000 per minute")
    port = free_port()
    env = {key: value for key, value in os.environ.items() if key != "PROMETHEUS_MULTIPROC_DIR"}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'test.sqlite3'}", SECRET_KEY=app.config["SECRET_KEY"],
               PORT=str(port), RUN_TICKER="1", WEB_CONCURRENCY="1", REDIS_URL="")
    web = Proc("web", [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "-k", "gevent", "wsgi:app"],
               env, tmp_path, port)
    try:
        web.wait_serving()
        schemas_app = Schemas(web.url)
        _, phone_token = make_token(app, "phone")
        desk_id, desk_token = make_token(app, "desk")
        phone = SioClient(web.url, schemas_app, phone_token)
        desk = LiveClient(web, schemas_app, desk_token)
        try:
            phone.send("create_session", {"name": "Gunicorn room"})
            code = phone.wait_for("session_created")["room_code"]
            desk.send("join_session", {"room_code": code})
            desk.wait_for("session_joined")
            phone.send("start_session")
            desk.wait_for("session_started")
            assert phone.wait_for("time_update")["room_code"] == code
            assert desk.wait_for("time_update")["room_code"] == code
        finally:
            phone.close()
            desk.close()
    finally:
        web.stop()
    log = web.log_path.read_text()
    assert "Traceback" not in log, log[-3000:]
