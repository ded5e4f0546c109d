"""Real processes for the scale-out tests: gunicorn web processes and `python -m webapp.clock`.

Each is started in its own session, so `kill()` (SIGKILL to the whole group, master and worker
alike) is a real kill -9 of that web process or clock.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import pytest
import redis

from tests.conftest import POSTGRES_URL, build_app
from tests.support.redis_server import clean, require_redis, unique_prefix
from webapp import realtime

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Proc:
    def __init__(self, name: str, argv: list[str], env: dict, log_dir: Path, port: int | None = None):
        self.name, self.port = name, port
        self.log_path = log_dir / f"{name}.log"
        self._log = open(self.log_path, "w")
        self.popen = subprocess.Popen(argv, env=env, cwd=ROOT, stdout=self._log, stderr=subprocess.STDOUT,
                                      start_new_session=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def pids(self) -> list[int]:
        """The process and its children (a gunicorn master and its worker)."""
        pids, queue = [], [self.popen.pid]
        while queue:
            pid = queue.pop()
            pids.append(pid)
            try:
                children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
            except OSError:
                children = []
            queue.extend(int(child) for child in children)
        return pids

    def wait_serving(self, seconds: float = 40) -> None:
        deadline = time.monotonic() + seconds
        while True:
            try:
                urllib.request.urlopen(f"{self.url}/login", timeout=2).read()
                return
            except OSError:
                if self.popen.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"{self.name} does not serve: {self.log()[-2000:]}")
                time.sleep(0.2)

    def kill(self) -> None:
        """kill -9, the whole process group."""
        try:
            os.killpg(self.popen.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.popen.wait(timeout=10)

    def stop(self) -> None:
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
        self._log.close()

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text()


def start_web(name: str, env: dict, log_dir: Path) -> Proc:
    port = free_port()
    return Proc(name, [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "-k", "gevent", "wsgi:app"],
                {**env, "PORT": str(port), "RUN_TICKER": "0", "WEB_CONCURRENCY": "1"}, log_dir, port)


def start_clock(name: str, env: dict, log_dir: Path) -> Proc:
    return Proc(name, [sys.executable, "-m", "webapp.clock"], {**env, "RUN_TICKER": "1"}, log_dir)


def wait(condition, seconds, message):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError(message)


@contextmanager
def scale_cluster(logs: Path, presence_expiry: float = 5, redis_url: str | None = None):
    """Two web processes (a, b), a leading and a standby clock, on PostgreSQL and Redis; the
    test's own app (`app`) shares the database and the channel, so its requests publish like a
    web process's. Skips without PostgreSQL or Redis, unless CI=true (then it fails)."""
    if not POSTGRES_URL:
        if os.environ.get("CI") == "true":
            pytest.fail("the scale tests need PostgreSQL under CI: set TEST_DATABASE_URL")
        pytest.skip("the scale tests need PostgreSQL: set TEST_DATABASE_URL")
    redis_url, prefix = redis_url or require_redis(), unique_prefix()
    app = build_app("postgresql", REDIS_URL=redis_url, REDIS_PREFIX=prefix, LOGIN_RATE_LIMIT="1000 per minute",
                    SIGNUP_RATE_LIMIT="1000 per minute")
    env = {key: value for key, value in os.environ.items() if key != "PROMETHEUS_MULTIPROC_DIR"}
    env.update(DATABASE_URL=POSTGRES_URL, REDIS_URL=redis_url, REDIS_PREFIX=prefix, SECRET_KEY=app.config["SECRET_KEY"],
               PRESENCE_EXPIRY_SECONDS=str(presence_expiry), LOGIN_RATE_LIMIT="1000 per minute",
               SIGNUP_RATE_LIMIT="1000 per minute")
    lease = redis.Redis.from_url(redis_url)
    leader = start_clock("clock-1", env, logs)
    started = [leader]
    try:
        wait(lambda: lease.get(f"{prefix}:clock:leader"), 30, "the first clock never led")
        started.append(start_clock("clock-2", env, logs))  # the standby
        web_a, web_b = start_web("web-a", env, logs), start_web("web-b", env, logs)
        started += [web_a, web_b]
        web_a.wait_serving()
        web_b.wait_serving()
        yield SimpleNamespace(app=app, prefix=prefix, lease=lease, clocks=started[:2], a=web_a, b=web_b,
                              url=web_a.url, ws_url=web_a.ws_url, state={})
    finally:
        for proc in started:
            proc.stop()
        realtime.get_hub(app).close()
        clean(prefix, redis_url)
