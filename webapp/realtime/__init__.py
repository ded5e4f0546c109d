"""Live channel: the event hub and the WebSocket plumbing.

Publishers call `publish(topic, html)` after their commit; each socket subscribes to its topics
through `get_hub()`. The hub knows nothing about the database or the templates. Which hub is
decided here, once, at start-up: through Redis when REDIS_URL is set (several processes),
in-process otherwise.
"""
from __future__ import annotations

import contextvars
import signal
import sys
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from flask import Flask, current_app

from ..metrics import MESSAGES_PUBLISHED
from .hub import GOING_AWAY_CODE, RESYNC, Close, Hub, LocalHub, Subscription

__all__ = ["Close", "GOING_AWAY_CODE", "Hub", "LocalHub", "RESYNC", "Subscription",
           "apart", "cooperate", "distributed", "get_hub", "init_app", "make_hub", "publish", "shutdown"]

EXTENSION_KEY = "focusroom_hub"
T = TypeVar("T")


def init_app(app: Flask, hub: Hub | None = None) -> None:
    """Attach one hub to the app (once); under gunicorn, close sockets with 1012 on SIGTERM."""
    if EXTENSION_KEY not in app.extensions:
        app.extensions[EXTENSION_KEY] = hub or make_hub(app.config)
    from . import keepalive
    from .sockets import reader_class
    app.config["SOCK_SERVER_OPTIONS"] = {**app.config.get("SOCK_SERVER_OPTIONS", {}), "thread_class": reader_class()}
    keepalive.configure(app.config.get("WS_PING_INTERVAL", 25))
    if "gunicorn.arbiter" in sys.modules:
        _close_sockets_on_signals(app)


def make_hub(config) -> Hub:
    url = config.get("REDIS_URL")
    if not url:
        return LocalHub()
    from .redis_hub import RedisHub
    return RedisHub(url, prefix=config.get("REDIS_PREFIX", "focusroom"))


def distributed(app: Flask | None = None) -> bool:
    """Do other processes publish to this process's sockets too?"""
    return type(get_hub(app)) is not LocalHub


def get_hub(app: Flask | None = None) -> Hub:
    return (app or current_app).extensions[EXTENSION_KEY]


def publish(topic: str, message: str, app: Flask | None = None, key: str | None = None) -> int:
    MESSAGES_PUBLISHED.inc()
    return get_hub(app).publish(topic, message, key)


def cooperate() -> None:
    """Let the sockets run. Under gevent every connection lives in this one thread, and a long
    loop (the tick rendering a hundred rooms) would hold back every send until it ends; call this
    between units of such work. Elsewhere it just offers the GIL."""
    time.sleep(0)


def apart(function: Callable[..., T], *args, **kwargs) -> T:
    """`function(*args, **kwargs)` in a short-lived greenlet of its own (under gevent), with the
    caller's context (its Flask app and request contexts, hence its database session); the caller
    waits for the result or the exception.

    Why: a greenlet keeps, for its whole life, every page its Python frames ever touched, and a
    socket's greenlet lives for hours while most of that time it waits a few frames deep. Deep work
    done in it (admission, SQLAlchemy, Jinja rendering) would leave ~8-12 KiB per open socket
    resident; done here, those pages go with the short-lived greenlet (bench/fanout.py, RSS per
    socket). With real threads it simply calls `function`."""
    if not _cooperative():
        return function(*args, **kwargs)
    import gevent
    done, value = gevent.spawn(contextvars.copy_context().run, _outcome, function, args, kwargs).get()
    if not done:
        raise value  # here, not in the greenlet: gevent would print it as an uncaught error
    return value


def _outcome(function, args, kwargs) -> tuple[bool, object]:
    try:
        return True, function(*args, **kwargs)
    except BaseException as error:  # handed to the caller, which raises it
        return False, error


def _cooperative() -> bool:
    try:
        from gevent import monkey
    except ImportError:
        return False
    return monkey.is_module_patched("threading")


def shutdown(app: Flask) -> int:
    """Ask every open socket of this process to close with 1012 so browsers reconnect."""
    hub = app.extensions.get(EXTENSION_KEY)
    return hub.close_all(Close()) if hub is not None else 0


def _close_sockets_on_signals(app: Flask) -> None:
    # gunicorn's worker installs its SIGTERM/SIGINT/SIGQUIT handlers before it loads the app;
    # we chain ours in front. A handler must not block (under gevent it runs in the event loop,
    # elsewhere it may interrupt code holding a lock), so it only starts the closing elsewhere.
    if threading.current_thread() is not threading.main_thread():
        return
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGQUIT):
        previous = signal.getsignal(signum)

        def handler(sig, frame, previous=previous):
            _in_background(shutdown, app)
            if callable(previous):
                previous(sig, frame)

        signal.signal(signum, handler)


def _in_background(function, *args) -> None:
    try:
        from gevent import monkey
        if monkey.is_module_patched("threading"):
            import gevent
            gevent.spawn(function, *args)
            return
    except ImportError:
        pass
    threading.Thread(target=function, args=args, daemon=True).start()
