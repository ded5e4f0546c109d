"""One keepalive for every socket of the process: a ping every WS_PING_INTERVAL seconds.

simple-websocket's own `ping_interval` gives each connection a selector and a timed wait in its
reader (about 4 KiB and a deeper saved stack per socket, for a frame every 25 s). Here a single
loop walks the open connections instead: a connection that has not answered the previous ping
(browsers answer on their own) gets one more round, then is closed like simple-websocket would
(1008, "Ping/Pong timeout"), so a vanished phone is counted out instead of lingering forever.
The ping travels through the connection's mailbox, so it never cuts another frame.
"""
from __future__ import annotations

import threading
import time

from .frames import Published
from .hub import Close, Subscription

POLICY_VIOLATION = 1008
MISSED_PINGS_ALLOWED = 1  # one ping may go unanswered (it can wait behind a slow page's backlog)
_SWEEP_BATCH = 200  # connections pinged between two yields to the event loop


class _Ping(Published):
    frame = b"\x89\x00"  # an unmasked, empty ping frame, the same bytes for every connection


PING = _Ping("")
_watched: dict[Subscription, list] = {}  # subscription -> [ws, pings missed]
_lock = threading.Lock()
_state = {"interval": 25.0, "thread": None}


def configure(interval: float) -> None:
    _state["interval"] = float(interval)


def watch(ws, subscription: Subscription) -> None:
    ws.pong_received = True
    with _lock:
        _watched[subscription] = [ws, 0]
        if _state["thread"] is None:
            _state["thread"] = threading.Thread(target=_run, name="websocket keepalive", daemon=True)
            _state["thread"].start()


def forget(subscription: Subscription) -> None:
    with _lock:
        _watched.pop(subscription, None)


def watched() -> int:
    with _lock:
        return len(_watched)


def _run() -> None:
    last = time.monotonic()
    while True:
        # Short naps, so a changed interval (tests, a reloaded config) applies within a second.
        time.sleep(min(1.0, _state["interval"]))
        if time.monotonic() - last >= _state["interval"]:
            last = time.monotonic()
            sweep()


def sweep() -> tuple[int, int]:
    """Ping every watched connection; close those that missed too many. Returns (pinged, closed)."""
    with _lock:
        connections = list(_watched.items())
    pinged = closed = 0
    for n, (subscription, entry) in enumerate(connections, 1):
        ws = entry[0]
        if ws.pong_received:
            entry[1] = 0
        else:
            entry[1] += 1
        if entry[1] > MISSED_PINGS_ALLOWED:
            subscription.deliver(Close(POLICY_VIOLATION, "Ping/Pong timeout"))
            forget(subscription)
            closed += 1
            continue
        ws.pong_received = False
        subscription.deliver(PING)
        pinged += 1
        if n % _SWEEP_BATCH == 0:
            time.sleep(0)  # let the sockets run between batches (see realtime.cooperate)
    return pinged, closed
