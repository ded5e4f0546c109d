"""One clock at a time across hosts: the Redis lease, and `python -m webapp.clock` itself."""
import os
import subprocess
import sys
import time
from datetime import timedelta

import pytest
import redis

from tests.conftest import build_app
from tests.support import factories
from tests.support.redis_server import REDIS_URL, clean, require_redis, unique_prefix
from webapp.clock import RedisLease, TickerLock, make_lock
from webapp.extensions import db
from webapp.models import Room, utcnow
from webapp.rooms import services


@pytest.fixture
def lease_key():
    require_redis()
    prefix = unique_prefix()
    yield f"{prefix}:clock:leader"
    clean(prefix)


def keep_until(lease, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if lease.keep():
            return time.monotonic()
        time.sleep(lease.check_seconds)
    return None


def test_only_one_clock_holds_the_lease_and_release_hands_it_over(lease_key):
    leader, standby = RedisLease(REDIS_URL, lease_key), RedisLease(REDIS_URL, lease_key)
    assert leader.acquire() and leader.held
    assert not standby.acquire() and not standby.keep() and not standby.held
    leader.release()  # compare-and-delete: only the holder's own token goes
    assert not leader.held and standby.acquire()
    leader.release()  # no longer the holder: the standby's lease stays
    assert standby.keep() and redis.Redis.from_url(REDIS_URL).get(lease_key) == standby.token.encode()
    standby.release()


def test_a_standby_takes_over_within_three_seconds_of_the_leaders_death(lease_key):
    leader, standby = RedisLease(REDIS_URL, lease_key), RedisLease(REDIS_URL, lease_key)
    assert leader.acquire()
    for _ in range(3):  # a live leader renews every second: nobody takes over
        time.sleep(1)
        assert leader.keep() and not standby.keep()
    died = time.monotonic()  # the leader stops renewing, as after kill -9
    took_over = keep_until(standby, 5)
    # The lease runs 3 s from the last renewal (just before `died`: the worst case); the standby
    # polls every 0.1 s. A little slack for a loaded machine.
    assert took_over is not None and took_over - died <= 3.4
    assert not leader.held  # its own clock says the lease is gone before Redis frees it
    assert not leader.keep()  # and it cannot renew what another clock holds
    standby.release()


def test_the_lock_is_a_redis_lease_with_redis_and_a_database_lock_without(tmp_path):
    url = f"sqlite:///{tmp_path / 'a.sqlite3'}"
    assert isinstance(make_lock({"SQLALCHEMY_DATABASE_URI": url}, str(tmp_path)), TickerLock)
    lease = make_lock({"SQLALCHEMY_DATABASE_URI": url, "REDIS_URL": REDIS_URL, "REDIS_PREFIX": "p"}, str(tmp_path))
    assert isinstance(lease, RedisLease) and lease.key == "p:clock:leader"


def test_the_clock_process_ticks_alone_and_a_second_one_stands_by(tmp_path):
    """SQLite and no Redis: `python -m webapp.clock` advances a phase whose deadline passed."""
    app = build_app("sqlite", tmp_path)
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    with app.app_context():
        host = factories.make_user("clockhost")
        room = services.create_room(host, {"name": "Clock"}, utcnow() - timedelta(hours=1))
        services.control(room, host, "start", utcnow() - timedelta(hours=1))
        code, version = room.code, room.timer_version
    env = {**os.environ, "DATABASE_URL": url, "RUN_TICKER": "1", "SECRET_KEY": "x"}
    env.pop("REDIS_URL", None)
    clocks = [subprocess.Popen([sys.executable, "-m", "webapp.clock"], env=env, stderr=subprocess.PIPE, text=True)
              for _ in range(2)]
    try:
        deadline = time.monotonic() + 60  # a generous wait: it ends as soon as the phase advances
        while time.monotonic() < deadline:
            with app.app_context():
                advanced = db.session.query(Room).filter_by(code=code).one().timer_version != version
            if advanced:
                break
            time.sleep(0.3)
        assert advanced  # the work phase ended at its deadline
    finally:
        for clock in clocks:
            clock.terminate()
        logs = [clock.communicate(timeout=15)[1] for clock in clocks]
    assert [clock.returncode for clock in clocks] == [0, 0]
    assert sum("another process holds the ticker lock" in log for log in logs) == 1, logs
