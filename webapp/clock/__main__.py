"""The clock process: `python -m webapp.clock` ticks and publishes, and serves no HTTP.

Procfile: `clock: RUN_TICKER=1 python -m webapp.clock`, beside `web:` with RUN_TICKER=0. Start
one or more (a standby takes over when the leader dies, see clock/locks.py); with several web
processes, set REDIS_URL so what it publishes reaches all of them.
"""
from __future__ import annotations

import logging
import signal
import threading

from .. import create_app, lifecycle, realtime

log = logging.getLogger("webapp.clock")


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # not a line per job per second
    # The clock exists to tick, whatever RUN_TICKER the shared environment holds.
    app = create_app(overrides={"RUN_TICKER": True})
    if not app.config.get("REDIS_URL"):
        log.warning("REDIS_URL is not set: only this process's hub hears the clock, so web "
                    "processes will not see live updates (run the ticker inside the web process instead)")
    stopping = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopping.set())
    log.info("clock started; it ticks while it holds the ticker lock, else stands by")
    while not stopping.wait(1.0):
        pass
    log.info("clock stopping")
    lifecycle.shutdown(app)
    realtime.get_hub(app).close()


if __name__ == "__main__":
    main()
