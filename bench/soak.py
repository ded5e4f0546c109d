"""Soak (not a test): one gevent web process with its ticker, for many minutes, under the two loads
that once held its event loop: a burst of sign-ups (scrypt) and a crowd of sockets closing at once.

    python -m bench.soak [--minutes 12] [--rooms 100] [--signups 40]

Builds rooms of 8 on a fresh SQLite file (every room running): 4 "stayers" per room (400 sockets
by default) are connected for the whole soak and count every time update they get, as in
bench/fanout.py (same thin epoll client); 4 "leavers" per room connect too and, a third of the way
in, all close at the same moment (their client process is killed). At the same third, a burst of
sign-ups (`--signups` parallel POST /register, each a scrypt hash) hits the process.
Counted over the whole window: time updates lost by the stayers (expected = stayers x seconds),
delivery lag percentiles, and the ticker's skipped or missed jobs (APScheduler's own warnings in
the server log). Goal: nothing lost, no job skipped. The last line printed is one JSON object.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.cookiejar import CookieJar
from pathlib import Path

from bench.fanout import CLIENT_CODE, free_port, prepare_database, rss_kib, start_server, worker_pid

SKIPPED = re.compile(r"skipped: maximum number of running instances|was missed by", re.I)
ROOM_SIZE = 8


def sign_up(base: str, n: int) -> int:
    """GET the form (for its CSRF token and cookie), then POST it: one real sign-up."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    page = opener.open(f"{base}/register", timeout=60).read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"csrf_token": token, "username": f"soak{n}x{os.getpid()}",
                                   "email": f"soak{n}@example.com", "password": "a long soak password",
                                   "confirm": "a long soak password", "timezone": "UTC"}).encode()
    return opener.open(f"{base}/register", data=body, timeout=60).status


def connect_clients(urls: list[tuple[str, str]]) -> subprocess.Popen:
    client = subprocess.Popen([sys.executable, "-c", CLIENT_CODE], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True)
    client.stdin.write(json.dumps(urls) + "\n")
    client.stdin.flush()
    connected = json.loads(client.stdout.readline())["connected"]
    assert connected == len(urls), f"{connected} of {len(urls)} connected"
    return client


def count_within(client: subprocess.Popen, window: tuple[int, int]) -> None:
    client.stdin.write(json.dumps(list(window)) + "\n")
    client.stdin.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=12)
    parser.add_argument("--rooms", type=int, default=100)
    parser.add_argument("--signups", type=int, default=40)
    args = parser.parse_args()
    directory = Path(tempfile.mkdtemp(prefix="soak-"))
    database_url, targets = prepare_database(directory, args.rooms * ROOM_SIZE, ROOM_SIZE)
    port = free_port()
    log = directory / "server.log"
    server = start_server("rooms", port, database_url, log, {"SIGNUP_RATE_LIMIT": "10000 per minute"})
    try:
        worker = worker_pid(server.pid)
        urls = [(f"ws://127.0.0.1:{port}{path}", cookie) for path, cookie in targets]
        stayers = [url for n, url in enumerate(urls) if n % ROOM_SIZE < ROOM_SIZE // 2]
        leavers = [url for n, url in enumerate(urls) if n % ROOM_SIZE >= ROOM_SIZE // 2]
        seconds = int(args.minutes * 60)
        stay, leave = connect_clients(stayers), connect_clients(leavers)
        # The window opens once everyone is connected: the arrivals are not the soak's load.
        window = (int(time.time()) + 5, int(time.time()) + 5 + seconds)
        count_within(stay, window)
        count_within(leave, (window[1] + 3600, window[1] + 3600))  # they count nothing
        rss_start = rss_kib(worker)
        time.sleep(max(0.0, window[0] + seconds / 3 - time.time()))

        statuses: list[int] = []
        burst = threading.Thread(target=lambda: statuses.extend(
            ThreadPoolExecutor(max(1, args.signups)).map(lambda n: sign_up(f"http://127.0.0.1:{port}", n),
                                                 range(args.signups))))
        burst.start()
        leave.kill()  # every leaver's socket closes at this moment
        closed_at = time.time()
        burst.join()
        print(f"{args.signups} sign-ups answered {sorted(set(statuses))}; "
              f"{len(leavers)} sockets closed at once at +{closed_at - window[0]:.0f} s", file=sys.stderr, flush=True)

        result = json.loads(stay.stdout.read() or "{}")
        stay.wait()
        rss_end = rss_kib(worker)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    lags = sorted(result.get("lags", []))
    expected = len(stayers) * seconds
    delivered = sum(result.get("received", []))
    # Up to the server's shutdown: once gunicorn is told to stop (after the window), closing the
    # sockets keeps the loop busy and a lease renewal may be late; that is not the soak's load.
    running = log.read_text().split("Handling signal: term")[0]
    skipped = [line for line in running.splitlines() if SKIPPED.search(line)]
    lost_seconds = sorted((int(second) - window[0], n) for second, n in result.get("missing", {}).items())
    if lost_seconds:
        print(f"updates lost at (seconds into the window, clients): {lost_seconds[:20]}; "
              f"the burst was at +{closed_at - window[0]:.0f} s", file=sys.stderr)
    for line in skipped[:10]:
        print(line, file=sys.stderr)
    print(json.dumps({
        "minutes": args.minutes, "rooms": args.rooms, "stayers": len(stayers), "leavers": len(leavers),
        "signups": args.signups, "signups_ok": sum(1 for status in statuses if status == 200),
        "expected": expected, "delivered": delivered, "lost": expected - delivered,
        "p50_ms": round(lags[len(lags) // 2], 1) if lags else None,
        "p99_ms": round(lags[min(len(lags) - 1, int(len(lags) * 0.99))], 1) if lags else None,
        "max_ms": round(lags[-1], 1) if lags else None,
        "skipped_jobs": len(skipped), "rss_start_kib": rss_start, "rss_end_kib": rss_end,
        "load_average": os.getloadavg()[0],
    }))


if __name__ == "__main__":
    main()
