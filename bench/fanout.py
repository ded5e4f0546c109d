"""Fan-out benchmark (not a test): how late does each second's time update reach every client?

    python bench/fanout.py [--clients 1000] [--seconds 20] [--client-processes 2]

Three runs against a real gunicorn (one gevent worker), each on a fresh SQLite database:
  baseline   the bare flask-sock broadcast loop below (one queue per socket, a timestamp a second);
  rooms      Focusroom with the clients in rooms of 4, the ticker inside the web process;
  big room   Focusroom with all clients in one room.
and, asked for with --runs baseline,redis:
  redis      rooms of 4 over two web processes (RUN_TICKER=0) and a `python -m webapp.clock`,
             everything published through Redis (REDIS_URL, default redis://127.0.0.1:6379/5);
             the clients alternate between the two processes.
Every client is a real WebSocket over its own TCP connection, read by a thin epoll client (see
CLIENT_CODE) in a few client processes on the same machine. For each update stamped with a
scheduled second (data-server-now-ms), the delay is arrival time minus that second; an update a client never receives counts as lost. Server CPU and
RSS are read from /proc for the worker. The last line printed is one JSON object.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STAMP = re.compile(rb'data-server-now-ms="(\d+)"')
SECRET_KEY = "bench-secret-key"


# ------------------------------------------------------------------ the bare baseline server
def _baseline_app():
    import gevent
    from flask import Flask
    from flask_sock import Sock
    from gevent.queue import Queue

    app, sock, queues = Flask("baseline"), Sock(), set()
    sock.init_app(app)

    def broadcast_forever():
        while True:
            gevent.sleep(1 - (time.time() % 1))
            stamp = int(time.time()) * 1000
            message = f'<div id="tick" data-server-now-ms="{stamp}"></div>'
            for queue in list(queues):
                queue.put(message)

    state = {"broadcaster": None}

    @sock.route("/ws")
    def ws(connection):
        if state["broadcaster"] is None:
            state["broadcaster"] = gevent.spawn(broadcast_forever)
        queue = Queue()
        queues.add(queue)
        try:
            while True:
                connection.send(queue.get())
        finally:
            queues.discard(queue)

    return app


if os.environ.get("FANOUT_BASELINE") == "1":  # imported by gunicorn as fanout:baseline_app
    baseline_app = _baseline_app()


# ------------------------------------------------------------------ data for the Focusroom runs
def prepare_database(directory: Path, clients: int, room_size: int) -> tuple[str, list[tuple[str, str]]]:
    """Users, running rooms, participants and signed session cookies; returns the DB URL and
    (socket path, cookie) per client."""
    database_url = f"sqlite:///{directory / 'bench.sqlite3'}"
    os.environ.update(DATABASE_URL=database_url, SECRET_KEY=SECRET_KEY, RUN_TICKER="0")
    sys.path.insert(0, str(ROOT))
    from webapp import create_app
    from webapp.accounts.sessions import _hash
    from webapp.extensions import db
    from webapp.models import LoginSession, Participant, User, utcnow
    from webapp.rooms import services

    app = create_app(overrides={"SQLALCHEMY_DATABASE_URI": database_url, "RUN_TICKER": False})
    targets = []
    with app.app_context():
        db.create_all()
        serializer = app.session_interface.get_signing_serializer(app)
        users, keys = [], []
        for n in range(clients):
            user = User(display_name=f"Bench {n}", is_guest=True)
            db.session.add(user)
            users.append(user)
        db.session.flush()
        for user in users:
            key = secrets.token_urlsafe(16)
            db.session.add(LoginSession(user_id=user.id, key_hash=_hash(key)))
            keys.append(key)
        db.session.commit()
        now = utcnow()
        for start in range(0, clients, room_size):
            members = users[start:start + room_size]
            room = services.create_room(members[0], {"name": f"Bench room {start // room_size}",
                                                     "work_minutes": 180, "max_participants": max(room_size, 2)}, now)
            db.session.add_all(Participant(room_id=room.id, user_id=u.id, joined_at=now) for u in members[1:])
            db.session.commit()
            services.control(room, members[0], "start", now)
            for user, key in zip(members, keys[start:start + room_size]):
                cookie = serializer.dumps({"_user_id": f"{user.id}.{key}", "_fresh": True})
                targets.append((f"/r/{room.code}/ws", f"session={cookie}"))
    return database_url, targets


# ------------------------------------------------------------------ servers and /proc figures
def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(kind: str, port: int, database_url: str | None, log: Path,
                 extra_env: dict | None = None) -> subprocess.Popen:
    venv_gunicorn = ROOT / ".venv" / "bin" / "gunicorn"
    gunicorn = str(venv_gunicorn) if venv_gunicorn.exists() else sys.executable + " -m gunicorn"
    if kind == "baseline":
        command = [*gunicorn.split(), "-k", "gevent", "-w", "1", "--worker-connections", "5000", "--bind",
                   f"127.0.0.1:{port}", "--chdir", str(ROOT / "bench"), "fanout:baseline_app"]
        env = {**os.environ, "FANOUT_BASELINE": "1"}
    else:
        command = [*gunicorn.split(), "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}", "--access-logfile", "/dev/null",
                   "wsgi:app"]
        env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": SECRET_KEY, "RUN_TICKER": "1",
               "WEB_CONCURRENCY": "1", "WORKER_CONNECTIONS": "5000", **(extra_env or {})}
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=open(log, "a"), stderr=subprocess.STDOUT,
                               start_new_session=True)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1)
            break
        except urllib.error.HTTPError:
            break  # the baseline has no /health; any HTTP answer means it is up
        except OSError:
            time.sleep(0.2)
    time.sleep(1.0)
    return process


def start_clock(database_url: str, extra_env: dict, log: Path) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": SECRET_KEY, **extra_env, "RUN_TICKER": "1"}
    return subprocess.Popen([sys.executable, "-m", "webapp.clock"], cwd=ROOT, env=env, stdout=open(log, "a"),
                            stderr=subprocess.STDOUT, start_new_session=True)


def worker_pid(master: int) -> int:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return int(children[0])


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


# ------------------------------------------------------------------ clients
CLIENT_CODE = r"""
# A deliberately thin client: the handshake by hand, then one epoll loop over raw sockets that
# reads frames with struct and answers pings. websocket-client spends ~150 us of Python on each
# message; with 1,000 sockets on the same 2 cores as the server, a burst of updates then queued
# in the clients and the figures measured the clients, not the server.
import base64, json, os, re, selectors, socket, struct, sys, time
stamp = re.compile(rb'data-server-now-ms="(\d+)"')
targets = json.loads(sys.stdin.readline())
lags, received, failed = [], [set() for _ in targets], 0
selector, buffers, sockets = selectors.DefaultSelector(), {}, []

def handshake(url, cookie):
    host, path = url[len("ws://"):].split("/", 1)
    address, port = host.split(":")
    sock = socket.create_connection((address, int(port)), timeout=60)
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall((f"GET /{path} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\n"
                  f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                  + (f"Cookie: {cookie}\r\n" if cookie else "") + "\r\n").encode())
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed during the handshake")
        head += chunk
    head, rest = head.split(b"\r\n\r\n", 1)
    if not head.startswith(b"HTTP/1.1 101"):
        raise ConnectionError(head.split(b"\r\n", 1)[0].decode())
    sock.setblocking(False)
    return sock, bytearray(rest)

def pong(sock, payload):
    mask = os.urandom(4)
    sock.sendall(bytes([0x8A, 0x80 | len(payload)]) + mask + bytes(b ^ mask[n % 4] for n, b in enumerate(payload)))

def frames(i, sock, buffer, arrived, window):
    while len(buffer) >= 2:
        opcode, length, offset = buffer[0] & 0x0F, buffer[1] & 0x7F, 2
        if length == 126:
            if len(buffer) < 4: return True
            length, offset = struct.unpack_from("!H", buffer, 2)[0], 4
        elif length == 127:
            if len(buffer) < 10: return True
            length, offset = struct.unpack_from("!Q", buffer, 2)[0], 10
        if len(buffer) < offset + length:
            return True
        payload = bytes(buffer[offset:offset + length])
        del buffer[:offset + length]
        if opcode == 0x9:
            pong(sock, payload)
        elif opcode == 0x8:
            return False
        elif opcode in (0x0, 0x1):
            for match in stamp.finditer(payload):
                ms = int(match.group(1))
                if ms % 1000 == 0 and window[0] * 1000 <= ms < window[1] * 1000 and ms not in received[i]:
                    received[i].add(ms); lags.append(arrived - ms)
    return True

window = (float("inf"), float("inf"))

def drain(until, timeout=0.2):
    # read whatever has arrived, at least once, then on until `until`
    while selector.get_map():
        for key, _ in selector.select(timeout=timeout):
            sock, i = key.fileobj, key.data
            try:
                chunk = sock.recv(262144)
            except BlockingIOError:
                continue
            except OSError:
                chunk = b""
            arrived = time.time() * 1000
            buffers[i] += chunk
            if not chunk or not frames(i, sock, buffers[i], arrived, window):
                selector.unregister(sock); sock.close()
        if time.time() >= until:
            return

for i, (url, cookie) in enumerate(targets):
    try:
        sock, rest = handshake(url, cookie)
    except Exception as error:
        failed += 1; print("connect failed:", error, file=sys.stderr)
        continue
    buffers[i] = rest
    sockets.append(sock)
    selector.register(sock, selectors.EVENT_READ, i)
    drain(0, timeout=0)  # the earlier sockets' first messages, so no server queue backs up
print(json.dumps({"connected": len(sockets)}), flush=True)

import threading
got_window = threading.Event()
def read_window():
    global window
    window = tuple(json.loads(sys.stdin.readline())); got_window.set()
threading.Thread(target=read_window, daemon=True).start()
while not got_window.is_set():
    drain(time.time() + 0.2)  # keep reading (and answering pings) while the parent settles
drain(window[1] + 2)
missing = {}  # second -> how many clients never got its update
for r in received:
    for second in range(int(window[0]), int(window[1])):
        if second * 1000 not in r:
            missing[second] = missing.get(second, 0) + 1
print(json.dumps({"lags": lags, "received": [len(r) for r in received], "failed": failed, "missing": missing}))
"""


def measure(kind: str, ports: list[int], targets, seconds: int, processes: int, masters: list[int],
            settle: float) -> dict:
    workers = [worker_pid(master) for master in masters]
    rss_idle = sum(rss_kib(worker) for worker in workers)
    urls = [(f"ws://127.0.0.1:{ports[n % len(ports)]}{path}", cookie) for n, (path, cookie) in enumerate(targets)]
    shares = [urls[i::processes] for i in range(processes)]
    clients = [subprocess.Popen([sys.executable, "-c", CLIENT_CODE], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, text=True) for _ in shares]
    ramp_started = time.monotonic()
    for client, share in zip(clients, shares):
        client.stdin.write(json.dumps(share) + "\n")
        client.stdin.flush()
    connected = sum(json.loads(client.stdout.readline())["connected"] for client in clients)
    ramp_seconds = time.monotonic() - ramp_started
    time.sleep(settle)  # measure the steady state, after the arrivals (see --settle)
    window_start = int(time.time()) + 2
    window_end = window_start + seconds
    for client in clients:
        client.stdin.write(json.dumps([window_start, window_end]) + "\n")
        client.stdin.close()
    time.sleep(max(0.0, window_start - time.time()))
    rss_connected, cpu_before = sum(rss_kib(w) for w in workers), sum(cpu_seconds(w) for w in workers)
    time.sleep(max(0.0, window_end - time.time()))
    cpu = sum(cpu_seconds(w) for w in workers) - cpu_before
    results = [json.loads(client.stdout.read() or "{}") for client in clients]
    for client in clients:
        client.wait()
    lags = sorted(lag for result in results for lag in result.get("lags", []))
    received = sum(sum(result.get("received", [])) for result in results)
    expected = connected * seconds
    return {
        "run": kind, "clients": len(targets), "connected": connected, "ramp_seconds": round(ramp_seconds, 1),
        "p50_ms": round(lags[len(lags) // 2], 1) if lags else None,
        "p99_ms": round(lags[min(len(lags) - 1, int(len(lags) * 0.99))], 1) if lags else None,
        "max_ms": round(lags[-1], 1) if lags else None,
        "mean_ms": round(statistics.fmean(lags), 1) if lags else None,
        "delivered": received, "expected": expected, "lost": expected - received,
        "server_cpu_percent": round(100 * cpu / seconds, 1),
        "rss_idle_kib": rss_idle, "rss_connected_kib": rss_connected,
        "rss_kib_per_client": round((rss_connected - rss_idle) / max(1, connected), 1),
    }


def run(kind: str, clients: int, seconds: int, processes: int, work: Path, settle: float) -> dict:
    directory = Path(tempfile.mkdtemp(prefix=f"fanout-{kind.replace(' ', '-')}-", dir=work))
    if kind == "baseline":
        database_url, targets = None, [("/ws", "") for _ in range(clients)]
    else:
        database_url, targets = prepare_database(directory, clients, clients if kind == "big room" else 4)
    extra_env, started = {}, []
    if kind == "redis":
        extra_env = {"REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5"),
                     "REDIS_PREFIX": f"bench-{secrets.token_hex(4)}", "RUN_TICKER": "0"}
        started.append(start_clock(database_url, extra_env, directory / "clock.log"))
    ports = [free_port() for _ in range(2 if kind == "redis" else 1)]
    try:
        servers = [start_server(kind, port, database_url, directory / f"server-{port}.log", extra_env)
                   for port in ports]
        started += servers
        return measure(kind, ports, targets, seconds, processes, [server.pid for server in servers], settle)
    finally:
        for process in started:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--client-processes", type=int, default=2)
    parser.add_argument("--runs", default="baseline,rooms,big room", help="a comma-separated subset")
    parser.add_argument("--settle", type=float, default=20.0,
                        help="seconds between the last connection and the measurement: these clients never "
                             "report activity, so tracking turns all of them idle at once about 15 s after "
                             "they arrive, a wave of list updates that real, staggered arrivals do not make")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so the servers' `finally` stops them
    work = Path(tempfile.mkdtemp(prefix="fanout-"))
    results = {}
    for kind in args.runs.split(","):
        results[kind] = run(kind, args.clients, args.seconds, args.client_processes, work, args.settle)
        print(json.dumps(results[kind]), flush=True)
    base = results.get("baseline")

    def versus(result):  # p99 against the bare flask-sock loop measured in the same invocation
        return round(result["p99_ms"] / base["p99_ms"], 2) if base and result["p99_ms"] and base["p99_ms"] else None

    print(json.dumps({
        "clients": args.clients, "seconds": args.seconds, "settle_seconds": args.settle,
        "runs": {kind: {"p50_ms": result["p50_ms"], "p99_ms": result["p99_ms"], "lost": result["lost"],
                        "p99_vs_baseline": versus(result) if kind != "baseline" else 1.0,
                        "rss_kib_per_client": result.get("rss_kib_per_client"),
                        "server_cpu_percent": result["server_cpu_percent"]} for kind, result in results.items()},
        "load_average": os.getloadavg()[0],
    }))


if __name__ == "__main__":
    main()
