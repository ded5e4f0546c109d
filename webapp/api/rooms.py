"""GET /api/v1/rooms/<CODE>: a room's timer and participants as JSON; GET /api/v1/rooms: the
public directory.

Public rooms are readable by anyone; private rooms only by their participants (a bearer
token or the browser session), and 404 for everyone else so codes do not leak.
"""
from flask import jsonify, request

from ..extensions import db
from ..models import Room, utcnow
from ..rooms import presence, services, views
from ..rooms.forms import code_problem, normalize_code
from . import bp
from .auth import viewer
from .contract import ApiError, QueryArgs
from .pagination import PAGE_PARAMS, beyond, page_document, read_cursor, read_limit

MAX_SEARCH_LENGTH = 80


@bp.get("/rooms")
def room_list():
    """The public rooms of the directory (search with `q`), newest first.

    The page sorts by latest activity, which changes while a client pages; the API sorts by
    creation so a cursor never skips or repeats a room.
    """
    query = QueryArgs(request.args, ("q",) + PAGE_PARAMS)
    search = query.get("q") or ""
    if len(search) > MAX_SEARCH_LENGTH:
        query.add("q", f"Search with at most {MAX_SEARCH_LENGTH} characters.")
    elif "\x00" in search:  # PostgreSQL cannot even compare text holding a NUL
        query.add("q", "Search with printable text.")
    after, limit = read_cursor(query, "rooms", (int,)), read_limit(query)
    query.check()
    statement = services.public_rooms_query(search).order_by(None).order_by(Room.id.desc()).limit(limit + 1)
    if after is not None:
        statement = statement.where(beyond((Room.id,), after, descending=True))
    rows = db.session.execute(statement).all()
    now = utcnow()
    return jsonify(page_document(rows, limit, "rooms", lambda row: (row[0].id,),
                                 lambda row: room_summary(row[0], row[1], now)))


def room_summary(room, present: int, now) -> dict:
    """A directory entry: the timer and how many are here, without the participant list."""
    timer = views.timer_view(room, now)
    return {"code": room.code, "name": room.name, "status": room.status, "phase": room.phase,
            "round": room.round, "rounds": room.rounds, "remaining_seconds": round(timer.remaining_seconds, 3),
            "phase_ends_at": room.phase_ends_at.isoformat() if room.status == "running" else None,
            "present": present}


@bp.get("/rooms/<code>")
def room_detail(code: str):
    if code_problem(normalize_code(code)):  # not a code at all: no query (PostgreSQL refuses a NUL)
        raise ApiError(404, f"No room has the code {normalize_code(code)[:12] or '…'}.")
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
