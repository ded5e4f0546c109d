"""The process-wide keepalive and the reader's Inbox (realtime/keepalive.py, realtime/sockets.py)."""
from webapp.realtime import keepalive
from webapp.realtime.hub import Close, LocalHub
from webapp.realtime.sockets import DISCONNECTED, Inbox


class _Peer:
    pong_received = True


def _drain(subscription):
    items = []
    while (item := subscription.get(0)) is not None:
        items.append(item)
        subscription.done()
    return items


def test_a_peer_that_answers_is_pinged_every_round_and_stays():
    hub = LocalHub()
    subscription, peer = hub.subscribe(["room:1"]), _Peer()
    keepalive.watch(peer, subscription)
    try:
        for _ in range(4):
            keepalive.sweep()
            assert _drain(subscription) == [keepalive.PING]
            assert keepalive.PING.frame == b"\x89\x00"  # an empty, unmasked ping frame
            peer.pong_received = True  # what simple-websocket's reader does on the pong
    finally:
        keepalive.forget(subscription)


def test_a_silent_peer_gets_one_more_round_then_a_1008_close():
    hub = LocalHub()
    subscription, peer = hub.subscribe(["room:1"]), _Peer()
    keepalive.watch(peer, subscription)
    keepalive.sweep()
    keepalive.sweep()  # the first ping is unanswered: one more round
    assert _drain(subscription) == [keepalive.PING, keepalive.PING]
    keepalive.sweep()
    (close,) = _drain(subscription)
    assert close == Close(1008, "Ping/Pong timeout")
    assert keepalive.watched() == 0  # closed: no longer pinged


def test_the_inbox_is_a_list_until_it_forwards_then_hands_on_everything_in_order():
    inbox, got, ended = Inbox(["early"]), [], []
    inbox.append("second")
    assert inbox == ["early", "second"]  # simple-websocket's own receive() still works on it
    inbox.forward(got.append, lambda: ended.append(True))
    inbox.append("third")
    assert got == ["early", "second", "third"] and inbox == [] and not ended
    inbox.finish()
    assert ended == [True]


def test_a_reader_that_ended_before_forwarding_still_reports_it_once():
    hub = LocalHub()
    subscription = hub.subscribe(["room:1"])
    inbox = Inbox()
    inbox.finish()
    inbox.forward(lambda raw: None, lambda: subscription.put(DISCONNECTED))
    assert _drain(subscription) == [DISCONNECTED]
