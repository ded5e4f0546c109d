"""The hub across processes: publish through Redis pub/sub, fan out to this process's sockets.

Every process PUBLISHes to one channel (`<prefix>:hub`): `publish` only queues, and one sender
per process sends what has queued up in a single pipelined round trip, in order (the clock's
time updates for 250 rooms, one PUBLISH each, spread over 50-75 ms at 0.2-0.3 ms a round trip,
and the last room's pages heard the second that much later). Once it has a local subscriber,
runs one listener (a thread, a greenlet under gevent) with its own PubSub that hands each
message to LocalHub's fan-out, so a message still becomes one shared frame per process.
One channel rather than one per room: a process never has to SUBSCRIBE as a socket opens (a
message sent before Redis confirmed it would be lost), and dropping the few messages of rooms
with nobody here is a dictionary look-up.

Redis pub/sub drops whatever is published while a subscriber is disconnected. redis-py's PubSub
reconnects by itself and subscribes again, which shows up as a second `subscribe` confirmation;
after that, or after a reconnect of our own (exponential backoff), every local subscription gets
RESYNC and re-sends its whole state (the fragments are idempotent whole states).
"""
from __future__ import annotations

import logging
import os
import queue
import threading
import time

import redis
from redis.backoff import ExponentialBackoff
from redis.retry import Retry

from .hub import DEFAULT_QUEUE_SIZE, RESYNC, LocalHub

log = logging.getLogger(__name__)

HEALTH_CHECK_SECONDS = 10
LISTEN_TIMEOUT_SECONDS = 1.0  # get_message's wait; well under the health-check interval
RECONNECT_FIRST_SECONDS = 0.1
RECONNECT_MAX_SECONDS = 10.0
PUBLISH_TIMEOUT_SECONDS = 2.0
OUTBOX_LIMIT = 10_000  # messages waiting for Redis; past it (Redis gone for long) they are dropped
BATCH = 500  # messages per pipelined round trip


class RedisHub(LocalHub):
    def __init__(self, url: str, prefix: str = "focusroom"):
        super().__init__()
        self.channel = f"{prefix}:hub"
        self.listener_name = f"{prefix}-hub-{os.getpid()}-{id(self):x}"
        # Only the sender thread uses this connection; a timeout keeps a dead Redis from holding it.
        self._publisher = redis.Redis.from_url(
            url, socket_timeout=PUBLISH_TIMEOUT_SECONDS, socket_connect_timeout=PUBLISH_TIMEOUT_SECONDS,
            socket_keepalive=True, health_check_interval=30,
            retry=Retry(ExponentialBackoff(cap=0.2, base=0.02), 1))
        # The listener's connection: no socket_timeout (it idles between messages and would
        # reconnect in a storm), TCP keepalive and PINGs find a dead peer instead.
        self._listener_client = redis.Redis.from_url(
            url, socket_connect_timeout=5, socket_keepalive=True,
            health_check_interval=HEALTH_CHECK_SECONDS, client_name=self.listener_name)
        self._listener: threading.Thread | None = None
        self._sender: threading.Thread | None = None
        self._outbox: queue.Queue = queue.Queue(OUTBOX_LIMIT)
        self._start_lock = threading.Lock()
        self._stopped = threading.Event()
        self.published = 0
        self.failed = 0  # publishes Redis did not take
        self.resyncs = 0  # how many times the local subscriptions were asked to re-send everything
        self.listening = threading.Event()  # set while subscribed (tests wait on it)

    def subscribe(self, topics, maxsize=DEFAULT_QUEUE_SIZE):
        subscription = super().subscribe(topics, maxsize)
        self._ensure_listener()
        return subscription

    def publish(self, topic: str, message: str, key: str | None = None) -> int:
        """Queue it for the sender, never waiting on Redis (a publish follows a commit and must
        not hold up the request or the tick); 1 if queued, 0 if the outbox is full."""
        self._ensure_thread("_sender", self._send_forever, "redis-hub-sender")
        try:
            self._outbox.put_nowait(_encode(topic, key, message))
        except queue.Full:
            self.failed += 1
            return 0
        return 1

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until everything queued so far went to Redis (or failed); True if it did."""
        deadline = time.monotonic() + timeout
        while self._outbox.unfinished_tasks and time.monotonic() < deadline:
            time.sleep(0.01)
        return not self._outbox.unfinished_tasks

    def _send_forever(self) -> None:
        while not self._stopped.is_set():
            try:
                batch = [self._outbox.get(timeout=LISTEN_TIMEOUT_SECONDS)]
            except queue.Empty:
                continue
            while len(batch) < BATCH:
                try:
                    batch.append(self._outbox.get_nowait())
                except queue.Empty:
                    break
            try:
                pipe = self._publisher.pipeline(transaction=False)
                for data in batch:
                    pipe.publish(self.channel, data)
                pipe.execute()
                self.published += len(batch)
            except redis.RedisError as error:
                self.failed += len(batch)
                log.warning("could not publish %d messages through Redis: %s", len(batch), error)
            finally:
                for _ in batch:
                    self._outbox.task_done()

    def close(self) -> None:
        """Send what is queued, stop listening (the process is going away); local subscriptions
        are left as they are."""
        if self._sender is not None:
            self.flush(timeout=2.0)
        self._stopped.set()
        for thread in (self._listener, self._sender):
            if thread is not None:
                thread.join(timeout=LISTEN_TIMEOUT_SECONDS + 2)
        self._publisher.close()
        self._listener_client.close()

    def _ensure_listener(self) -> None:
        self._ensure_thread("_listener", self._listen_forever, "redis-hub-listener")

    def _ensure_thread(self, attribute: str, target, name: str) -> None:
        if getattr(self, attribute) is not None or self._stopped.is_set():
            return
        with self._start_lock:
            if getattr(self, attribute) is None:
                thread = threading.Thread(target=target, name=name, daemon=True)
                setattr(self, attribute, thread)
                thread.start()

    def _listen_forever(self) -> None:
        delay, ever_subscribed = RECONNECT_FIRST_SECONDS, False
        while not self._stopped.is_set():
            pubsub = self._listener_client.pubsub()
            try:
                pubsub.subscribe(self.channel)
                while not self._stopped.is_set():
                    message = pubsub.get_message(timeout=LISTEN_TIMEOUT_SECONDS)
                    if message is None:
                        continue
                    if message["type"] == "message":
                        self._dispatch(message["data"])
                    elif message["type"] == "subscribe":
                        if ever_subscribed:  # a reconnect: whatever came meanwhile is lost
                            self._resync_everyone()
                        ever_subscribed, delay = True, RECONNECT_FIRST_SECONDS
                        self.listening.set()
            except (redis.RedisError, OSError) as error:
                self.listening.clear()
                log.warning("Redis hub listener lost its connection (%s); retrying in %.1f s", error, delay)
                self._stopped.wait(delay)
                delay = min(delay * 2, RECONNECT_MAX_SECONDS)
            except Exception:  # a bad message must not end the only listener of this process
                log.exception("Redis hub listener failed; restarting it")
                self._stopped.wait(delay)
            finally:
                try:
                    pubsub.close()
                except Exception:
                    pass
        self.listening.clear()

    def _dispatch(self, data: bytes) -> None:
        try:
            topic, key, message = _decode(data)
        except ValueError:
            log.warning("ignored a malformed hub message")
            return
        self._fan_out(topic, message, key)

    def _resync_everyone(self) -> None:
        self.resyncs += 1
        with self._lock:
            everyone = {s for members in self._by_topic.values() for s in members}
        for subscription in everyone:
            subscription.deliver(RESYNC)
        log.warning("Redis hub reconnected: %d local connections re-sync", len(everyone))


def _encode(topic: str, key: str | None, message: str) -> bytes:
    # Topics and keys are ours (no newlines); the HTML goes last, as it is.
    return f"{topic}\n{key or ''}\n{message}".encode()


def _decode(data: bytes) -> tuple[str, str | None, str]:
    topic, key, message = data.decode().split("\n", 2)
    return topic, key or None, message
