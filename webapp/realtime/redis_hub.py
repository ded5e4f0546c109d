"""The hub across processes: publish through Redis pub/sub, fan out to this process's sockets.

Every process PUBLISHes to one channel (`<prefix>:hub`) and, once it has a local subscriber,
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
import threading

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


class RedisHub(LocalHub):
    def __init__(self, url: str, prefix: str = "focusroom"):
        super().__init__()
        self.channel = f"{prefix}:hub"
        self.listener_name = f"{prefix}-hub-{os.getpid()}-{id(self):x}"
        # Publishing may wait a little; it must never hang a request after its commit.
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
        """Returns how many processes received it (0 when Redis is unreachable: it is logged,
        and the pages catch up with a resync once the listeners reconnect)."""
        try:
            receivers = self._publisher.publish(self.channel, _encode(topic, key, message))
        except redis.RedisError as error:
            self.failed += 1
            log.warning("could not publish to %s through Redis: %s", topic, error)
            return 0
        self.published += 1
        return receivers

    def close(self) -> None:
        """Stop listening (the process is going away); local subscriptions are left as they are."""
        self._stopped.set()
        if self._listener is not None:
            self._listener.join(timeout=LISTEN_TIMEOUT_SECONDS + 2)
        self._publisher.close()
        self._listener_client.close()

    def _ensure_listener(self) -> None:
        if self._listener is not None or self._stopped.is_set():
            return
        with self._start_lock:
            if self._listener is None:
                self._listener = threading.Thread(target=self._listen_forever, name="redis-hub", daemon=True)
                self._listener.start()

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
