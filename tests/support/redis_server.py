"""Redis for the scale-out tests: a unique key prefix per test on a database of our own.

Pub/sub channels ignore the database number, so every test gets its own prefix. Without a
reachable Redis the tests skip, except under CI (CI=true), where they fail instead.
"""
import os
import shutil
import signal
import subprocess
import time
import uuid

import pytest
import redis

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/5")


def require_redis() -> str:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis at {REDIS_URL} is unreachable under CI: {error}")
        pytest.skip(f"Redis at {REDIS_URL} is unreachable ({error}); set TEST_REDIS_URL")
    return REDIS_URL


def unique_prefix() -> str:
    return f"frtest-{uuid.uuid4().hex[:10]}"


def kill_pubsub_connection(client_name: str) -> int:
    """Drop one listener's pub/sub connection, as a Redis restart or a network cut would."""
    admin = redis.Redis.from_url(REDIS_URL)
    killed = 0
    for client in admin.client_list(_type="pubsub"):
        if client.get("name") == client_name:
            killed += admin.execute_command("CLIENT", "KILL", "TYPE", "pubsub", "ID", client["id"])
    return killed


def clean(prefix: str, url: str = REDIS_URL) -> None:
    admin = redis.Redis.from_url(url)
    try:
        admin.ping()
    except redis.RedisError:
        return  # a private server that is gone already took its keys with it
    keys = list(admin.scan_iter(match=f"{prefix}:*"))
    if keys:
        admin.delete(*keys)


class PrivateRedis:
    """A redis-server of the test's own on a free port, so a test can kill and restart it without
    touching the machine's shared Redis. Skips without the binary, except under CI."""

    def __init__(self, port: int, log_path):
        self.port, self.log_path, self.popen = port, log_path, None
        self.url = f"redis://127.0.0.1:{port}/0"

    @classmethod
    def require(cls, port: int, log_path) -> "PrivateRedis":
        if not shutil.which("redis-server"):
            if os.environ.get("CI") == "true":
                pytest.fail("redis-server is not installed under CI")
            pytest.skip("redis-server is not installed (the restart test runs its own)")
        return cls(port, log_path)

    def start(self) -> None:
        log = open(self.log_path, "a")
        self.popen = subprocess.Popen(["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
                                       "--save", "", "--appendonly", "no"], stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        while True:
            try:
                redis.Redis.from_url(self.url, socket_connect_timeout=0.5).ping()
                return
            except redis.RedisError:
                if time.monotonic() > deadline:
                    raise AssertionError(f"redis-server on {self.port} did not start")
                time.sleep(0.05)

    def kill(self) -> None:
        """kill -9: everything in it is gone, as after a crash with nothing persisted."""
        if self.popen and self.popen.poll() is None:
            self.popen.send_signal(signal.SIGKILL)
            self.popen.wait(timeout=10)
