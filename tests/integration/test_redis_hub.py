"""The hub through Redis: two hubs stand for two processes on one real Redis."""
import time

import pytest

from tests.support.redis_server import kill_pubsub_connection, require_redis, unique_prefix
from webapp.realtime import RESYNC, LocalHub, make_hub
from webapp.realtime.frames import Published
from webapp.realtime.redis_hub import RedisHub


@pytest.fixture
def hubs():
    url, prefix = require_redis(), unique_prefix()
    made = []

    def build():
        hub = RedisHub(url, prefix=prefix)
        made.append(hub)
        return hub
    yield build
    for hub in made:
        hub.close()


def next_item(subscription, seconds=3.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        item = subscription.get(timeout=0.05)
        if item is not None:
            subscription.done()
            return item
    return None


def listening(hub, subscription_topics=("room:1",)):
    subscription = hub.subscribe(subscription_topics)
    assert hub.listening.wait(3), "the listener never subscribed"
    return subscription


def test_a_message_published_in_one_process_reaches_the_sockets_of_another(hubs):
    web_a, web_b, clock = hubs(), hubs(), hubs()
    on_a, on_b = listening(web_a), listening(web_b)
    elsewhere = listening(web_b, ["room:2"])
    assert clock.publish("room:1", "<p id=t>12:00</p>") == 1  # queued for the sender
    for subscription in (on_a, on_b):
        item = next_item(subscription)
        assert item == "<p id=t>12:00</p>"
        assert isinstance(item, Published)  # one shared frame per process (frames.py)
    assert next_item(elsewhere, 0.3) is None


def test_keyed_messages_stay_in_order_and_a_newer_one_supersedes(hubs):
    web, clock = hubs(), hubs()
    subscription = listening(web)
    for second in range(3):
        clock.publish("room:1", f"<p id=c>{second}</p>", key="clock")
    clock.publish("room:1", "<p id=x>phase</p>")
    received = [next_item(subscription) for _ in range(2)]
    assert received[-1] == "<p id=x>phase</p>" and received[0].startswith("<p id=c>")
    seen_clock = [received[0]]
    while (item := next_item(subscription, 0.3)) is not None:
        seen_clock.append(item)
    assert "<p id=c>2</p>" in seen_clock + received  # the latest time is never lost


def test_a_dropped_pubsub_connection_makes_every_local_socket_resync(hubs):
    web, clock = hubs(), hubs()
    first, second = listening(web), listening(web, ["room:9"])
    assert kill_pubsub_connection(web.listener_name) == 1
    assert next_item(first, 8) is RESYNC and next_item(second, 1) is RESYNC
    assert web.resyncs == 1
    clock.publish("room:1", "<p id=t>after</p>")  # the listener is back: RESYNC came with it
    assert next_item(first) == "<p id=t>after</p>"


def test_publishing_without_redis_is_counted_not_raised():
    hub = RedisHub("redis://127.0.0.1:1/0", prefix=unique_prefix())
    try:
        assert hub.publish("room:1", "<p>lost</p>") == 1  # queued: a publish never waits nor raises
        assert hub.flush()
        assert (hub.failed, hub.published) == (1, 0)
    finally:
        hub.close()


def test_the_hub_is_chosen_once_from_the_configuration():
    assert type(make_hub({"REDIS_URL": None})) is LocalHub
    hub = make_hub({"REDIS_URL": "redis://127.0.0.1:6379/5", "REDIS_PREFIX": "x"})
    try:
        assert isinstance(hub, RedisHub) and hub.channel == "x:hub"
    finally:
        hub.close()


def test_many_publishes_go_out_in_order(hubs):
    web, clock = hubs(), hubs()
    subscription = web.subscribe(["room:1"], maxsize=1000)  # a reader slower than the burst
    assert web.listening.wait(3)
    for n in range(300):
        clock.publish("room:1", f"<p id=m>{n}</p>")
    assert clock.flush() and clock.published == 300
    received = [next_item(subscription) for _ in range(300)]
    assert received == [f"<p id=m>{n}</p>" for n in range(300)]
