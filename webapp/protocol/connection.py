"""One live connection's plumbing, whatever the transport: its mailbox and its loop.

The loop runs in the connection's own thread (a greenlet under gevent) and alone handles the
items, in order: the client's events (queued by the transport's reader), what the room publishes
(through the hub), a RESYNC when the hub dropped messages for a slow client, and the end.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from simple_websocket import ConnectionClosed

from ..extensions import db
from ..realtime.hub import RESYNC, Close
from ..realtime.sockets import DISCONNECTED, ClientMessage

log = logging.getLogger(__name__)


class Mailbox:
    """The connection's one queue: its room's published messages and its own items (client
    events, the end). Joining another room swaps the hub subscription; the connection's own
    items still waiting move over in order."""

    def __init__(self, hub):
        self.hub = hub
        self._lock = threading.Lock()
        self.subscription = hub.subscribe([])

    def put(self, item) -> None:
        with self._lock:
            self.subscription.put(item)

    def get(self, timeout: float | None = None):
        return self.subscription.get(timeout)

    def done(self) -> None:
        self.subscription.done()

    def switch(self, topics: list[str]) -> None:
        new = self.hub.subscribe(topics)
        with self._lock:
            old, self.subscription = self.subscription, new
            while old.pending():
                item = old.get(timeout=0)
                if isinstance(item, (ClientMessage, Close)) or item is DISCONNECTED:
                    new.put(item)
        self.hub.unsubscribe(old)

    def close(self) -> None:
        self.hub.unsubscribe(self.subscription)


def run(session, is_open: Callable[[], bool], close: Callable[[Close], None],
        on_item: Callable[[], None] = lambda: None) -> None:
    """Handle the connection's items in order until it ends (the transport's reader always ends
    by queueing DISCONNECTED); while the room's timer runs, wake on every whole second for the
    time update."""
    mailbox = session.mailbox
    while True:
        item = mailbox.get(session.seconds_to_next_tick())
        try:
            if item is None:
                if not is_open():
                    return
            elif isinstance(item, ClientMessage):
                on_item()  # the transport's reader may queue one more
                event = item.data
                if isinstance(event, tuple):
                    session.on_event(*event)
                else:
                    session.on_text(event)
            elif item is RESYNC:
                session.send_whole_state()
            elif isinstance(item, Close):
                close(item)
                return
            elif item is DISCONNECTED:
                return
            elif isinstance(item, str):
                session.on_published(item)
        except (ConnectionClosed, ConnectionError):
            raise
        except Exception:  # one bad moment must not end the connection: the client may resync
            db.session.rollback()
            log.exception("live session failed to handle %r", type(item).__name__)
        finally:
            if item is not None:
                mailbox.done()
            db.session.close()
        session.tick_if_due()  # also between items: a busy connection still gets its second
