"""Size limits and malformed requests: a clear 4xx, decided before anything big is read."""
import json
import socket
import time

import pytest
import websocket

from tests.conftest import AuthActions, build_app
from tests.support import factories
from tests.support.servers import LiveServer
from webapp import lifecycle
from webapp.extensions import db
from webapp.models import User, utcnow
from webapp.rooms import services

MIB = 1024 * 1024


# ---------------------------------------------------------------- request bodies (test client)

def test_an_api_body_over_the_limit_is_a_json_413(client):
    response = client.post("/api/v1/sessions", data=b"x" * (MIB + 1), content_type="application/json")
    assert response.status_code == 413
    assert response.get_json() == {"error": "That request is too large: at most 1 MiB can be sent at once."}


def test_a_form_over_the_limit_is_a_clear_413_page(client):
    response = client.post("/login", data=b"login=" + b"x" * (MIB + 1),
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "Too large" in html and "at most 1 MiB can be sent at once" in html


def test_the_limit_is_configurable(database_kind):
    app = build_app(database_kind, MAX_CONTENT_LENGTH=2048)
    client = app.test_client()
    response = client.post("/api/v1/sessions", data=b"x" * 2049, content_type="application/json")
    assert response.status_code == 413 and "at most 2 KiB" in response.get_json()["error"]
    assert client.post("/api/v1/sessions", data=b"x" * 2048,
                       content_type="application/json").status_code == 401  # small enough: the usual answer


# ---------------------------------------------------------------- a real server

@pytest.fixture(scope="module")
def server(tmp_path_factory):
    app = build_app("sqlite", tmp_path_factory.mktemp("limits"), LOGIN_RATE_LIMIT="1000 per minute")
    live = LiveServer(app).start()
    yield live
    live.stop()
    lifecycle.shutdown(app)


def raw_exchange(server, head: str, body: bytes = b"", seconds: float = 5.0) -> tuple[int, dict, bytes]:
    """Send a request head (and only part of any body), then read the answer: status, headers, body."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=seconds) as conn:
        conn.sendall(head.replace("\n", "\r\n").encode() + b"\r\n" + body)
        received = b""
        deadline = time.monotonic() + seconds
        while b"\r\n\r\n" not in received and time.monotonic() < deadline:
            chunk = conn.recv(65536)
            if not chunk:
                break
            received += chunk
        head_part, _, rest = received.partition(b"\r\n\r\n")
        lines = head_part.decode("latin-1").split("\r\n")
        headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
        while len(rest) < int(headers.get("content-length", 0)) and time.monotonic() < deadline:
            chunk = conn.recv(65536)
            if not chunk:
                break
            rest += chunk
    return int(lines[0].split()[1]), headers, rest


@pytest.mark.parametrize("path, content_type", [
    ("/api/v1/sessions", "application/json"),      # token required: would be a 401
    ("/settings", "application/x-www-form-urlencoded"),  # CSRF and login checks would read the form
])
def test_a_50_mb_body_is_refused_before_it_is_sent(server, path, content_type):
    head = (f"POST {path} HTTP/1.1\nHost: 127.0.0.1:{server.port}\nContent-Type: {content_type}\n"
            f"Content-Length: {50 * MIB}\n")
    status, _headers, body = raw_exchange(server, head, b"x" * 100)  # the other 50 MB never come
    assert status == 413
    assert b"at most 1 MiB" in body


def test_a_401_does_not_wait_for_the_body(server):
    head = (f"POST /api/v1/sessions HTTP/1.1\nHost: 127.0.0.1:{server.port}\n"
            f"Content-Type: application/json\nContent-Length: {MIB}\n")
    status, _headers, body = raw_exchange(server, head, b"{")
    assert status == 401 and "error" in json.loads(body)


# ---------------------------------------------------------------- the room socket

def participant_cookie_and_room(server) -> tuple[str, str]:
    app = server.app
    with app.app_context():
        user = factories.make_user(f"sock{time.monotonic_ns() % 10**9}")
        code = services.create_room(db.session.get(User, user.id), {"name": "Limits"}, utcnow()).code
        username = user.username
    client = app.test_client()
    AuthActions(client).login(username)
    return f"session={client.get_cookie('session').value}", code


def handshake_head(server, code, cookie, **headers) -> str:
    lines = {"Host": f"127.0.0.1:{server.port}", "Upgrade": "websocket", "Connection": "Upgrade",
             "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version": "13",
             "Cookie": cookie, **headers}
    return f"GET /r/{code}/ws HTTP/1.1\n" + "".join(f"{k}: {v}\n" for k, v in lines.items() if v is not None)


@pytest.mark.parametrize("headers, status", [
    ({"Sec-WebSocket-Version": None}, 400),
    ({"Sec-WebSocket-Version": "8"}, 426),
    ({"Sec-WebSocket-Key": None}, 400),
    ({"Connection": "keep-alive"}, 400),
    ({"Sec-WebSocket-Extensions": "permessage-deflate; client_max_window_bits=abc"}, 400),
    ({"Host": None}, 400),
])
def test_a_malformed_socket_handshake_is_a_4xx(server, headers, status):
    cookie, code = participant_cookie_and_room(server)
    answer, answer_headers, _ = raw_exchange(server, handshake_head(server, code, cookie, **headers))
    assert answer == status
    if status == 426:
        assert answer_headers["sec-websocket-version"] == "13"
    assert raw_exchange(server, handshake_head(server, code, cookie))[0] == 101  # a proper one still opens


def test_a_socket_message_over_the_limit_closes_with_1009(server):
    cookie, code = participant_cookie_and_room(server)
    ws = websocket.create_connection(f"{server.ws_url}/r/{code}/ws", cookie=cookie, timeout=5, origin=server.url)
    try:
        ws.recv()  # the whole state comes first
        ws.send('{"type": "activity"}')  # a small message is fine
        ws.send("x" * (64 * 1024 + 1))
        while True:
            opcode, data = ws.recv_data(control_frame=True)
            if opcode == websocket.ABNF.OPCODE_CLOSE:
                break
        assert int.from_bytes(data[:2], "big") == 1009
    finally:
        ws.close()


def test_a_too_large_form_on_a_page_with_forms_still_gets_the_413_page(client, auth, make_user):
    make_user("grace")
    auth.login("grace")
    response = client.post("/settings", data=b"profile-bio=" + b"x" * (MIB + 1),
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413 and "at most 1 MiB" in response.get_data(as_text=True)
