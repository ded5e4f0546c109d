"""The in-process event hub: fan-out by topic, bounded per-connection queues, closing."""
from webapp.realtime import RESYNC, Close, LocalHub
from webapp.realtime.sockets import ClientMessage, parse_client_message


def test_publish_reaches_every_subscriber_of_the_topic_only():
    hub = LocalHub()
    a, b = hub.subscribe(["room:1"]), hub.subscribe(["room:1", "room:1:user:7"])
    other = hub.subscribe(["room:2"])
    assert hub.publish("room:1", "<p id=x>1</p>") == 2
    assert hub.publish("room:1:user:7", "<p id=y>me</p>") == 1
    assert [a.get(0), a.get(0)] == ["<p id=x>1</p>", None]
    assert [b.get(0), b.get(0)] == ["<p id=x>1</p>", "<p id=y>me</p>"]
    assert other.get(0) is None
    assert hub.subscriber_count("room:1") == 2 and hub.subscriber_count() == 3


def test_unsubscribe_stops_delivery_and_forgets_empty_topics():
    hub = LocalHub()
    a = hub.subscribe(["room:1"])
    hub.unsubscribe(a)
    assert hub.publish("room:1", "x") == 0 and hub.subscriber_count() == 0
    hub.unsubscribe(a)  # twice is harmless


def test_a_slow_client_never_blocks_and_gets_one_resync_instead_of_a_backlog():
    hub = LocalHub()
    slow = hub.subscribe(["room:1"], maxsize=3)
    fast = hub.subscribe(["room:1"], maxsize=3)
    for n in range(10):
        hub.publish("room:1", f"m{n}")
        fast.get(0)
    items = []
    while (item := slow.get(0)) is not None:
        items.append(item)
    assert RESYNC in items and len(items) <= 3
    assert items[-1] in ("m9", RESYNC)
    assert slow.dropped > 0 and fast.dropped == 0


def test_the_connections_own_items_survive_an_overflow():
    hub = LocalHub()
    sub = hub.subscribe(["room:1"], maxsize=2)
    sub.put(ClientMessage({"type": "activity"}))
    for n in range(5):
        hub.publish("room:1", f"m{n}")
    items = [sub.get(0) for _ in range(sub.pending())]
    assert ClientMessage({"type": "activity"}) in items


def test_close_all_reaches_everyone_and_is_never_dropped():
    hub = LocalHub()
    full = hub.subscribe(["room:1"], maxsize=1)
    hub.publish("room:1", "a")
    hub.publish("room:1", "b")
    assert hub.close_all() == 1
    hub.publish("room:1", "after")
    items = [full.get(0) for _ in range(full.pending())]
    assert items[-1] == Close(1012) and "after" not in items
    late = hub.subscribe(["room:3"])
    assert late.get(0) == Close(1012)  # a socket opening during shutdown is told at once


def test_client_messages_must_be_small_json_objects():
    assert parse_client_message('{"type": "activity"}') == {"type": "activity"}
    assert parse_client_message("[1, 2]") is None
    assert parse_client_message("not json") is None
    assert parse_client_message(b'{"type": "x"}') is None
    assert parse_client_message('{"pad": "' + "x" * 5000 + '"}') is None


def test_a_keyed_message_supersedes_the_undelivered_one():
    hub = LocalHub()
    slow = hub.subscribe(["room:1"], maxsize=4)
    for second in range(100):  # a reader that fell 100 seconds behind
        hub.publish("room:1", f"clock {second}", key="clock")
    hub.publish("room:1", "list")
    hub.publish("room:1", "clock 100", key="clock")
    assert [slow.get(0), slow.get(0), slow.get(0)] == ["clock 100", "list", None]
    hub.publish("room:1", "clock 101", key="clock")  # delivered: a new one queues again
    assert slow.get(0) == "clock 101" and slow.dropped == 0
