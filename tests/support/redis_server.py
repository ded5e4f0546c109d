"""Redis for the scale-out tests: a unique key prefix per test on a database of our own.

Pub/sub channels ignore the database number, so every test gets its own prefix. Without a
reachable Redis the tests skip, except under CI (CI=true), where they fail instead.
"""
import os
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


def clean(prefix: str) -> None:
    admin = redis.Redis.from_url(REDIS_URL)
    keys = list(admin.scan_iter(match=f"{prefix}:*"))
    if keys:
        admin.delete(*keys)
