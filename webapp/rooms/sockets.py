"""The room socket `/r/<CODE>/ws`: one per open room page, driven by the htmx ws extension.

Admission happens before the upgrade (a plain HTTP 403/404 answer): a foreign Origin is
refused (cross-site WebSocket hijacking), and only participants of the room get in (their
session or guest cookie, through flask-login). Once open, the socket gets the whole state,
then every fragment published to the room and to this person; the page sends small JSON
objects: tracking's reports ({"type": "activity"|"hidden"|"visible"}) and host controls
({"type": "control", "action": "pause"}).
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial

from flask import request
from flask_login import current_user

from .. import realtime
from ..errors import error_response
from ..extensions import db, sock
from ..metrics import OPEN_SOCKETS
from ..models import Participant, Room, utcnow
from ..realtime.sockets import origin_allowed, serve
from . import bp, departures, liveness, presence, publishing, services

# Messages other features handle, by their "type" (tracking's activity reports): each handler
# takes (room, participant, type, now) and commits what it changes. Wired in webapp/wiring.py.
MESSAGE_HANDLERS: dict[str, Callable[[Room, Participant, str, datetime], object]] = {}


@bp.before_request
def _admit_socket():
    if request.endpoint != "rooms.socket":
        return None
    # Loading the person and the room runs deep: apart, so the socket's greenlet stays shallow.
    return realtime.apart(_admission)


def _admission():
    if not origin_allowed(request):
        return error_response(403, "Cross-site WebSocket connections are refused.")
    if not current_user.is_authenticated:
        return error_response(401)
    try:
        room = services.find_room(request.view_args["code"])
    except services.RoomNotFound as error:
        return error_response(404, error.message)
    if services.participant_of(room, current_user) is None:
        return error_response(403, "Join the room first.")
    # The WebSocket handshake comes next and waits on the network: hold no pooled connection.
    db.session.remove()
    return None


@sock.route("/r/<code>/ws", bp=bp, endpoint="socket")
def socket(ws, code: str):
    user_id = current_user.id
    room_id, room_code = realtime.apart(_room_ids, code)
    hub = realtime.get_hub()
    subscription = hub.subscribe([publishing.room_topic(room_id), publishing.user_topic(room_id, user_id)])
    socket_id = None
    try:
        socket_id = realtime.apart(_count_in, room_code, user_id)
        if socket_id is None:  # no longer a participant since the admission: nothing to serve
            return
        OPEN_SOCKETS.inc()
        realtime.apart(_announce_arrival, room_code)
        serve(ws, hub, subscription,
              full_state=partial(_full_state, room_code, user_id),
              on_message=partial(_on_message, room_code, user_id))
    finally:
        hub.unsubscribe(subscription)
        if socket_id is not None:
            OPEN_SOCKETS.dec()
            disconnect(room_code, user_id, socket_id)


def _room_ids(code: str) -> tuple[int, str]:
    try:
        room = services.find_room(code)
        return room.id, room.code
    finally:
        db.session.remove()


def _count_in(code: str, user_id: int) -> int | None:
    """The socket's id once counted in, or None if no longer a participant."""
    try:
        return presence.open_socket(services.find_room(code), user_id, utcnow())[1]
    finally:
        db.session.remove()  # hold no database connection (nor a Session object) while it idles


def _announce_arrival(code: str) -> None:
    try:
        liveness.current().start()  # this process serves sockets: it heartbeats from now on
        publish_presence(code, utcnow())
    finally:
        db.session.remove()


def _full_state(code: str, user_id: int) -> str:
    try:
        room = services.find_room(code)
        return publishing.full_state_html(room, services.membership(room.id, user_id), utcnow())
    finally:
        db.session.remove()


def _on_message(code: str, user_id: int, data: dict) -> str | None:
    """Handle one client message; the returned HTML goes to this connection only."""
    kind = data.get("type")
    try:
        room = services.find_room(code)
        me = services.membership(room.id, user_id)
        if me is None:
            return None
        now = utcnow()
        if kind in MESSAGE_HANDLERS:
            MESSAGE_HANDLERS[kind](room, me, kind, now)
        elif kind == "sync":  # the page saw a newer clock than its timer: send everything
            return publishing.full_state_html(room, me, now)
        elif kind == "control":
            return _control(room, me.user, str(data.get("action", "")), now)
        return None
    except services.RoomNotFound:
        return None
    finally:
        db.session.remove()


def _control(room, user, action: str, now) -> str | None:
    try:
        services.control(room, user, action, now)
    except services.RoomError as error:
        return publishing.notice_html(room, error.message)
    return None


def publish_presence(code: str, now) -> None:
    """A socket opened: the room's list shows the person present (the live API's sockets too)."""
    room = services.find_room(code)
    publishing.participants_changed(room, now)


def disconnect(code: str, user_id: int, socket_id: int) -> None:
    """Counted out by the departures worker, in a batch with whoever else just left."""
    departures.leave(code, user_id, socket_id)
