"""Redis restarted mid-session (killed, nothing persisted, started again on the same port): the
pages on both web processes end up showing the true state within a few seconds, the clock ticks
on, and the web processes keep serving while Redis is away.

Runs its own redis-server so the restart touches nobody else; PostgreSQL as the other scale tests.
"""
import time
import urllib.request

import pytest

from tests.integration.test_rooms_socket import Person
from tests.integration.test_scale_processes import STAMP, connect, messages, until
from tests.support.cluster import free_port, scale_cluster
from tests.support.redis_server import PrivateRedis


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    logs = tmp_path_factory.mktemp("restart")
    server = PrivateRedis.require(free_port(), logs / "redis.log")
    server.start()
    try:
        with scale_cluster(logs, presence_expiry=3, redis_url=server.url) as running:
            running.redis = server
            yield running
    finally:
        server.kill()


def test_after_a_redis_restart_both_processes_show_what_changed_while_it_was_away(cluster):
    host, guest = Person(cluster, "host"), Person(cluster, "guest")
    code = host.create_room()
    guest.join(code)
    host_ws, guest_ws = connect(host, cluster.a, code), connect(guest, cluster.b, code)
    assert host.control(code, "start").status_code == 200
    for ws in (host_ws, guest_ws):
        until(ws, r'data-status="running"')

    cluster.redis.kill()
    # While Redis is away the site still serves (rate limits fall back to memory) ...
    request = urllib.request.Request(f"{cluster.b.url}/r/{code}", headers={"Cookie": guest.cookie})
    assert urllib.request.urlopen(request, timeout=10).status == 200
    # ... and the host pauses: nobody can hear about it now.
    assert host.control(code, "pause").status_code == 200
    time.sleep(1.5)  # Redis stays away for a while, as in a real restart
    cluster.redis.start()
    restarted = time.monotonic()

    for ws in (host_ws, guest_ws):  # each process re-subscribes and re-syncs its pages
        whole = until(ws, rf'id="room-{code}-me"', seconds=10)
        assert 'data-status="paused"' in whole
    assert time.monotonic() - restarted < 10

    assert host.control(code, "resume").status_code == 200
    for ws in (host_ws, guest_ws):
        until(ws, r'data-status="running"', seconds=5)
    # The clock took its lease back: the seconds tick on, on both processes.
    assert any(STAMP.search(text) for _, text in messages(guest_ws, 3))
    assert any(STAMP.search(text) for _, text in messages(host_ws, 1))
