"""Focusroom at scale, for real: two gunicorn gevent web processes (RUN_TICKER=0), a leading and
a standby `python -m webapp.clock`, PostgreSQL and Redis. The tests run in order on one cluster
and end by killing things.

Needs TEST_DATABASE_URL (PostgreSQL) and Redis (TEST_REDIS_URL, default db 5); without them the
module skips, except under CI=true, where it fails.
"""
import os
import re
import time
from datetime import timedelta

import pytest
import redis
import websocket
from sqlalchemy import func, select, update

from tests.integration.test_rooms_socket import Person
from tests.support.cluster import scale_cluster, wait
from webapp.extensions import db
from webapp.models import FocusSession, Participant, Room, utcnow
from webapp.rooms import services

EXPIRY_SECONDS = 3
STAMP = re.compile(r'data-server-now-ms="(\d+)"')


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    with scale_cluster(tmp_path_factory.mktemp("cluster"), presence_expiry=EXPIRY_SECONDS) as running:
        yield running


def connect(person, web, code):
    ws = websocket.create_connection(f"{web.ws_url}/r/{code}/ws", cookie=person.cookie, timeout=5, origin=web.url)
    assert f'id="room-{code}-timer"' in ws.recv()  # the whole state first
    return ws


def messages(ws, seconds):
    """Everything received within `seconds`, with the moment it came."""
    deadline, got = time.monotonic() + seconds, []
    while time.monotonic() < deadline:
        ws.settimeout(max(0.05, deadline - time.monotonic()))
        try:
            got.append((time.monotonic(), ws.recv()))
        except websocket.WebSocketTimeoutException:
            break
    return got


def until(ws, pattern, seconds=6.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        ws.settimeout(max(0.05, deadline - time.monotonic()))
        try:
            message = ws.recv()
        except websocket.WebSocketTimeoutException:
            break
        if re.search(pattern, message):
            return message
    raise AssertionError(f"nothing matched {pattern!r} within {seconds} s")


def connections(app, code):
    with app.app_context():
        room = services.find_room(code)
        return {p.user.display_name: p.connections for p in db.session.execute(
            select(Participant).where(Participant.room_id == room.id)).scalars()}


def test_people_on_two_web_processes_see_each_other_and_the_same_ticks(cluster):
    host, guest = Person(cluster, "host"), Person(cluster, "guest")
    code = host.create_room()
    guest.join(code)
    host_ws = connect(host, cluster.a, code)
    guest_ws = connect(guest, cluster.b, code)
    until(host_ws, r'class="count"[^>]*>2<')  # B published the arrival; A's page heard it
    assert host.control(code, "start").status_code == 200
    for ws in (host_ws, guest_ws):
        until(ws, r'data-status="running"')
    on_a = {int(m) for _, text in messages(host_ws, 3.5) for m in STAMP.findall(text)}
    on_b = {int(m) for _, text in messages(guest_ws, 0.5) for m in STAMP.findall(text)}
    assert len(on_a & on_b) >= 2, (on_a, on_b)  # the clock's ticks, the same on both processes
    cluster.state.update(code=code, host=host, guest=guest, host_ws=host_ws, guest_ws=guest_ws)


def test_a_dropped_pubsub_connection_makes_the_pages_resync(cluster):
    code, guest_ws = cluster.state["code"], cluster.state["guest_ws"]
    worker = cluster.b.pids()[-1]
    admin = redis.Redis.from_url(os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/5"))
    name = f"{cluster.prefix}-hub-{worker}-"  # web B's listener (see RedisHub.listener_name)
    mine = [c for c in admin.client_list(_type="pubsub") if c.get("name", "").startswith(name)]
    assert len(mine) == 1
    admin.execute_command("CLIENT", "KILL", "TYPE", "pubsub", "ID", mine[0]["id"])
    whole = until(guest_ws, rf'id="room-{code}-me"', seconds=8)
    for part in ("timer", "participants", "controls"):
        assert f'id="room-{code}-{part}"' in whole
    until(guest_ws, STAMP.pattern)  # and the updates go on


def test_the_standby_clock_takes_over_and_the_phase_advances_once(cluster):
    app, code, guest_ws = cluster.app, cluster.state["code"], cluster.state["guest_ws"]
    token = cluster.lease.get(f"{cluster.prefix}:clock:leader").decode()
    leader = next(c for c in cluster.clocks if f":{c.popen.pid}:" in token)
    with app.app_context():
        room = services.find_room(code)
        version = room.timer_version
        db.session.execute(update(Room).where(Room.id == room.id).values(phase_ends_at=utcnow() + timedelta(seconds=2)))
        db.session.commit()
    messages(guest_ws, 0.2)
    leader.kill()
    killed = time.monotonic()
    got = messages(guest_ws, 7)
    stamps = [moment for moment, text in got if STAMP.search(text)]
    assert stamps and stamps[-1] - killed > 4, "time updates stopped with the leader"
    gaps = [later - earlier for earlier, later in zip([killed] + stamps, stamps)]
    assert max(gaps) < 4.5, gaps  # the standby took over within the lease (3 s) and a tick
    phase_changes = [text for _, text in got if f'id="room-{code}-announce"' in text and "Work," not in text]
    assert len(phase_changes) == 1, phase_changes
    with app.app_context():
        room = services.find_room(code)
        assert room.phase == "short_break" and room.timer_version == version + 1
        ended = db.session.execute(select(FocusSession.user_id, func.count()).where(FocusSession.room_id == room.id)
                                   .group_by(FocusSession.user_id)).all()
        assert sorted(count for _, count in ended) == [1, 1]  # one work session each, not two


def test_a_killed_web_process_is_counted_out_and_its_people_come_back_on_the_other(cluster):
    host, guest, watcher = Person(cluster, "host"), Person(cluster, "guest"), Person(cluster, "watcher")
    code = host.create_room()
    guest.join(code)
    watcher.join(code)
    connect(host, cluster.a, code)
    connect(watcher, cluster.a, code)
    guest_ws = connect(guest, cluster.b, code)
    assert connections(cluster.app, code) == {"Host": 1, "Guest": 1, "Watcher": 1}
    cluster.a.kill()
    killed = time.monotonic()
    connect(host, cluster.b, code)  # the host's page reconnects, to B
    until(guest_ws, r'class="count"[^>]*>2<', seconds=EXPIRY_SECONDS + 5)  # the watcher is gone
    assert time.monotonic() - killed < EXPIRY_SECONDS + 4
    wait(lambda: connections(cluster.app, code) == {"Host": 1, "Guest": 1, "Watcher": 0}, 5,
         f"counts: {connections(cluster.app, code)}")
