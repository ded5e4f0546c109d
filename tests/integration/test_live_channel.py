"""The per-person live channel `/live/me` against real servers and real WebSocket clients."""
import pytest
import websocket

from tests.conftest import build_app
from tests.support.live_people import Person, nothing_arrives, receive
from tests.support.redis_server import require_redis, unique_prefix
from tests.support.servers import LiveServer
from webapp import lifecycle, realtime
from webapp.live import sockets as live_sockets
from webapp.realtime import outbox
from webapp.realtime.topics import user_channel_topic

BADGES: dict[int, int] = {}


def fake_badge(user_id: int) -> str:
    """A stand-in state source: the channel itself must not depend on any one feature."""
    return f'<span id="test-badge">{BADGES.get(user_id, 0)}</span>'


@pytest.fixture(autouse=True)
def badge_source():
    live_sockets.STATE_SOURCES.append(fake_badge)
    yield
    live_sockets.STATE_SOURCES.remove(fake_badge)


def start_server(tmp_path, **overrides):
    app = build_app("sqlite", tmp_path, LOGIN_RATE_LIMIT="1000 per minute", **overrides)
    return LiveServer(app).start()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    live = start_server(tmp_path_factory.mktemp("live"))
    yield live
    live.stop()
    lifecycle.shutdown(live.app)


def publish(app, user_id, html):
    with app.app_context():
        outbox.publish(user_channel_topic(user_id), html)


def test_the_topic_name_is_the_contract():
    assert user_channel_topic(42) == "user:42"


def test_every_tab_of_the_person_gets_it_and_nobody_else_does(server):
    ann, bob = Person(server, "ann"), Person(server, "bob")
    BADGES[ann.id] = 2
    first_tab, second_tab, bobs_tab = ann.tab(), ann.tab(), bob.tab()
    try:
        # On connect each tab gets the person's whole state (then it is subscribed).
        assert '<span id="test-badge">2</span>' in receive(first_tab)
        assert '<span id="test-badge">2</span>' in receive(second_tab)
        assert '<span id="test-badge">0</span>' in receive(bobs_tab)
        publish(server.app, ann.id, '<span id="test-badge" hx-swap-oob="true">3</span>')
        assert "3</span>" in receive(first_tab)
        assert "3</span>" in receive(second_tab)
        assert nothing_arrives(bobs_tab)
    finally:
        for ws in (first_tab, second_tab, bobs_tab):
            ws.close()


def test_a_tab_that_reconnects_catches_up(server):
    ann = Person(server, "ann")
    BADGES[ann.id] = 1
    tab = ann.tab()
    assert "1</span>" in receive(tab)
    tab.close()
    BADGES[ann.id] = 5  # changed while the tab was offline; what was published then is lost
    publish(server.app, ann.id, '<span id="test-badge" hx-swap-oob="true">5</span>')
    again = ann.tab()
    try:
        assert '<span id="test-badge">5</span>' in receive(again)
    finally:
        again.close()


@pytest.mark.parametrize("who, status", [("visitor", 401), ("guest", 403), ("foreign origin", 403)])
def test_visitors_guests_and_other_sites_get_no_channel(server, who, status):
    if who == "visitor":
        connect = lambda: websocket.create_connection(f"{server.ws_url}/live/me", timeout=5)  # noqa: E731
    elif who == "guest":
        guest = Person(server, "guest", guest=True)
        connect = lambda: guest.tab()  # noqa: E731
    else:
        ann = Person(server, "ann")
        connect = lambda: ann.tab(origin="https://evil.example")  # noqa: E731
    with pytest.raises(websocket.WebSocketBadStatusException) as refused:
        connect()
    assert refused.value.status_code == status


def test_signed_in_pages_open_the_channel_and_carry_the_toast_region(server):
    ann = Person(server, "ann")
    page = ann.client.get("/settings").get_data(as_text=True)
    assert 'ws-connect="/live/me"' in page and 'id="toasts"' in page and 'aria-live="polite"' in page
    visitor_page = server.app.test_client().get("/login").get_data(as_text=True)
    assert "/live/me" not in visitor_page and 'id="toasts"' in visitor_page


def test_a_message_published_in_one_process_reaches_the_persons_tab_in_another(tmp_path):
    """Two apps with their own hubs on one Redis stand for two web processes."""
    url, prefix = require_redis(), unique_prefix()
    (tmp_path / "a").mkdir()
    web_a = start_server(tmp_path / "a", REDIS_URL=url, REDIS_PREFIX=prefix)
    web_b = LiveServer(build_app("sqlite", tmp_path / "a", REDIS_URL=url, REDIS_PREFIX=prefix,
                                 LOGIN_RATE_LIMIT="1000 per minute")).start()
    try:
        ann = Person(web_a, "ann")
        BADGES[ann.id] = 0
        tab_on_b = ann.tab(server=web_b)
        assert '<span id="test-badge">0</span>' in receive(tab_on_b)
        assert realtime.get_hub(web_b.app).listening.wait(3), "process B never subscribed to Redis"
        publish(web_a.app, ann.id, '<span id="test-badge" hx-swap-oob="true">1</span>')
        assert "1</span>" in receive(tab_on_b)
        tab_on_b.close()
    finally:
        for live in (web_a, web_b):
            live.stop()
            realtime.get_hub(live.app).close()
