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


class _ResetSocket:
    def send(self, data):
        raise ConnectionResetError(104, "Connection reset by peer")

    sendall = send


class _VanishedPeer:
    """A connection whose peer reset the TCP connection after the first message."""

    connected = True

    def __init__(self):
        self.sent = []
        self.sock = _ResetSocket()

    def send(self, data):
        self.sent.append(data)

    def receive(self):
        import time
        time.sleep(60)


def test_a_peer_that_resets_the_connection_ends_its_socket_quietly():
    from webapp.realtime.sockets import serve
    hub = LocalHub()
    subscription = hub.subscribe(["room:1"])
    hub.publish("room:1", "<p id=x>1</p>")
    peer = _VanishedPeer()
    serve(peer, hub, subscription, on_message=lambda data: None, full_state=lambda: "<p id=all></p>")
    assert peer.sent == ["<p id=all></p>"]
    assert hub.subscriber_count() == 0


def test_a_published_fragment_is_one_text_frame_shared_by_every_subscriber():
    from wsproto.frame_protocol import FrameProtocol, Opcode
    hub = LocalHub()
    a, b = hub.subscribe(["room:1"]), hub.subscribe(["room:1"])
    html = "<p id=x>Zoë ✓</p>" * 100
    hub.publish("room:1", html)
    first, second = a.get(0), b.get(0)
    assert first == html and first.frame is second.frame  # built once
    reader = FrameProtocol(client=True, extensions=[])
    reader.receive_bytes(first.frame)
    (frame,) = list(reader.received_frames())
    assert frame.opcode is Opcode.TEXT and frame.message_finished and frame.payload == html


def test_serial_writes_are_whole_even_where_the_socket_would_take_a_part():
    from webapp.realtime.frames import SerialWrites

    class SlowClientSocket:
        """send() takes one byte, as a full kernel buffer may; sendall() takes everything."""

        def __init__(self):
            self.data = b""

        def send(self, data):
            self.data += bytes(data[:1])
            return 1

        def sendall(self, data):
            self.data += bytes(data)

        def fileno(self):
            return 7

    sock = SlowClientSocket()
    wrapped = SerialWrites(sock)
    assert wrapped.send(b"frame-1") == 7  # what simple-websocket calls, ignoring the count
    wrapped.sendall(b"|frame-2")
    assert sock.data == b"frame-1|frame-2"
    assert wrapped.fileno() == 7  # everything else is the socket's own


class _KernelSocket:
    """An OS socket whose buffer has `room` bytes left for non-blocking sends."""

    def __init__(self, room=1 << 20):
        self.room = room
        self.data = b""

    def send(self, data, flags=0):
        if not flags:  # a blocking send waits until the client has read: everything goes
            self.data += bytes(data)
            return len(data)
        if self.room == 0:
            raise BlockingIOError
        taken = bytes(data[:self.room])
        self.room -= len(taken)
        self.data += taken
        return len(taken)

    def sendall(self, data):
        self.data += bytes(data)


def _frames_in(data: bytes) -> list[str]:
    from wsproto.frame_protocol import FrameProtocol
    reader = FrameProtocol(client=True, extensions=[])
    reader.receive_bytes(data)
    return [frame.payload for frame in reader.received_frames()]


def _attached(sock):
    from webapp.realtime.frames import SerialWrites
    hub = LocalHub()
    subscription = hub.subscribe(["room:1"])
    subscription.attach(SerialWrites(sock))
    return hub, subscription


def test_an_idle_connection_gets_a_broadcast_written_at_once_without_a_queue():
    sock = _KernelSocket()
    hub, subscription = _attached(sock)
    hub.publish("room:1", "<p id=a>1</p>")
    hub.publish("room:1", "<p id=b>2</p>", key="clock")
    assert _frames_in(sock.data) == ["<p id=a>1</p>", "<p id=b>2</p>"]
    assert subscription.get(0) is None and subscription.written_directly == 2


def test_a_busy_connection_queues_and_keeps_the_order():
    sock = _KernelSocket()
    hub, subscription = _attached(sock)
    subscription.put(ClientMessage({"type": "sync"}))  # the handler has work of its own
    hub.publish("room:1", "<p id=a>1</p>")
    assert sock.data == b"" and subscription.get(0) == ClientMessage({"type": "sync"})
    subscription.done()
    assert subscription.get(0) == "<p id=a>1</p>"
    hub.publish("room:1", "<p id=b>2</p>")  # still handling the first: queued behind it
    assert sock.data == b""
    subscription.done()
    assert subscription.get(0) == "<p id=b>2</p>"
    subscription.done()
    hub.publish("room:1", "<p id=c>3</p>")  # idle again
    assert _frames_in(sock.data) == ["<p id=c>3</p>"]


def test_what_the_kernel_does_not_take_goes_out_first_and_whole():
    from webapp.realtime.hub import FLUSH
    sock = _KernelSocket(room=10)
    hub, subscription = _attached(sock)
    hub.publish("room:1", "<p id=a>" + "x" * 100 + "</p>")
    hub.publish("room:1", "<p id=b>2</p>")  # the connection is busy now: queued
    assert subscription.get(0) is FLUSH
    subscription.writer.flush()  # what the connection's handler does with it
    subscription.done()
    queued = subscription.get(0)
    subscription.writer.sendall(queued.frame)
    subscription.done()
    assert _frames_in(sock.data) == ["<p id=a>" + "x" * 100 + "</p>", "<p id=b>2</p>"]


def test_a_ping_after_a_partial_write_waits_for_the_rest_of_the_frame():
    sock = _KernelSocket(room=10)
    hub, subscription = _attached(sock)
    hub.publish("room:1", "<p id=a>" + "x" * 100 + "</p>")
    ping = bytes([0x89, 0])  # what simple-websocket's own thread sends every 25 s
    subscription.writer.send(ping)
    assert sock.data.endswith(ping)
    assert _frames_in(sock.data[:-2]) == ["<p id=a>" + "x" * 100 + "</p>"]


def test_a_full_socket_buffer_keeps_the_whole_frame_for_later():
    from webapp.realtime.hub import FLUSH
    sock = _KernelSocket(room=0)
    hub, subscription = _attached(sock)
    hub.publish("room:1", "<p id=a>1</p>")
    assert subscription.get(0) is FLUSH and sock.data == b""
    subscription.writer.flush()
    assert _frames_in(sock.data) == ["<p id=a>1</p>"]


def test_never_a_direct_write_under_tls_or_before_the_page_has_its_state():
    from webapp.realtime.frames import SerialWrites

    class TlsSocket(_KernelSocket):
        def cipher(self):
            return ("TLS_AES_128_GCM_SHA256", "TLSv1.3", 128)

    tls = TlsSocket()
    hub, subscription = _attached(tls)
    hub.publish("room:1", "<p id=a>1</p>")
    assert tls.data == b"" and subscription.get(0) == "<p id=a>1</p>"
    assert SerialWrites(tls).write_now(b"x") is False

    hub = LocalHub()
    unattached = hub.subscribe(["room:1"])
    hub.publish("room:1", "<p id=a>1</p>")
    assert unattached.get(0) == "<p id=a>1</p>"


def test_no_direct_write_once_the_websocket_is_closed():
    from webapp.realtime.frames import SerialWrites
    sock, state = _KernelSocket(), {"open": True}
    hub = LocalHub()
    subscription = hub.subscribe(["room:1"])
    subscription.attach(SerialWrites(sock, lambda: state["open"]))
    state["open"] = False
    hub.publish("room:1", "<p id=a>1</p>")
    assert sock.data == b"" and subscription.get(0) == "<p id=a>1</p>"


def test_no_direct_write_after_a_close_frame_went_out():
    sock = _KernelSocket()
    hub, subscription = _attached(sock)
    subscription.writer.send(bytes([0x88, 2, 0x03, 0xF4]))  # simple-websocket closing (1012)
    hub.publish("room:1", "<p id=a>1</p>")
    assert sock.data == bytes([0x88, 2, 0x03, 0xF4]) and subscription.get(0) == "<p id=a>1</p>"
