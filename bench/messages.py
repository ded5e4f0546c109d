"""Benchmark: direct messages at scale (not a test).

    python -m bench.messages [--messages 1000000] [--database-url postgresql+psycopg://...] [--skip-live]

1. Reads. One person ("me") has 1,000 conversations holding 100,000 messages, among --messages
   messages in all (default 1,000,000; the rest between 2,000 other people), with 10 unread
   messages in each of my conversations. Timed warm, median of --repeat runs:
     inbox page (the service, then the full GET /messages request), a conversation page (full
     GET request: render and mark read), my unread count. Goal: <= 30 ms each on SQLite.
2. Live. A real gunicorn (one gevent worker) on a fresh SQLite database; 1,000 recipients each
   with one open tab (/live/me, a thin epoll client like bench/fanout.py's); one sender posts a
   message to each of them in turn through the API; the delay from the POST to the toast
   arriving in the recipient's tab is measured (p50, p99, max).
Prints one line per figure, then one JSON line last.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, text  # noqa: E402

from webapp import create_app  # noqa: E402
from webapp.config import TestConfig  # noqa: E402
from webapp.extensions import db  # noqa: E402
from webapp.models import Conversation, ConversationMember, Message, User, utcnow  # noqa: E402

PASSWORD = "bench password 123"
BATCH = 20_000
MY_CONVERSATIONS, PER_CONVERSATION, UNREAD_EACH = 1000, 100, 10
OTHERS = 2000


def build(app, total_messages: int, rng: random.Random) -> dict:
    from webapp.accounts.passwords import hash_password
    now = utcnow()
    with app.app_context():
        people = 1 + MY_CONVERSATIONS + OTHERS
        db.session.execute(insert(User), [
            {"username": f"u{n}", "display_name": f"Person {n}", "bio": "", "timezone": "Europe/Berlin",
             "is_guest": False, "role": "member", "password_hash": hash_password(PASSWORD) if n == 0 else None,
             "created_at": now - timedelta(days=400)} for n in range(people)])
        db.session.commit()
        ids = list(db.session.execute(text("SELECT id FROM users ORDER BY id")).scalars())
        me, partners, others = ids[0], ids[1:1 + MY_CONVERSATIONS], ids[1 + MY_CONVERSATIONS:]
        pairs = [(me, partner) for partner in partners]
        other_pairs, seen = [], set()
        while len(other_pairs) < max(0, total_messages // PER_CONVERSATION - MY_CONVERSATIONS):
            a, b = sorted(rng.sample(others, 2))
            if (a, b) not in seen:
                seen.add((a, b))
                other_pairs.append((a, b))
        started = time.perf_counter()
        message_id, rows, members = 0, [], []
        start_time = now - timedelta(days=200)
        members = [(number, a, b) for number, (a, b) in enumerate(pairs + other_pairs, start=1)]
        db.session.execute(insert(Conversation), [{"id": number, "user_low_id": min(a, b), "user_high_id": max(a, b),
                                                   "created_at": start_time} for number, a, b in members])
        member_rows = []
        for number, a, b in members:
            first_id = message_id + 1
            for k in range(PER_CONVERSATION):
                message_id += 1
                rows.append({"id": message_id, "conversation_id": number, "sender_id": a if k % 2 else b,
                             "body": f"Message {k} of conversation {number}: same time tomorrow?",
                             "created_at": start_time + timedelta(minutes=number * 7 + k)})
                if len(rows) >= BATCH:
                    db.session.execute(insert(Message), rows)
                    rows = []
            last_at = start_time + timedelta(minutes=number * 7 + PER_CONVERSATION - 1)
            read_up_to = message_id - UNREAD_EACH if a == me else message_id
            for user, other in ((a, b), (b, a)):
                member_rows.append({"conversation_id": number, "user_id": user, "other_user_id": other,
                                    "last_message_id": message_id, "last_message_at": last_at,
                                    "last_read_message_id": read_up_to if user == me else message_id,
                                    "seen_message_id": first_id})
        if rows:
            db.session.execute(insert(Message), rows)
        db.session.execute(insert(ConversationMember), member_rows)
        db.session.commit()
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        return {"me": me, "conversation": 1, "messages": message_id,
                "build_seconds": round(time.perf_counter() - started, 1)}


def timed(function, repeat: int) -> float:
    function()  # warm
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(samples), 2)


def reads(database_url: str | None, total: int, repeat: int) -> dict:
    from webapp.messages import reading
    overrides = {"SQLALCHEMY_DATABASE_URI": database_url, "RATELIMIT_ENABLED": False} if database_url else {}
    work = tempfile.mkdtemp(prefix="bench-messages-")
    if not database_url:
        overrides = {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{work}/messages.sqlite3", "RATELIMIT_ENABLED": False}
    app = create_app(TestConfig, {**overrides, "LOGIN_RATE_LIMIT": "1000 per minute"})
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
        db.create_all()
    built = build(app, total, random.Random(7))
    client = app.test_client()
    from tests.conftest import AuthActions
    assert AuthActions(client).login("u0", PASSWORD).status_code == 302
    with app.app_context():
        me = built["me"]
        unread = reading.unread_total(me)
        figures = {
            "database": db.engine.dialect.name, "messages": built["messages"], "build_seconds": built["build_seconds"],
            "my_unread": unread,
            "inbox_service_ms": timed(lambda: reading.inbox(me), repeat),
            "unread_count_ms": timed(lambda: reading.unread_total(me), repeat),
        }
        db.session.remove()
    figures["inbox_page_ms"] = timed(lambda: _ok(client.get("/messages")), repeat)
    figures["conversation_page_ms"] = timed(lambda: _ok(client.get(f"/messages/c/{built['conversation']}")), repeat)
    with app.app_context():
        db.engine.dispose()
    return figures


def _ok(response):
    assert response.status_code == 200, response.status_code
    return response


# ------------------------------------------------------------------ live delivery to 1,000 tabs
CLIENT_CODE = r"""
import base64, json, os, re, selectors, socket, struct, sys, time
toast = re.compile(rb'href="/messages/c/(\d+)">New message from')
targets = json.loads(sys.stdin.readline())
arrivals, selector, buffers, failed = {}, selectors.DefaultSelector(), {}, 0

def handshake(url, cookie):
    host, path = url[len("ws://"):].split("/", 1)
    address, port = host.split(":")
    sock = socket.create_connection((address, int(port)), timeout=60)
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall((f"GET /{path} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nCookie: {cookie}\r\n\r\n").encode())
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = sock.recv(65536)
        if not chunk: raise ConnectionError("closed during the handshake")
        head += chunk
    head, rest = head.split(b"\r\n\r\n", 1)
    if not head.startswith(b"HTTP/1.1 101"): raise ConnectionError(head.split(b"\r\n", 1)[0].decode())
    sock.setblocking(False)
    return sock, bytearray(rest)

def pong(sock, payload):
    mask = os.urandom(4)
    sock.sendall(bytes([0x8A, 0x80 | len(payload)]) + mask + bytes(b ^ mask[n % 4] for n, b in enumerate(payload)))

def frames(sock, buffer, arrived):
    while len(buffer) >= 2:
        opcode, length, offset = buffer[0] & 0x0F, buffer[1] & 0x7F, 2
        if length == 126:
            if len(buffer) < 4: return True
            length, offset = struct.unpack_from("!H", buffer, 2)[0], 4
        elif length == 127:
            if len(buffer) < 10: return True
            length, offset = struct.unpack_from("!Q", buffer, 2)[0], 10
        if len(buffer) < offset + length: return True
        payload = bytes(buffer[offset:offset + length]); del buffer[:offset + length]
        if opcode == 0x9: pong(sock, payload)
        elif opcode == 0x8: return False
        else:
            for match in toast.finditer(payload):
                arrivals.setdefault(int(match.group(1)), arrived)
    return True

def drain(until, timeout=0.2):
    while selector.get_map():
        for key, _ in selector.select(timeout=timeout):
            sock = key.fileobj
            try: chunk = sock.recv(262144)
            except BlockingIOError: continue
            except OSError: chunk = b""
            buffers[sock] += chunk
            if not chunk or not frames(sock, buffers[sock], time.time()):
                selector.unregister(sock); sock.close()
        if time.time() >= until: return

for url, cookie in targets:
    try: sock, rest = handshake(url, cookie)
    except Exception as error:
        failed += 1; print("connect failed:", error, file=sys.stderr); continue
    buffers[sock] = rest; selector.register(sock, selectors.EVENT_READ)
    drain(0, timeout=0)
print(json.dumps({"connected": len(buffers)}), flush=True)
import threading
stop = threading.Event()
threading.Thread(target=lambda: (sys.stdin.readline(), stop.set()), daemon=True).start()
while not stop.is_set(): drain(time.time() + 0.2)
drain(time.time() + 2)
print(json.dumps({"arrivals": arrivals, "failed": failed}))
"""


def live(recipients: int, processes: int) -> dict:
    from bench.fanout import SECRET_KEY, cpu_seconds, free_port, rss_kib, start_server, worker_pid
    work = Path(tempfile.mkdtemp(prefix="bench-messages-live-"))
    database_url = f"sqlite:///{work / 'live.sqlite3'}"
    os.environ.update(SECRET_KEY=SECRET_KEY)
    from webapp.accounts.sessions import _hash
    from webapp.accounts.tokens import issue_token
    from webapp.models import LoginSession
    app = create_app(overrides={"SQLALCHEMY_DATABASE_URI": database_url, "RUN_TICKER": False, "SECRET_KEY": SECRET_KEY})
    targets, conversations = [], {}
    with app.app_context():
        db.create_all()
        serializer = app.session_interface.get_signing_serializer(app)
        sender = User(username="sender", display_name="Sender")
        people = [User(username=f"r{n}", display_name=f"Recipient {n}") for n in range(recipients)]
        db.session.add_all([sender, *people])
        db.session.flush()
        now = utcnow()
        for person in people:
            key = secrets.token_urlsafe(16)
            db.session.add(LoginSession(user_id=person.id, key_hash=_hash(key)))
            conversation = Conversation(user_low_id=sender.id, user_high_id=person.id, created_at=now)
            db.session.add(conversation)
            db.session.flush()
            db.session.add_all([ConversationMember(conversation_id=conversation.id, user_id=sender.id,
                                                   other_user_id=person.id, last_message_at=now),
                                ConversationMember(conversation_id=conversation.id, user_id=person.id,
                                                   other_user_id=sender.id, last_message_at=now)])
            conversations[person.id] = conversation.id
            targets.append(("/live/me", f"session={serializer.dumps({'_user_id': f'{person.id}.{key}', '_fresh': True})}"))
        db.session.commit()
        token = issue_token(sender)[1]
        db.session.commit()
        conversation_ids = list(conversations.values())
    port = free_port()
    server = start_server("app", port, database_url, work / "server.log",
                          {"MESSAGE_RATE_LIMIT": "100000 per minute", "RUN_TICKER": "0"})
    try:
        worker = worker_pid(server.pid)
        urls = [(f"ws://127.0.0.1:{port}{path}", cookie) for path, cookie in targets]
        shares = [urls[i::processes] for i in range(processes)]
        clients = [subprocess.Popen([sys.executable, "-c", CLIENT_CODE], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                    text=True) for _ in shares]
        for client, share in zip(clients, shares):
            client.stdin.write(json.dumps(share) + "\n")
            client.stdin.flush()
        connected = sum(json.loads(client.stdout.readline())["connected"] for client in clients)
        time.sleep(2)
        rss_connected, cpu_before = rss_kib(worker), cpu_seconds(worker)
        sent_at, post_ms = {}, []
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        started = time.time()
        for conversation_id in conversation_ids:
            body = json.dumps({"conversation_id": conversation_id, "body": "same time tomorrow?"})
            sent_at[conversation_id] = time.time()
            connection.request("POST", "/api/v1/messages", body=body,
                               headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
            response = connection.getresponse()
            response.read()
            post_ms.append((time.time() - sent_at[conversation_id]) * 1000)
            assert response.status == 201, response.status
        send_seconds = time.time() - started
        time.sleep(2)
        cpu = cpu_seconds(worker) - cpu_before
        for client in clients:
            client.stdin.write("stop\n")
            client.stdin.close()
        arrivals = {}
        for client in clients:
            arrivals.update({int(k): v for k, v in json.loads(client.stdout.read() or "{}").get("arrivals", {}).items()})
            client.wait()
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=20)
    lags = sorted((arrivals[c] - sent_at[c]) * 1000 for c in conversation_ids if c in arrivals)
    pick = lambda q: round(lags[min(len(lags) - 1, int(len(lags) * q))], 1) if lags else None  # noqa: E731
    return {"recipients": recipients, "connected": connected, "delivered": len(lags),
            "lost": len(conversation_ids) - len(lags), "p50_ms": pick(0.5), "p99_ms": pick(0.99),
            "max_ms": round(lags[-1], 1) if lags else None, "post_p50_ms": round(statistics.median(post_ms), 1),
            "send_seconds": round(send_seconds, 1), "server_cpu_percent": round(100 * cpu / max(send_seconds, 0.1), 1),
            "rss_connected_kib": rss_connected}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--database-url")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--recipients", type=int, default=1000)
    parser.add_argument("--client-processes", type=int, default=2)
    parser.add_argument("--skip-live", action="store_true")
    parser.add_argument("--skip-reads", action="store_true")
    args = parser.parse_args()
    result = {"measured": "under load (shared machine); rerun quietly for the record"}
    if not args.skip_reads:
        figures = reads(args.database_url, args.messages, args.repeat)
        for name, value in figures.items():
            print(f"{name:>24}: {value}")
        result["reads"] = figures
    if not args.skip_live:
        delivery = live(args.recipients, args.client_processes)
        for name, value in delivery.items():
            print(f"{'live ' + name:>24}: {value}")
        result["live"] = delivery
    print(json.dumps(result))


if __name__ == "__main__":
    main()
