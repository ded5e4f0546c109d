"""The live protocol over Socket.IO (/socket.io/), for the phone app: the same events, the same
LiveSession, the same hub, so Socket.IO clients, JSON sockets and browsers share one room.

python-socketio's server, WebSocket transport only (long-polling would need sticky sessions,
which gunicorn cannot give). Its async mode follows the process: "gevent" under gunicorn's
gevent worker (monkey-patched before the app is imported), "threading" elsewhere (the dev and
test servers). Authenticate with the connect payload {"token": ...} (or ?token=); a refused
connection gets Socket.IO's connect_error with the reason.
"""
from __future__ import annotations

import json
import threading

import socketio
from flask import Flask

from .. import realtime
from ..realtime.sockets import DISCONNECTED, MAX_CLIENT_MESSAGE_BYTES, MAX_PENDING_CLIENT_MESSAGES, ClientMessage
from .connection import Mailbox, run
from .session import TOO_LARGE, LiveSession
from .socket import user_id_for

SOCKETIO_PATH = "socket.io"
EXTENSION_KEY = "focusroom_socketio"


def async_mode() -> str:
    try:
        from gevent import monkey
    except ImportError:
        return "threading"
    return "gevent" if monkey.is_module_patched("socket") else "threading"


class SocketIOLive:
    """One python-socketio server for the app; each connection runs a LiveSession in a task."""

    def __init__(self, app: Flask):
        self.app = app
        self.server = socketio.Server(async_mode=async_mode(), transports=["websocket"],
                                      ping_interval=app.config.get("WS_PING_INTERVAL", 25),
                                      max_http_buffer_size=app.config.get("WS_MAX_MESSAGE_SIZE", 64 * 1024))
        self.sessions: dict[str, LiveSession] = {}
        self.waiting: dict[str, int] = {}
        self._lock = threading.Lock()
        self.server.on("connect", self.connect)
        self.server.on("disconnect", self.disconnect)
        self.server.on("*", self.event)

    def connect(self, sid: str, environ: dict, auth=None):
        token = auth.get("token") if isinstance(auth, dict) else None
        if not token:
            from urllib.parse import parse_qs
            token = (parse_qs(environ.get("QUERY_STRING", "")).get("token") or [None])[0]
        with self.app.app_context():
            user_id = user_id_for(token) if isinstance(token, str) and token else None
        if user_id is None:
            raise socketio.exceptions.ConnectionRefusedError("A valid API token is required (auth: {token}).")
        mailbox = Mailbox(realtime.get_hub(self.app))
        session = LiveSession(user_id, mailbox, lambda event, data: self.server.emit(event, data, to=sid))
        with self._lock:
            self.sessions[sid], self.waiting[sid] = session, 0
        self.server.start_background_task(self._serve, sid, session)

    def event(self, event: str, sid: str, data=None):
        session = self.sessions.get(sid)
        if session is None:
            return
        with self._lock:
            if self.waiting.get(sid, 0) >= MAX_PENDING_CLIENT_MESSAGES:
                full = True
            else:
                full, self.waiting[sid] = False, self.waiting.get(sid, 0) + 1
        if full:  # a flood is answered at once and queues nothing
            self.server.emit("error", {"code": "rate_limited", "message": "Too many messages; slow down.",
                                       "event": event}, to=sid)
            return
        if len(json.dumps(data, default=str)) > MAX_CLIENT_MESSAGE_BYTES:  # the plain socket's limit too
            data = TOO_LARGE
        session.mailbox.put(ClientMessage((event, data)))

    def disconnect(self, sid: str, *reason):
        session = self.sessions.get(sid)
        if session is not None:
            session.mailbox.put(DISCONNECTED)

    def _taken(self, sid: str) -> None:
        with self._lock:
            self.waiting[sid] = max(0, self.waiting.get(sid, 0) - 1)

    def _serve(self, sid: str, session: LiveSession) -> None:
        with self.app.app_context(), self.app.test_request_context("/socket.io/"):
            try:
                run(session, is_open=lambda: sid in self.sessions,
                    close=lambda close: self.server.disconnect(sid), on_item=lambda: self._taken(sid))
            finally:
                with self._lock:
                    self.sessions.pop(sid, None)
                    self.waiting.pop(sid, None)
                session.close()


def init_app(app: Flask) -> SocketIOLive:
    """Serve /socket.io/ in front of the app (once per app)."""
    if EXTENSION_KEY not in app.extensions:
        live = SocketIOLive(app)
        app.extensions[EXTENSION_KEY] = live
        app.wsgi_app = _socketio_paths_only(
            socketio.WSGIApp(live.server, app.wsgi_app, socketio_path=SOCKETIO_PATH), app.wsgi_app)
    return app.extensions[EXTENSION_KEY]


def _socketio_paths_only(socketio_app, app):
    """Only /socket.io/ requests go through engine.io's middleware: it defines a class per request
    and keeps it in the environ, about 2.6 KiB that every room socket held for its whole life.
    (A function, not an object with __call__: a plain call adds no C frame to the stack that every
    idle socket's greenlet keeps saved.)"""
    prefix = "/" + SOCKETIO_PATH.strip("/")

    def dispatch(environ, start_response):
        if (environ.get("PATH_INFO") or "").startswith(prefix):
            return socketio_app(environ, start_response)
        return app(environ, start_response)

    return dispatch
