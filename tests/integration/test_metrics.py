"""GET /metrics: Prometheus text, loopback-only by default, a Bearer token when configured."""
import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import build_app
from tests.integration.test_rooms_socket import Person
from tests.support.servers import LiveServer
from webapp import lifecycle, realtime
from webapp.models import utcnow
from webapp.rooms import presence, services

OUTSIDE = {"REMOTE_ADDR": "203.0.113.9"}


def samples(response) -> dict:
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain; version=")
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(response.get_data(as_text=True))
            for sample in family.samples}


def value(figures, name, **labels):
    return figures.get((name, tuple(sorted(labels.items()))), 0.0)


def test_metrics_from_the_loopback_address_show_what_the_database_knows(client, make_user, make_room):
    host, guest = make_user("host"), make_user("guest")
    room = make_room(host)
    services.join(room, guest, utcnow())
    for user in (host, guest):
        presence.connect(room, user.id, utcnow())
    make_room(make_user("idle"))  # not running: not counted
    before = samples(client.get("/metrics"))
    assert value(before, "focusroom_rooms_running") == 0
    services.control(room, host, "start", utcnow())
    figures = samples(client.get("/metrics"))
    assert value(figures, "focusroom_rooms_running") == 1
    assert value(figures, "focusroom_participants_focusing") == 2
    assert value(figures, "focusroom_messages_published_total") > value(before, "focusroom_messages_published_total")
    for name in ("focusroom_open_sockets", "focusroom_tick_seconds_count"):
        assert (name, ()) in figures


def test_request_latency_is_recorded_by_endpoint(client):
    before = samples(client.get("/metrics"))
    client.get("/login")
    client.get("/login")
    figures = samples(client.get("/metrics"))
    name = "focusroom_request_seconds_count"
    assert value(figures, name, endpoint="accounts.login", method="GET") - \
        value(before, name, endpoint="accounts.login", method="GET") == 2
    assert value(figures, "focusroom_request_seconds_sum", endpoint="accounts.login", method="GET") > 0


def test_without_a_token_only_the_loopback_address_may_read_them(client):
    refused = client.get("/metrics", environ_base=OUTSIDE)
    assert refused.status_code == 403 and "METRICS_TOKEN" in refused.get_data(as_text=True)
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "::1"}).status_code == 200


@pytest.mark.parametrize("header, status", [(None, 401), ("Bearer wrong", 401), ("s3cret-token", 401),
                                            ("Bearer s3cret-token", 200)])
def test_with_a_token_everyone_needs_it(header, status):
    app = build_app("sqlite", METRICS_TOKEN="s3cret-token")
    headers = {"Authorization": header} if header else {}
    for where in (OUTSIDE, {"REMOTE_ADDR": "127.0.0.1"}):
        response = app.test_client().get("/metrics", headers=headers, environ_base=where)
        assert response.status_code == status
    if status == 401:
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_open_sockets_follow_the_sockets(tmp_path):
    app = build_app("sqlite", tmp_path, LOGIN_RATE_LIMIT="1000 per minute")
    live = LiveServer(app).start()
    try:
        scrape = lambda: value(samples(app.test_client().get("/metrics")), "focusroom_open_sockets")  # noqa: E731
        before = scrape()
        host = Person(live, "host")
        ws = host.connect(host.create_room())
        ws.recv()
        assert scrape() == before + 1
        ws.close()
        deadline = time.monotonic() + 5
        while scrape() != before and time.monotonic() < deadline:
            time.sleep(0.05)
        assert scrape() == before
    finally:
        live.stop()
        lifecycle.shutdown(app)
        realtime.get_hub(app).close()


def test_several_gunicorn_workers_add_up_their_figures(tmp_path):
    """prometheus_client's multiprocess mode: every worker's requests count, whoever is scraped."""
    build_app("sqlite", tmp_path)  # the schema, as `flask db upgrade` would make it
    port = free_port()
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    (metrics_dir / "counter_999999.db").write_bytes(b"stale")  # left by an earlier run: wiped
    env = {**os.environ, "PORT": str(port), "WEB_CONCURRENCY": "2", "RUN_TICKER": "0", "SECRET_KEY": "x",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'test.sqlite3'}", "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir)}
    env.pop("REDIS_URL", None)
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py",
                               "wsgi:app"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_serving(base)
        logins = lambda: value(scrape(base), "focusroom_request_seconds_count",  # noqa: E731
                               endpoint="accounts.login", method="GET")
        before = logins()
        for _ in range(12):  # new connections: both workers take some
            urllib.request.urlopen(f"{base}/login").read()
        assert logins() - before == 12
        assert not (metrics_dir / "counter_999999.db").exists()
    finally:
        server.terminate()
        errors = server.communicate(timeout=20)[1].decode()
        assert "Traceback" not in errors, errors


def scrape(base: str) -> dict:
    body = urllib.request.urlopen(f"{base}/metrics").read().decode()
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(body) for s in family.samples}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_serving(base: str, seconds: float = 40) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(f"{base}/health", timeout=10).read()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
