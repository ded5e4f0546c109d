"""Full garbage collections at a moment the ticker picks, not whenever allocation triggers one.

A full collection walks every object of the process: at 1,000 open sockets that is 100-260 ms
(bench/fanout.py), and under gevent every socket waits meanwhile. Triggered by allocation, it
tends to start exactly when the time updates are being sent, on the whole second, and delays
everyone's. So the ticking process turns automatic full collections off and runs one itself every
FULL_COLLECTION_EVERY seconds from the tick, half a second away from the time updates. The young
generations still collect automatically; objects freed by reference counting (nearly all of them)
never waited for a full collection anyway.
"""
from __future__ import annotations

import gc
import logging
import threading
import time

log = logging.getLogger(__name__)

FULL_COLLECTION_EVERY = 30.0  # seconds; what cyclic garbage may wait at most
_NEVER = 1 << 30  # a generation-2 threshold no process reaches
_lock = threading.Lock()
_holders = 0  # tickers of this process that took over (tests run several apps in one process)
_saved: tuple[int, int, int] | None = None


class FullCollections:
    def __init__(self, every: float = FULL_COLLECTION_EVERY, clock=time.monotonic):
        self.every = every
        self.clock = clock
        self.holding = False
        self._last = clock()

    def take_over(self) -> None:
        global _holders, _saved
        with _lock:
            if self.holding:
                return
            if _holders == 0:
                _saved = gc.get_threshold()
                gc.set_threshold(_saved[0], _saved[1], _NEVER)
            _holders += 1
            self.holding = True

    def hand_back(self) -> None:
        """The last one to hand back restores the thresholds it found."""
        global _holders, _saved
        with _lock:
            if not self.holding:
                return
            self.holding = False
            _holders -= 1
            if _holders == 0 and _saved is not None:
                gc.set_threshold(*_saved)
                _saved = None

    def due(self) -> bool:
        return self.holding and self.clock() - self._last >= self.every

    def collect_if_due(self) -> int | None:
        """Run a full collection if one is due; returns what it freed, or None."""
        if not self.due():
            return None
        started = time.perf_counter()
        freed = gc.collect()
        self._last = self.clock()
        took = time.perf_counter() - started
        if took > 0.1:
            log.info("full garbage collection: %.0f ms, %d objects freed", took * 1000, freed)
        return freed
