"""What the focus log adds to a room page (rooms/room.html includes focus/_room_extra.html):
one-click interruptions during a work phase, and for a solo room its task and an End button.
Computed before rendering, like tracking's part, so the template never queries."""
from __future__ import annotations

from flask import Flask, request
from flask_login import current_user

from ..pwa import keep_offline
from . import services


def room_page_context() -> dict:
    if request.endpoint != "rooms.room" or not current_user.is_authenticated:
        return {}
    from ..rooms import services as rooms
    try:
        room = rooms.find_room((request.view_args or {}).get("code", ""))
    except rooms.RoomNotFound:
        return {}
    if rooms.participant_of(room, current_user) is None:
        return {}
    if room.is_solo and room.host_id == current_user.id:
        keep_offline()  # the solo timer survives a reload without a network (static/js/room.js)
    running = services.running_session(current_user)
    here = running if running is not None and running.room_id == room.id else None
    return {"focus_room": {
        "solo": room.is_solo and room.host_id == current_user.id,
        "task": services.solo_task(room) if room.is_solo else None,
        "checkin": services.room_checkin(room) if room.is_solo else None,
        "open": services.open_interruption(here) if here is not None else None,
    }}


def init_app(app: Flask) -> None:
    app.context_processor(room_page_context)
