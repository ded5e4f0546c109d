"""The event hub: `publish(topic, html)` fans a message out to every subscription of the topic.

Each connection owns one bounded queue, so a slow client can never stall a broadcast: when its
queue is full, what it had queued is dropped and replaced by a single RESYNC marker, and the
connection re-sends its whole state instead (the messages are idempotent HTML fragments, so the
latest full state supersedes everything that was dropped).

`LocalHub` is the in-process implementation (one web process, the default). `RedisHub`
(redis_hub.py, chosen when REDIS_URL is set) sits behind the same interface: its `publish`
PUBLISHes, and a listener in every process calls `_fan_out` for the local subscriptions.
"""
from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass

from .frames import Published

DEFAULT_QUEUE_SIZE = 64
GOING_AWAY_CODE = 1012  # "service restart": the htmx ws extension reconnects on it


class _Resync:
    """Marker: messages were dropped; send the whole state again."""

    def __repr__(self) -> str:
        return "RESYNC"


RESYNC = _Resync()


@dataclass(frozen=True)
class _Latest:
    """Queue marker of a conflated message: whatever is newest under `key` when it is read."""

    key: str


_LATEST: dict[str, _Latest] = {}


def _latest_marker(key: str) -> _Latest:
    # One marker per key, shared: making one per delivery was a measurable share of a broadcast.
    marker = _LATEST.get(key)
    if marker is None:
        marker = _LATEST.setdefault(key, _Latest(key))
    return marker


@dataclass(frozen=True)
class Close:
    """Marker: close the connection with this WebSocket close code."""

    code: int = GOING_AWAY_CODE
    reason: str = "Server restarting"


class _Flush:
    """Marker: the connection's writer holds the tail of a direct write; send it."""

    def __repr__(self) -> str:
        return "FLUSH"


FLUSH = _Flush()


class Subscription:
    """One connection's mailbox: published messages (bounded) and the connection's own items.

    Once the connection attaches its writer (after the page has its whole state), a published
    message that finds the mailbox empty and the connection idle is written to the socket at
    once by the publisher, without waking the connection's greenlet: a broadcast to a thousand
    idle pages is then a loop of non-blocking writes (see frames.SerialWrites.write_now). Order
    is kept by `_unfinished`, the items queued or being handled: a direct write happens only
    when it is zero, and whatever the kernel did not take goes out before any other write.
    """

    def __init__(self, topics: Iterable[str], maxsize: int = DEFAULT_QUEUE_SIZE):
        self.topics = frozenset(topics)
        self.maxsize = maxsize
        # Unbounded underneath: deliver() enforces the bound for published messages, and the
        # socket layer bounds its own inbound items, which must never be dropped. A list (short:
        # an empty deque alone is 624 bytes), a lock and an Event (gevent's own under gevent),
        # not a queue.Queue (a mutex and three conditions): thousands of idle connections each
        # hold one (bench/fanout.py, RSS per socket).
        self._items: list = []
        self._lock = threading.Lock()
        self._ready = threading.Event()
        self._latest: dict[str, str] = {}
        self._unfinished = 0
        self.writer = None
        self.closing: Close | None = None
        self.dropped = 0
        self.written_directly = 0

    def attach(self, writer) -> None:
        """The connection's SerialWrites; from now on idle moments allow direct writes."""
        with self._lock:
            self.writer = writer

    def deliver(self, message, key: str | None = None) -> bool:
        """Write now if the connection is idle, else queue without ever blocking; on overflow,
        replace the backlog with RESYNC.

        With a `key`, the message supersedes an undelivered one of the same key (the time update
        of a second that has passed is worth nothing): a slow reader never piles them up.
        A Close is never dropped, and nothing published is queued after it.
        """
        with self._lock:
            if self.closing is not None:
                return False
            if (self._unfinished == 0 and self.writer is not None and isinstance(message, Published)
                    and self.writer.write_now(message.frame)):
                self.written_directly += 1
                if self.writer.pending:  # the kernel took part of it: the handler sends the rest
                    self._append(FLUSH)
                return True
            if key is not None:
                already_queued = key in self._latest
                self._latest[key] = message
                if already_queued:
                    return True
                message = _latest_marker(key)
            if isinstance(message, Close):
                self.closing = message
            elif len(self._items) >= self.maxsize:
                self._drop_backlog()
                message = RESYNC
            self._append(message)
            return message is not RESYNC

    def put(self, item) -> None:
        """For the connection's own producers (its socket reader); never dropped."""
        with self._lock:
            self._append(item)

    def get(self, timeout: float | None = None):
        """The next item, or None after `timeout` seconds without one. Every item returned must
        be followed by done() once it is handled."""
        waited = False
        while True:
            with self._lock:
                if self._items:
                    item = self._items.pop(0)
                    if not self._items:
                        self._ready.clear()
                    if isinstance(item, _Latest):
                        latest = self._latest.pop(item.key, None)
                        if latest is None:  # superseded and handed out already: nothing to handle
                            self._unfinished -= 1
                        return latest
                    return item
                self._ready.clear()  # under the lock: an item appended now sets it again
            if waited and timeout is not None:
                return None
            if not self._ready.wait(timeout):
                return None
            waited = True

    def done(self) -> None:
        """The item taken last is handled (sent): the connection may be idle again."""
        with self._lock:
            self._unfinished -= 1

    def pending(self) -> int:
        return len(self._items)

    def _append(self, item) -> None:  # with the lock held
        self._items.append(item)
        self._unfinished += 1
        self._ready.set()

    def _drop_backlog(self) -> None:  # with the lock held
        kept = []
        for item in self._items:
            if isinstance(item, (str, _Latest)) or item is RESYNC:
                self.dropped += isinstance(item, str)
                self._unfinished -= 1
                if isinstance(item, _Latest):
                    self._latest.pop(item.key, None)
            else:
                kept.append(item)  # the connection's own items, and FLUSH
        self._items = kept
        if not kept:
            self._ready.clear()


class Hub(ABC):
    """What publishers and sockets rely on; implementations differ only in how messages travel."""

    @abstractmethod
    def subscribe(self, topics: Iterable[str], maxsize: int = DEFAULT_QUEUE_SIZE) -> Subscription: ...

    @abstractmethod
    def unsubscribe(self, subscription: Subscription) -> None: ...

    @abstractmethod
    def publish(self, topic: str, message: str, key: str | None = None) -> int:
        """Send `message` to every subscriber of `topic`; returns how many local ones got it.
        A `key` makes it supersede an undelivered message of the same key (see deliver)."""

    @abstractmethod
    def close_all(self, close: Close = Close()) -> int:
        """Ask every local connection to close (server shutdown); returns how many were asked."""

    @abstractmethod
    def subscriber_count(self, topic: str | None = None) -> int: ...

    def close(self) -> None:
        """Release what the hub holds outside the process (a broker connection); the default
        in-process hub holds nothing."""


class LocalHub(Hub):
    """In-process hub: a registry of subscriptions by topic, guarded by one lock."""

    def __init__(self):
        self._lock = threading.Lock()
        self._by_topic: dict[str, set[Subscription]] = {}
        self.closing = False

    def subscribe(self, topics, maxsize=DEFAULT_QUEUE_SIZE) -> Subscription:
        subscription = Subscription(topics, maxsize)
        with self._lock:
            for topic in subscription.topics:
                self._by_topic.setdefault(topic, set()).add(subscription)
        if self.closing:
            subscription.deliver(Close())
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        with self._lock:
            for topic in subscription.topics:
                members = self._by_topic.get(topic)
                if members is not None:
                    members.discard(subscription)
                    if not members:
                        del self._by_topic[topic]

    def publish(self, topic: str, message: str, key: str | None = None) -> int:
        return self._fan_out(topic, message, key)

    def _fan_out(self, topic: str, message, key: str | None = None) -> int:
        if isinstance(message, str) and not isinstance(message, Published):
            message = Published(message)  # one frame for every subscriber (see frames.py)
        with self._lock:
            members = list(self._by_topic.get(topic, ()))
        for subscription in members:
            subscription.deliver(message, key)
        return len(members)

    def close_all(self, close: Close = Close()) -> int:
        self.closing = True
        with self._lock:
            everyone = {s for members in self._by_topic.values() for s in members}
        for subscription in everyone:
            subscription.deliver(close)
        return len(everyone)

    def reconnect_all(self) -> int:
        """Ask every local connection to close with 1012 (the page reconnects at once) while
        new connections stay welcome; returns how many were asked."""
        with self._lock:
            everyone = {s for members in self._by_topic.values() for s in members}
        for subscription in everyone:
            subscription.deliver(Close(GOING_AWAY_CODE, "Reconnect"))
        return len(everyone)

    def subscriber_count(self, topic: str | None = None) -> int:
        with self._lock:
            if topic is not None:
                return len(self._by_topic.get(topic, ()))
            return len({s for members in self._by_topic.values() for s in members})
