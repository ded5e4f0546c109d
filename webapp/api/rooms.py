"""GET /api/v1/rooms/<CODE>: a room's timer and participants as JSON.

Public rooms are readable by anyone; private rooms only by their participants (a bearer
token or the browser session), and 404 for everyone else so codes do not leak.
"""
from flask import jsonify

from ..models import utcnow
from ..rooms import presence, services, views
from . import bp
from .auth import viewer
from .contract import ApiError


@bp.get("/rooms/<code>")
def room_detail(code: str):
    try:
        room = services.find_room(code)
    except services.RoomNotFound as error:
        raise ApiError(404, error.message) from error
    if not services.api_visible(room, viewer()):
        raise ApiError(404, f"No room has the code {room.code}.")
    return jsonify(room_json(room))


def room_json(room) -> dict:
    now = utcnow()
    timer = views.timer_view(room, now)
    return {
        "code": room.code,
        "name": room.name,
        "status": room.status,
        "phase": room.phase,
        "round": room.round,
        "rounds": room.rounds,
        "remaining_seconds": round(timer.remaining_seconds, 3),
        "phase_ends_at": room.phase_ends_at.isoformat() if room.status == "running" else None,
        "work_minutes": room.work_minutes,
        "short_break_minutes": room.short_break_minutes,
        "long_break_minutes": room.long_break_minutes,
        "is_public": room.is_public,
        "participants": [
            {**person.figures, "name": person.name, "status": person.status, "is_host": person.is_host}
            for person in views.participant_views(room, presence.roster(room, None).shown, now)
        ],
    }
