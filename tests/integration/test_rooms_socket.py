"""The room socket against a real server (werkzeug, threaded) and a real WebSocket client."""
import json
import re
import time
from datetime import timedelta

import pytest
import websocket
from sqlalchemy import update

from tests.conftest import AuthActions, build_app, csrf_token_from
from tests.support import factories
from tests.support.servers import LiveServer
from webapp import lifecycle, realtime
from webapp.extensions import db
from webapp.models import Room, utcnow
from webapp.rooms import services


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    app = build_app("sqlite", tmp_path_factory.mktemp("socket"), RUN_TICKER=True, ROOM_HOST_GRACE_SECONDS=1,
                    LOGIN_RATE_LIMIT="1000 per minute", SIGNUP_RATE_LIMIT="1000 per minute")
    live = LiveServer(app).start()
    yield live
    live.stop()
    lifecycle.shutdown(app)


class Person:
    """A signed-in user: a test client for HTTP and cookies for the socket."""

    def __init__(self, server, name):
        self.server, self.app = server, server.app
        with self.app.app_context():
            self.user = factories.make_user(f"{name}{time.monotonic_ns() % 10**9}", display_name=name.title())
            self.id = self.user.id
        self.client = self.app.test_client()
        AuthActions(self.client).login(self.user.username)

    @property
    def cookie(self) -> str:
        return f"session={self.client.get_cookie('session').value}"

    def create_room(self, **settings) -> str:
        with self.app.app_context():
            return services.create_room(db.session.get(type(self.user), self.id),
                                        {"name": "Socket room", **settings}, utcnow()).code

    def join(self, code):
        page = self.client.get(f"/r/{code}").get_data(as_text=True)
        assert self.client.post(f"/r/{code}/join", data={"csrf_token": csrf_token_from(page)}).status_code == 302

    def control(self, code, action):
        page = self.client.get(f"/r/{code}").get_data(as_text=True)
        token = re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)
        return self.client.post(f"/r/{code}/control/{action}", headers={"X-CSRFToken": token})

    def connect(self, code, origin=None) -> websocket.WebSocket:
        return websocket.create_connection(f"{self.server.ws_url}/r/{code}/ws", cookie=self.cookie, timeout=5,
                                           origin=origin or self.server.url)


def wait_for(ws, pattern, seconds=4.0) -> str:
    """Read messages until one matches `pattern` (a regex); fail after `seconds`."""
    deadline = time.monotonic() + seconds
    seen = []
    while time.monotonic() < deadline:
        ws.settimeout(max(0.05, deadline - time.monotonic()))
        try:
            message = ws.recv()
        except websocket.WebSocketTimeoutException:
            break
        seen.append(message)
        if re.search(pattern, message):
            return message
    raise AssertionError(f"no message matched {pattern!r}; got {len(seen)}: {[m[:120] for m in seen]}")


def wait_for_all(ws, patterns, seconds=4.0) -> list[str]:
    """Read messages until every pattern has matched one of them (in any order)."""
    deadline, missing, seen = time.monotonic() + seconds, list(patterns), []
    while missing and time.monotonic() < deadline:
        ws.settimeout(max(0.05, deadline - time.monotonic()))
        try:
            message = ws.recv()
        except websocket.WebSocketTimeoutException:
            break
        seen.append(message)
        missing = [p for p in missing if not re.search(p, message)]
    assert not missing, f"never matched {missing}; got {[m[:120] for m in seen]}"
    return seen


def test_a_participant_gets_the_whole_state_first(server):
    host = Person(server, "host")
    code = host.create_room()
    ws = host.connect(code)
    first = ws.recv()
    for part in ("timer", "participants", "controls", "me"):
        assert f'id="room-{code}-{part}"' in first
    assert "Start work" in first and "badge-host" in first
    ws.close()


@pytest.mark.parametrize("who", ["outsider", "anonymous", "foreign origin"])
def test_the_socket_refuses_outsiders_and_foreign_origins(server, who):
    host = Person(server, "host")
    code = host.create_room()
    if who == "outsider":
        connect = lambda: Person(server, "outsider").connect(code)  # noqa: E731
        status = 403
    elif who == "anonymous":
        connect = lambda: websocket.create_connection(f"{server.ws_url}/r/{code}/ws", timeout=5)  # noqa: E731
        status = 401
    else:
        connect = lambda: host.connect(code, origin="https://evil.example")  # noqa: E731
        status = 403
    with pytest.raises(websocket.WebSocketBadStatusException) as refused:
        connect()
    assert refused.value.status_code == status


def test_everyone_sees_start_and_a_time_update_every_second(server):
    host, guest = Person(server, "host"), Person(server, "guest")
    code = host.create_room()
    guest.join(code)
    host_ws, guest_ws = host.connect(code), guest.connect(code)
    host_ws.recv(), guest_ws.recv()
    assert host.control(code, "start").status_code == 200
    for ws in (host_ws, guest_ws):
        wait_for(ws, r'data-status="running"')
    stamps = [int(re.search(r'data-server-now-ms="(\d+)"', wait_for(guest_ws, r'data-server-now-ms')).group(1))
              for _ in range(3)]
    assert stamps == sorted(stamps) and stamps[-1] - stamps[0] >= 1000
    assert all(stamp % 1000 == 0 for stamp in stamps[1:])  # ticks fall on whole seconds
    host_ws.close(), guest_ws.close()


def test_a_page_that_missed_a_change_asks_for_everything(server):
    host = Person(server, "host")
    code = host.create_room()
    ws = host.connect(code)
    ws.recv()
    ws.send(json.dumps({"type": "sync"}))
    again = wait_for(ws, rf'id="room-{code}-timer"')
    for part in ("clock", "participants", "controls", "me"):
        assert f'id="room-{code}-{part}"' in again
    ws.send("not json")
    ws.send(json.dumps({"type": "unknown"}))
    ws.send(json.dumps({"type": "sync"}))
    wait_for(ws, rf'id="room-{code}-timer"')  # nonsense is ignored, the socket stays up
    ws.close()


def test_hostile_json_messages_are_dropped_and_the_socket_stays(server):
    host = Person(server, "host")
    code = host.create_room()
    ws = host.connect(code)
    ws.recv()
    for hostile in ("[" * 3000 + "]" * 3000, '{"type": "control", "action": "\\ud800"}',
                    '{"type": "activity", "x": "\\udfff"}', '{"type": NaN}', '{"type": ' + "1" * 4000 + "}"):
        ws.send(hostile)
    ws.send(json.dumps({"type": "sync"}))
    wait_for(ws, rf'id="room-{code}-timer"')
    ws.close()


def test_a_control_from_a_non_host_over_the_socket_gets_an_error(server):
    host, guest = Person(server, "host"), Person(server, "guest")
    code = host.create_room()
    guest.join(code)
    guest_ws = guest.connect(code)
    guest_ws.recv()
    guest_ws.send(json.dumps({"type": "control", "action": "start"}))
    notice = wait_for(guest_ws, rf'id="room-{code}-notice"')
    assert "Only the host can control the timer." in notice
    with server.app.app_context():
        assert services.find_room(code).status == "idle"
    host_ws = host.connect(code)
    host_ws.recv()
    host_ws.send(json.dumps({"type": "control", "action": "start"}))
    wait_for(guest_ws, r'data-status="running"')
    host_ws.close(), guest_ws.close()


def test_arrivals_departures_and_the_host_hand_over_reach_everyone(server):
    host, guest = Person(server, "host"), Person(server, "guest")
    code = host.create_room()
    guest.join(code)
    host_ws = host.connect(code)
    host_ws.recv()
    guest_ws = guest.connect(code)
    guest_ws.recv()
    arrived = wait_for(host_ws, r'class="count"[^>]*>2<')
    assert "Guest" in arrived
    host_ws.close()
    seen = wait_for_all(guest_ws, [r"status-left", r'class="count"[^>]*>1<', r"Guest is now the host\."], seconds=6)
    assert seen
    controls = wait_for(guest_ws, rf'id="room-{code}-controls"[^>]*>\s*<p class="controls-label', seconds=3)
    assert "Start work" in controls
    guest_ws.close()


def test_phases_change_at_their_deadline_on_the_server(server):
    host = Person(server, "host")
    code = host.create_room(work_minutes=1, auto_start_breaks=True)
    assert host.control(code, "start").status_code == 200
    with server.app.app_context():  # pretend the minute is nearly over
        db.session.execute(update(Room).where(Room.code == code)
                           .values(phase_ends_at=utcnow() + timedelta(seconds=1.5)))
        db.session.commit()
    ws = host.connect(code)
    ws.recv()
    change = wait_for(ws, r'data-phase="short_break"', seconds=4)
    assert 'data-status="running"' in change and "Short break, 5 min." in change
    ws.close()


def test_server_shutdown_closes_sockets_with_1012(tmp_path):
    app = build_app("sqlite", tmp_path, LOGIN_RATE_LIMIT="1000 per minute")
    live = LiveServer(app).start()
    try:
        host = Person(live, "host")
        code = host.create_room()
        ws = host.connect(code)
        ws.recv()
        assert realtime.shutdown(app) == 1
        ws.settimeout(5)
        opcode, data = ws.recv_data(control_frame=True)
        while opcode == websocket.ABNF.OPCODE_TEXT:  # fragments already on their way
            opcode, data = ws.recv_data(control_frame=True)
        assert opcode == websocket.ABNF.OPCODE_CLOSE
        assert int.from_bytes(data[:2], "big") == 1012
    finally:
        live.stop()


def _answering_pings_until(ws, pattern, seconds=4.0) -> str:
    """wait_for, but frame by frame: websocket-client's recv() answers pings inside and, with a
    ping every half second, would never reach its own timeout."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        ws.settimeout(max(0.05, deadline - time.monotonic()))
        try:
            opcode, data = ws.recv_data(control_frame=True)
        except websocket.WebSocketTimeoutException:
            break
        if opcode == websocket.ABNF.OPCODE_TEXT and re.search(pattern, data.decode()):
            return data.decode()
    raise AssertionError(f"no message matched {pattern!r}")


def test_a_page_that_stops_answering_pings_is_closed_and_counted_out(tmp_path):
    # Pings come from one loop per process (realtime/keepalive.py). A page that answers stays;
    # one that went silent (a phone that lost the network without a word) misses two rounds
    # and is closed with 1008, and the others see it counted out.
    app = build_app("sqlite", tmp_path, WS_PING_INTERVAL=0.5, RUN_TICKER=True, LOGIN_RATE_LIMIT="1000 per minute")
    live = LiveServer(app).start()
    try:
        host, guest = Person(live, "host"), Person(live, "guest")
        code = host.create_room()
        guest.join(code)
        host_ws = host.connect(code)
        host_ws.recv()
        guest_ws = guest.connect(code)
        guest_ws.recv()
        _answering_pings_until(host_ws, r'class="count"[^>]*>2<')
        # The guest reads nothing from now on, so it answers no ping; the host, reading (and so
        # answering) all along, sees the guest counted out after two rounds.
        _answering_pings_until(host_ws, rf'person-{guest.id}"[^>]*class="person status-(away|left)"', seconds=5)
        guest_ws.settimeout(5)
        opcode, data = guest_ws.recv_data(control_frame=True)
        while opcode != websocket.ABNF.OPCODE_CLOSE:  # what was sent before the close
            opcode, data = guest_ws.recv_data(control_frame=True)
        assert int.from_bytes(data[:2], "big") == 1008
        with pytest.raises(AssertionError):  # two more rounds later the host is still there
            _answering_pings_until(host_ws, r"never sent", seconds=1.5)
        assert host_ws.connected
        host_ws.close()
    finally:
        live.stop()
        lifecycle.shutdown(app)
