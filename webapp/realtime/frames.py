"""Published messages travel as one WebSocket frame built once, not once per connection.

simple-websocket turns every `send(str)` into a frame of its own: the HTML is encoded, and (when
the browser offered permessage-deflate, as browsers do) compressed again for each connection. A
room's list going to 1,000 pages cost the event loop most of a second that way, and every other
socket waited. A server's frames are not masked, so an uncompressed text frame is the same bytes
for everyone: `Published.frame` builds it once (with wsproto, the library simple-websocket uses)
and each connection writes those bytes. RFC 7692 lets a sender leave any message uncompressed
(RSV1 unset), even where the extension was agreed, and such a message does not touch either
side's compression context, so it mixes safely with simple-websocket's own (compressed) sends.

`SerialWrites` makes every write on a connection whole and one at a time: simple-websocket writes
with `socket.send` and ignores a partial count (a large frame to a slow client would then be cut),
and its reader greenlet answers pings on the same socket while the handler may be mid-frame.
"""
from __future__ import annotations

import socket
import threading
from functools import cached_property

from wsproto.frame_protocol import FrameProtocol


class Published(str):
    """An HTML fragment published to many connections; its frame is built on first use."""

    @cached_property
    def frame(self) -> bytes:
        # A fresh encoder each time: FrameProtocol remembers the opcode of an unfinished message.
        return bytes(FrameProtocol(client=False, extensions=[]).send_data(str(self), fin=True))


class SerialWrites:
    """Wraps a connection's socket: every write is whole and one at a time, and the tail of a
    frame that a direct write could not finish goes out before anything else (a ping, a pong, a
    close from simple-websocket's own thread), so frames never mix on the wire."""

    def __init__(self, sock, is_open=lambda: True):
        self._sock = sock
        self._lock = threading.Lock()
        self._is_open = is_open
        self._pending = b""  # what the kernel did not take of a direct write
        self.closed = False  # a close frame went out: no data frame may follow it
        # The OS socket under gevent's wrapper, for writes that must not wait. Never under TLS:
        # bytes written there would bypass the encryption (TLS sockets have cipher()).
        raw = getattr(sock, "_sock", sock)
        plain = not hasattr(sock, "cipher") and not hasattr(raw, "cipher")
        self._raw = raw if plain and hasattr(socket, "MSG_DONTWAIT") else None

    @property
    def pending(self) -> bool:
        return bool(self._pending)

    def write_now(self, data: bytes) -> bool:
        """Write `data` without waiting, if nothing else is being written or is left over and
        the WebSocket is open; False when nothing was written. A part the kernel did not take
        is kept (see `pending`) and goes out first with the next write or flush()."""
        if self._raw is None or not self._lock.acquire(blocking=False):
            return False
        try:
            if self._pending or self.closed or not self._is_open():
                return False
            try:
                sent = self._raw.send(data, socket.MSG_DONTWAIT)
            except BlockingIOError:
                sent = 0
            except OSError:
                return True  # the peer is gone; its reader ends the connection
            if sent < len(data):
                self._pending = bytes(memoryview(data)[sent:])
            return True
        finally:
            self._lock.release()

    def flush(self) -> None:
        with self._lock:
            self._flush()

    def send(self, data) -> int:
        with self._lock:
            self._flush()
            if len(data) and data[0] & 0x0F == 0x8:  # simple-websocket's close frames come alone
                self.closed = True
            sent = self._sock.send(data)  # nearly always all of it, and cheaper than sendall
            if sent < len(data):
                self._sock.sendall(memoryview(data)[sent:])
        return len(data)

    sendall = send

    def _flush(self) -> None:
        if self._pending:
            pending, self._pending = self._pending, b""
            self._sock.sendall(pending)

    def __getattr__(self, name):
        return getattr(self._sock, name)
