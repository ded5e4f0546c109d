"""The JSON live protocol (/api/v1/live) against a real server with real WebSocket clients; every
message either way is validated against the published AsyncAPI document."""
import json
from datetime import datetime
from pathlib import Path

import jsonschema
import pytest
import websocket

from tests.conftest import DATABASES, build_app
from tests.integration.test_rooms_socket import Person, wait_for
from tests.support.live import LiveClient, Schemas, make_token
from tests.support.redis_server import clean, require_redis, unique_prefix
from tests.support.servers import LiveServer
from webapp import lifecycle, realtime
from webapp.realtime.sockets import MAX_CLIENT_MESSAGE_BYTES


@pytest.fixture(scope="module", params=DATABASES + ["redis hub"])
def server(request, tmp_path_factory):
    """SQLite, PostgreSQL (when configured), and SQLite with the hub through Redis (where every
    process renders the JSON states, as with several web processes)."""
    kind, extra = request.param, {}
    if kind == "redis hub":
        kind, extra = "sqlite", {"REDIS_URL": require_redis(), "REDIS_PREFIX": unique_prefix()}
    app = build_app(kind, tmp_path_factory.mktemp("live"), RUN_TICKER=True,
                    LOGIN_RATE_LIMIT="1000 per minute", SIGNUP_RATE_LIMIT="1000 per minute", **extra)
    live = LiveServer(app).start()
    yield live
    live.stop()
    lifecycle.shutdown(app)
    if extra:
        realtime.get_hub(app).close()
        clean(extra["REDIS_PREFIX"])


@pytest.fixture(scope="module")
def schemas(server):
    return Schemas(server.url)


@pytest.fixture
def connect(server, schemas):
    opened = []

    def open_client(name="someone", via="subprotocol"):
        user_id, token = make_token(server.app, name)
        client = LiveClient(server, schemas, token, via=via)
        client.user_id, client.token = user_id, token
        opened.append(client)
        return client
    yield open_client
    for client in opened:
        client.close()


def create(client, **settings) -> str:
    client.send("create_session", {"name": "Live room", **settings})
    code = client.wait_for("session_created")["room_code"]
    state = client.wait_for("session_joined")
    assert state["room"]["code"] == code and state["you"]["is_host"] is True
    return code


def test_the_protocol_document_is_asyncapi_3_and_names_every_event(schemas):
    document = schemas.document
    official = json.loads((Path(__file__).resolve().parents[1] / "vendor" / "asyncapi" /
                           "asyncapi-3.0.0.schema.json").read_text())
    jsonschema.Draft7Validator(official).validate(document)  # the AsyncAPI 3.0.0 specification's schema
    sent = {ref["$ref"].rsplit("/", 1)[1] for ref in document["operations"]["send"]["messages"]}
    received = {ref["$ref"].rsplit("/", 1)[1] for ref in document["operations"]["receive"]["messages"]}
    assert {"create_session", "join_session", "start_session", "pause_session", "resume_session", "skip_phase",
            "end_session", "update_status", "activity", "tab_switch", "stop"} <= sent
    assert {"session_created", "session_joined", "participant_joined", "participant_left",
            "participant_status_updated", "session_started", "time_update", "phase_changed",
            "session_completed", "error"} <= received


@pytest.mark.parametrize("token", [None, "fr_not-a-real-token"])
def test_without_a_valid_token_the_socket_closes_with_4401(server, token):
    options = {"subprotocols": ["focusroom.v1", token]} if token else {}
    ws = websocket.create_connection(f"{server.ws_url}/api/v1/live", timeout=5, **options)
    opcode, frame = ws.recv_data_frame(True)
    assert opcode == websocket.ABNF.OPCODE_CLOSE
    assert int.from_bytes(frame.data[:2], "big") == 4401
    ws.close()


@pytest.mark.parametrize("via", ["subprotocol", "query"])
def test_a_token_in_either_place_opens_the_socket(connect, via):
    client = connect("host", via=via)
    if via == "subprotocol":
        assert client.ws.getsubprotocol() == "focusroom.v1"
    create(client)


def test_a_host_runs_a_whole_session(connect):
    host = connect("host")
    code = create(host, work_minutes=1, short_break_minutes=1, rounds=2, auto_start_breaks=True)
    host.send("start_session")
    timer = host.wait_for("session_started")["timer"]
    assert (timer["status"], timer["phase"], timer["round"]) == ("running", "work", 1)
    deadline = datetime.fromisoformat(timer["phase_ends_at"])
    updates = [host.wait_for("time_update") for _ in range(3)]
    stamps = [u["server_time_ms"] for u in updates]
    assert stamps == sorted(stamps) and stamps[-1] - stamps[0] >= 1000
    for update in updates:  # derived from the server's deadline, never from a client's count
        assert update["phase"] == "work" and update["room_code"] == code
        assert abs((datetime.fromisoformat(update["phase_ends_at"]) - deadline).total_seconds()) < 0.002
        left = (deadline - datetime.fromisoformat(update["server_time"])).total_seconds()
        assert update["remaining_seconds"] == pytest.approx(left, abs=0.01)
    host.send("pause_session")
    assert host.wait_for("phase_changed")["timer"]["status"] == "paused"
    host.send("resume_session")
    assert host.wait_for("phase_changed")["timer"]["status"] == "running"
    host.send("skip_phase")
    changed = host.wait_for("phase_changed")
    assert changed["timer"]["phase"] == "short_break" and changed["previous"]["phase"] == "work"
    host.send("end_session")
    done = host.wait_for("session_completed")
    assert done["room"]["timer"]["status"] == "completed"
    me = next(p for p in done["participants"] if p["user_id"] == host.user_id)
    assert {"focus_score", "active_seconds", "elapsed_seconds"} <= set(me["figures"])


def test_people_join_change_status_and_leave(connect):
    host, guest = connect("host"), connect("guest")
    code = create(host)
    guest.send("join_session", {"room_code": code.lower()})
    state = guest.wait_for("session_joined")
    assert {p["user_id"] for p in state["participants"]} >= {host.user_id, guest.user_id}
    assert state["you"]["user_id"] == guest.user_id and state["you"]["is_host"] is False
    host.wait_for("participant_joined", user_id=guest.user_id)
    host.send("start_session")
    guest.wait_for("session_started")
    guest.send("update_status", {"status": "paused"})
    host.wait_for("participant_status_updated", user_id=guest.user_id, status="paused")
    guest.send("update_status", {"status": "focusing"})
    host.wait_for("participant_status_updated", user_id=guest.user_id, status="focusing")
    guest.send("tab_switch", {"state": "hidden"})
    host.wait_for("participant_status_updated", user_id=guest.user_id, status="away")
    guest.send("tab_switch", {"state": "visible"})
    guest.send("activity")
    host.wait_for("participant_status_updated", user_id=guest.user_id, status="focusing")
    guest.send("update_status", {"status": "failed"})
    host.wait_for("participant_status_updated", user_id=guest.user_id, status="failed")
    guest.send("stop")
    assert guest.wait_for("session_left")["room_code"] == code
    host.wait_for("participant_left", user_id=guest.user_id)


def test_only_the_host_controls_and_only_participants_act(connect):
    host, guest, outsider = connect("host"), connect("guest"), connect("outsider")
    code = create(host)
    outsider.send("start_session")
    assert outsider.wait_for("error")["code"] == "not_joined"
    outsider.send("activity")
    assert outsider.wait_for("error")["code"] == "not_joined"
    guest.send("join_session", {"room_code": code})
    guest.wait_for("session_joined")
    guest.send("start_session")
    refusal = guest.wait_for("error")
    assert (refusal["code"], refusal["event"]) == ("forbidden", "start_session")
    host.send("pause_session")
    assert host.wait_for("error")["code"] == "conflict"  # nothing is running yet
    outsider.send("join_session", {"room_code": "ZZZZZZ"})
    assert outsider.wait_for("error")["code"] == "not_found"


def test_bad_messages_get_an_error_and_the_socket_lives_on(connect):
    client = connect("sender")
    client.send_raw("{not json")
    assert client.wait_for("error")["code"] == "malformed"
    client.send_raw('["event", "data"]')
    assert client.wait_for("error")["code"] == "malformed"
    client.send("fly_away", check=False)
    assert client.wait_for("error")["code"] == "unknown_event"
    client.send_raw('{"event": "activity", "data": {"pad": "' + "x" * MAX_CLIENT_MESSAGE_BYTES + '"}}')
    assert client.wait_for("error")["code"] == "too_large"
    client.send("update_status", {"status": "asleep"}, check=False)
    problem = client.wait_for("error")
    assert problem["code"] == "invalid" and "status" in problem["fields"]
    client.send("create_session", {"name": "x", "work_minutes": 0}, check=False)
    problem = client.wait_for("error")
    assert problem["code"] == "invalid" and "work_minutes" in problem["fields"]
    client.ws.send_binary(b"\x00\x01")
    assert client.wait_for("error")["code"] == "malformed"
    create(client)  # still serving


def test_a_flood_is_rate_limited(connect):
    client = connect("flooder")
    create(client)
    for _ in range(60):
        client.send("activity")
    assert client.wait_for("error")["code"] == "rate_limited"


def test_a_mixed_room_a_page_and_two_clients(server, connect):
    host, other = connect("host"), connect("other")
    code = create(host)
    other.send("join_session", {"room_code": code})
    other.wait_for("session_joined")
    page = Person(server, "browser")
    page.join(code)
    page_ws = page.connect(code)
    wait_for(page_ws, f'id="room-{code}-timer"')
    for client in (host, other):
        client.wait_for("participant_joined", user_id=page.id)
    host.send("start_session")
    wait_for(page_ws, 'data-status="running"')
    other.wait_for("session_started")
    assert page.control(code, "pause").status_code == 403  # the page's person is not the host
    page_ws.close()
    host.wait_for("participant_left", user_id=page.id)


def test_a_reconnecting_client_gets_the_whole_state_again(server, schemas, connect):
    host = connect("host")
    code = create(host)
    host.send("start_session")
    deadline = host.wait_for("session_started")["timer"]["phase_ends_at"]
    host.close()
    again = LiveClient(server, schemas, host.token)
    try:
        again.send("join_session", {"room_code": code})
        state = again.wait_for("session_joined")
        assert state["room"]["timer"]["status"] == "running"
        assert state["room"]["timer"]["phase_ends_at"] == deadline
        assert state["you"]["is_host"] is True
        again.send("pause_session")
        assert again.wait_for("phase_changed")["timer"]["status"] == "paused"
    finally:
        again.close()
