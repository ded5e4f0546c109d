"""Socket plumbing shared by every live page: Origin check and the per-connection loop.

One connection = one handler thread (a greenlet under gevent) that alone sends on its socket,
plus simple-websocket's own reader thread, which turns incoming frames into items of the same
mailbox (through `Inbox`: no second reader of our own per socket). Everything the connection
does (send a published fragment, answer a client message, re-send its state, close) therefore
happens in order, in the handler's request context.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from urllib.parse import urlsplit

from flask import Request, g, has_app_context
from simple_websocket import ConnectionClosed
from simple_websocket.ws import Base
from wsproto import ConnectionType, WSConnection
from wsproto.connection import ConnectionState
from wsproto.events import AcceptConnection, RejectConnection
from wsproto.events import Request as WSRequest
from wsproto.extensions import PerMessageDeflate
from wsproto.utilities import RemoteProtocolError

from .. import jsonsafety
from . import apart
from .frames import Published, SerialWrites
from . import keepalive
from .hub import FLUSH, RESYNC, Close, Hub, Subscription

log = logging.getLogger(__name__)

MAX_CLIENT_MESSAGE_BYTES = 4096
MAX_PENDING_CLIENT_MESSAGES = 16  # the reader waits beyond this: a flood cannot grow memory
POLICY_VIOLATION = 1008


def origin_allowed(request: Request) -> bool:
    """Refuse cross-site WebSocket hijacking: a browser's Origin must be this very host.

    Browsers always send Origin on a WebSocket handshake; a client without one is not a
    browser acting for someone else (it must present the cookie itself), so it may connect.
    """
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    parts = urlsplit(origin)
    return parts.scheme in ("http", "https") and parts.netloc.lower() == request.host.lower()


def handshake_refusal(environ: dict) -> tuple[int, dict[str, str]] | None:
    """Why this WebSocket handshake would fail, as an HTTP status and headers; None if it is fine.

    simple-websocket does the handshake inside flask-sock's view and lets wsproto's errors (a
    missing Sec-WebSocket-Version, a malformed permessage-deflate offer, ...) escape as a 500.
    Rehearsing the same handshake on a throwaway connection first turns every one of them into
    a 4xx. wsproto suggests 426 plus the version it speaks for an unknown version, else 400.
    """
    connection = WSConnection(ConnectionType.SERVER)
    try:
        connection.receive_data(_handshake_bytes(environ))
        for event in connection.events():
            if isinstance(event, WSRequest):
                connection.send(AcceptConnection(extensions=[PerMessageDeflate()]))
                return None
    except RemoteProtocolError as error:
        hint = error.event_hint
        if isinstance(hint, RejectConnection) and 400 <= hint.status_code < 500:
            return hint.status_code, {name.decode("latin-1"): value.decode("latin-1")
                                      for name, value in hint.headers}
        return 400, {}
    except Exception:  # wsproto lets e.g. a ValueError out for a bad window-bits parameter
        return 400, {}
    return 400, {}


def _handshake_bytes(environ: dict) -> bytes:
    """The request head exactly as simple-websocket's Server.handshake() rebuilds it."""
    head = b"GET / HTTP/1.1\r\n"
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            header = "-".join(part.capitalize() for part in key[5:].split("_"))
            head += f"{header}: {value}\r\n".encode()
    return head + b"\r\n"


@dataclass(frozen=True)
class ClientMessage:
    data: dict


class _Disconnected:
    pass


DISCONNECTED = _Disconnected()


def parse_client_message(raw) -> dict | None:
    """A JSON object of a sane size, or None (ignored)."""
    if not isinstance(raw, str) or len(raw) > MAX_CLIENT_MESSAGE_BYTES:
        return None
    try:
        data = jsonsafety.loads(raw)
    except ValueError:  # malformed, nested too deeply, a lone surrogate: dropped, the socket stays
        return None
    return data if isinstance(data, dict) else None


def serve(ws, hub: Hub, subscription: Subscription, *,
          on_message: Callable[[dict], str | None],
          full_state: Callable[[], str]) -> None:
    """Run one connection until it closes: push published fragments, answer client messages.

    `full_state()` renders everything the page shows (sent first, and again after an overflow);
    `on_message(data)` handles a client's JSON object and may return HTML for this client only.
    The wait needs no timeout: the reader always ends by queueing DISCONNECTED.
    """
    # Rendering and database work run deep: apart, so this long-lived greenlet stays shallow.
    full_state, on_message = partial(apart, full_state), partial(apart, on_message)
    # Partials, not closures, for what lives as long as the socket: no cells (RSS per socket).
    ws.sock = SerialWrites(ws.sock, partial(getattr, ws, "connected"))
    forget_handshake(ws)
    slots = _semaphore(MAX_PENDING_CLIENT_MESSAGES)
    inbox = inbox_of(ws)
    try:
        ws.send(full_state())
        _forget_signed_in_user()
        inbox.forward(partial(_client_message, subscription, slots), partial(subscription.put, DISCONNECTED))
        subscription.attach(ws.sock)
        keepalive.watch(ws, subscription)
        while True:
            item = subscription.get()
            try:
                if _handle(ws, item, on_message, full_state, slots):
                    return
            finally:
                if item is not None:
                    subscription.done()
    except (ConnectionClosed, ConnectionError):
        # A peer that vanishes (a phone leaving the network, a killed tab) resets the TCP
        # connection: simple-websocket raises the OSError from send as it is. A normal ending.
        return
    finally:
        keepalive.forget(subscription)
        hub.unsubscribe(subscription)
        inbox.forward(None, None)
        for _ in range(MAX_PENDING_CLIENT_MESSAGES):
            slots.release()  # a reader waiting for a slot must not wait forever


def _forget_signed_in_user() -> None:
    """flask-login keeps the request's User row in `g` for the request's life, which for a socket
    is hours: ~2 KiB each. The socket's code works from user ids; whatever asks for current_user
    later (a filter rendering a local time) loads it again, for that moment."""
    if has_app_context():
        g.pop("_login_user", None)


class _Handshaken:
    """What wsproto still asks of a finished handshake: its state, and no more events."""

    state = ConnectionState.OPEN

    @staticmethod
    def events():
        return iter(())


def forget_handshake(ws) -> None:
    """Once open, a wsproto connection reads and writes through its Connection only; its
    H11Handshake (an h11 connection, the request's headers, two deques: ~2.5 KiB) would live
    as long as the socket. WSConnection.events() still iterates the handshake's events."""
    protocol = getattr(ws, "ws", None)
    if getattr(protocol, "connection", None) is not None and protocol.state is ConnectionState.OPEN:
        if not getattr(protocol.handshake, "_events", None):  # keep it while it has an event left
            protocol.handshake = _Handshaken


def _semaphore(value: int):
    """gevent's own semaphore where every connection shares one thread (a small C object);
    threading's, made of a Condition, a lock and a 624-byte deque, is ~1.3 KiB per socket."""
    try:
        from gevent import monkey
    except ImportError:
        return threading.Semaphore(value)
    if not monkey.is_module_patched("threading"):
        return threading.Semaphore(value)
    from gevent.lock import Semaphore
    return Semaphore(value)


def _client_message(subscription: Subscription, slots: threading.Semaphore, raw) -> None:
    """In simple-websocket's reader thread: a client's message becomes an item of the mailbox.
    Past MAX_PENDING_CLIENT_MESSAGES unhandled ones the reader waits, and so does the peer's TCP
    window: a flood cannot grow memory."""
    data = parse_client_message(raw)
    if data is not None:
        slots.acquire()
        subscription.put(ClientMessage(data))


def _handle(ws, item, on_message, full_state, slots) -> bool:
    """Send what `item` asks for; True when the connection is over."""
    if item is None:
        return not ws.connected
    if isinstance(item, str):
        send_published(ws, item)
    elif item is FLUSH:
        ws.sock.flush()
    elif isinstance(item, ClientMessage):
        slots.release()
        reply = on_message(item.data)
        if reply:
            ws.send(reply)
    elif item is RESYNC:
        ws.send(full_state())
    elif isinstance(item, Close):
        close_gracefully(ws, item)
        return True
    elif item is DISCONNECTED:
        return True
    return False


def send_published(ws, message: str) -> None:
    """A published fragment: its shared frame when it has one (see frames.py)."""
    if not isinstance(message, Published):
        ws.send(message)
        return
    if not ws.connected:
        raise ConnectionClosed(ws.close_reason, ws.close_message)
    ws.sock.sendall(message.frame)


def close_gracefully(ws, close: Close, wait_seconds: float = 2.0) -> None:
    """Send the close frame, then let the client answer before the TCP connection goes.

    Closing the socket right after the frame can reset the connection before the browser has
    read the frame, and the browser then reports 1006 instead of our code.
    """
    try:
        Base.close(ws, reason=close.code, message=close.reason)  # the frame only, not the socket
    except (ConnectionClosed, ConnectionError):
        return
    reader = getattr(ws, "thread", None)
    if reader is not None:
        reader.join(timeout=wait_seconds)  # it ends when the client's close frame arrives


class Inbox(list):
    """simple-websocket's `input_buffer`, able to hand each message on as it arrives.

    Until `forward` is called it is the plain list simple-websocket expects (its own `receive()`
    keeps working, e.g. for the API socket); afterwards every message goes to `deliver` from the
    reader thread, and `ended` is called once when that thread is over. Saves each connection a
    second reader thread (a greenlet, its stack and a semaphore: bench/fanout.py, RSS per socket).
    """

    _lock = threading.Lock()  # one for all: held for a few instructions, and ~300 bytes less each
    __slots__ = ("_deliver", "_ended", "finished")  # no per-socket dict

    def __init__(self, items=()):
        super().__init__(items)
        self._deliver = self._ended = None
        self.finished = False

    def append(self, raw) -> None:
        with self._lock:
            deliver = self._deliver
            if deliver is None:
                super().append(raw)
                return
        deliver(raw)

    def forward(self, deliver, ended) -> None:
        """Hand on what is already here and all that comes; None, None stops it."""
        with self._lock:
            waiting, self[:] = list(self), []
            self._deliver, self._ended = deliver, ended
            finished = self.finished
        if deliver is not None:
            for raw in waiting:
                deliver(raw)
            if finished:
                ended()

    def finish(self) -> None:
        with self._lock:
            self.finished = True
            ended = self._ended
        if ended is not None:
            ended()


class ReaderThread(threading.Thread):
    """simple-websocket's per-connection thread (SOCK_SERVER_OPTIONS["thread_class"] without
    gevent): gives its connection an Inbox and tells it when reading is over, however it ended."""

    def __init__(self, target):
        super().__init__(target=target, daemon=True)
        self.inbox = _give_inbox(target)

    def run(self) -> None:
        try:
            super().run()
        except Exception:  # a broken frame must not leave the handler waiting forever
            log.exception("socket reader failed")
        finally:
            self.inbox.finish()


class GreenReader:
    """The same under gevent, as one raw greenlet: a threading.Thread there is a gevent Greenlet
    plus a Thread object with its own locks and events, ~4 KiB more per socket for what is a
    loop over recv(). It offers what simple-websocket and close_gracefully use of a thread."""

    __slots__ = ("_target", "inbox", "_ended", "_waiters")  # no per-socket dict

    def __init__(self, target):
        self._target = target
        self.inbox = _give_inbox(target)
        self._ended = False
        self._waiters = None  # an Event, made only when someone waits for the end

    @property
    def name(self) -> str:
        return "(simple_websocket.Base._thread)"

    @name.setter
    def name(self, _value: str) -> None:
        pass  # simple-websocket renames its thread; one constant name, not a string per socket

    def start(self) -> None:
        import gevent
        gevent.spawn_raw(self._run)

    def _run(self) -> None:
        try:
            self._target()
        except Exception:  # a broken frame must not leave the handler waiting forever
            log.exception("socket reader failed")
        finally:
            self._target = None
            self._ended = True
            self.inbox.finish()
            if self._waiters is not None:
                self._waiters.set()

    def is_alive(self) -> bool:
        return not self._ended

    def join(self, timeout: float | None = None) -> None:
        if self._ended:
            return
        if self._waiters is None:
            from gevent.event import Event
            self._waiters = Event()
        self._waiters.wait(timeout)


def reader_class():
    """The thread_class for simple-websocket: a raw greenlet under gevent, else a thread."""
    try:
        from gevent import monkey
    except ImportError:
        return ReaderThread
    return GreenReader if monkey.is_module_patched("threading") else ReaderThread


def _give_inbox(target) -> Inbox:
    connection = getattr(target, "__self__", None)
    inbox = Inbox(getattr(connection, "input_buffer", ()))
    if connection is not None:
        connection.input_buffer = inbox
    return inbox


def inbox_of(ws) -> Inbox:
    """The connection's Inbox. A connection made without ReaderThread (another thread_class, a
    test double) gets one fed by a reader of our own, calling `receive()` as before."""
    inbox = getattr(ws, "input_buffer", None)
    if isinstance(inbox, Inbox):
        return inbox
    inbox = Inbox()
    threading.Thread(target=_receive_into, args=(ws, inbox), daemon=True).start()
    return inbox


def _receive_into(ws, inbox: Inbox) -> None:
    try:
        while True:
            inbox.append(ws.receive())
    except ConnectionClosed:
        pass
    except Exception:  # a broken frame must not leave the handler waiting forever
        log.exception("socket reader failed")
    finally:
        inbox.finish()
