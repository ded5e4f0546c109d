"""Ignore-and-throttle for page reports over the socket.

A page sends at most one report every 5 s plus its tab switches; a client that sends far more is
forging or broken. Its extra reports are ignored (never an error: nothing to answer), so a flood
costs one dictionary look-up, not a database write. In-process state: each web process guards its
own sockets, which is exactly where the flood arrives.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable

REPORTS_PER_WINDOW = 20
WINDOW_SECONDS = 30.0
_MAX_TRACKED = 50_000


class FloodGuard:
    def __init__(self, limit: int = REPORTS_PER_WINDOW, window: float = WINDOW_SECONDS,
                 clock: Callable[[], float] = time.monotonic):
        self.limit, self.window, self._clock = limit, window, clock
        self._windows: dict[int, tuple[float, int]] = {}
        self._lock = threading.Lock()

    def allow(self, key: int) -> bool:
        """Count one report from `key`; False once it sent more than `limit` in the current window."""
        now = self._clock()
        with self._lock:
            started, count = self._windows.get(key, (now, 0))
            if now - started >= self.window:
                started, count = now, 0
            self._windows[key] = (started, count + 1)
            if len(self._windows) > _MAX_TRACKED:
                self._forget_before(now - self.window)
            return count < self.limit

    def reset(self) -> None:
        with self._lock:
            self._windows.clear()

    def _forget_before(self, moment: float) -> None:
        for key in [k for k, (started, _) in self._windows.items() if started < moment]:
            del self._windows[key]


flood_guard = FloodGuard()
