"""GET /api/v1/live: the live protocol over a plain WebSocket, authenticated with an API token.

The token comes in the Sec-WebSocket-Protocol header (offer "focusroom.v1" and the token; the
server answers "focusroom.v1") or as ?token=. Without a valid one the socket opens and closes
at once with 4401, so every client library sees the reason. Scripts and apps are not browsers
acting for someone: a bearer token is never sent by a browser on its own, so no Origin check.
"""
from __future__ import annotations

import json
import logging
import threading

from flask import current_app, request
from simple_websocket import ConnectionClosed, Server

from .. import realtime
from ..accounts.tokens import user_for_token
from ..extensions import db
from ..realtime.hub import Close
from ..realtime.sockets import DISCONNECTED, MAX_PENDING_CLIENT_MESSAGES, ClientMessage, close_gracefully
from . import bp, protocol
from .connection import Mailbox, run
from .session import LiveSession

log = logging.getLogger(__name__)


def offered_token() -> str | None:
    """The token from ?token= or among the offered subprotocols (any offer but ours)."""
    if request.args.get("token"):
        return request.args["token"]
    offered = [part.strip() for part in request.headers.get("Sec-WebSocket-Protocol", "").split(",")]
    return next((part for part in offered if part and part != protocol.SUBPROTOCOL), None)


def user_id_for(raw: str | None) -> int | None:
    """The token's user (counting one use), or None."""
    try:
        user = user_for_token(raw) if raw else None
        return user.id if user is not None else None
    finally:
        db.session.close()  # the handshake and the socket's life hold no pooled connection


@bp.route("", websocket=True, endpoint="socket")
def live_socket():
    user_id = user_id_for(offered_token())
    options = {**current_app.config.get("SOCK_SERVER_OPTIONS", {}), "subprotocols": [protocol.SUBPROTOCOL],
               "ping_interval": current_app.config.get("WS_PING_INTERVAL", 25)}
    ws = Server(request.environ, **options)
    try:
        if user_id is None:
            close_gracefully(ws, Close(protocol.UNAUTHORIZED_CLOSE,
                                       "A valid API token is required (Sec-WebSocket-Protocol or ?token=)."))
        else:
            serve(ws, user_id)
    except (ConnectionClosed, ConnectionError):
        pass
    finally:
        try:
            ws.close()
        except Exception:  # noqa: BLE001 (already closed)
            pass
    return _finished_response(ws)


def serve(ws, user_id: int) -> None:
    mailbox = Mailbox(realtime.get_hub())

    def send(event: str, data: dict) -> None:
        ws.send(json.dumps({"event": event, "data": data}))

    session = LiveSession(user_id, mailbox, send)
    slots = threading.BoundedSemaphore(MAX_PENDING_CLIENT_MESSAGES)
    reader = threading.Thread(target=_read_loop, args=(ws, mailbox, slots), daemon=True)
    reader.start()
    try:
        run(session, is_open=lambda: ws.connected, close=lambda close: close_gracefully(ws, close),
            on_item=slots.release)
    finally:
        session.close()


def _read_loop(ws, mailbox: Mailbox, slots: threading.BoundedSemaphore) -> None:
    try:
        while True:
            raw = ws.receive()
            slots.acquire()  # a flood waits here instead of growing memory
            mailbox.put(ClientMessage(raw))
    except ConnectionClosed:
        pass
    except Exception:  # a broken frame must not leave the handler waiting forever
        log.exception("live socket reader failed")
    finally:
        mailbox.put(DISCONNECTED)


def _finished_response(ws):
    """What flask-sock answers once the socket is over (the server has already written it all)."""
    from flask import Response

    class WebSocketResponse(Response):
        def __call__(self, *args, **kwargs):
            if ws.mode == "gunicorn":
                raise StopIteration()
            if ws.mode == "werkzeug":
                return super().__call__(*args, **kwargs)
            return []

    return WebSocketResponse()
