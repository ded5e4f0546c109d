"""API v1: focus sessions (start, end, log afterwards, list, read, change, delete)."""
from datetime import date, datetime, timedelta

from flask import g, jsonify, request

from ..focus import services
from ..idempotency import idempotent
from .payload import Payload
from ..focus.serialize import session_json
from ..focus.times import BadTime, day_start, parse_day, parse_iso
from ..models import Interruption
from . import bp
from .auth import json_body, token_required
from .contract import QueryArgs
from .interruptions import interruptions_page
from .pagination import PAGE_PARAMS, page_document, read_cursor, read_limit



def optional_body() -> dict:
    """The JSON object, or {} when the request has no body at all."""
    return json_body() if request.get_data(cache=True) else {}


@bp.post("/sessions/start")
@token_required
@idempotent
def start_session():
    body = Payload(optional_body(), ("target_minutes", "task_id"))
    target, task_id = body.integer("target_minutes"), body.integer("task_id")
    body.check()
    session = services.start_session(g.api_user, target_minutes=target, task_id=task_id)
    return jsonify(session_json(session)), 201


@bp.post("/sessions/<int:session_id>/end")
@token_required
def end_session(session_id: int):
    return jsonify(session_json(services.end_session(g.api_user, session_id)))


@bp.post("/sessions")
@token_required
@idempotent
def create_session():
    body = Payload(json_body(), ("start_time", "end_time", "note", "task_id"))
    body.require("start_time", "end_time")
    start, end = body.time("start_time"), body.time("end_time")
    note, task_id = body.text("note", multiline=True), body.integer("task_id")
    body.check()
    session = services.create_manual(g.api_user, start_time=start, end_time=end, task_id=task_id, note=note)
    return jsonify(session_json(session)), 201


@bp.get("/sessions")
@token_required
def list_sessions():
    query = QueryArgs(request.args, ("day", "from", "to") + PAGE_PARAMS)
    start, end = _list_filters(query)
    before, limit = read_cursor(query, "sessions", (datetime, int)), read_limit(query)
    query.check()
    sessions = services.list_sessions(g.api_user, start=start, end=end, before=before, limit=limit + 1)
    return jsonify(page_document(sessions, limit, "sessions", lambda s: (s.start_time, s.id), session_json))


@bp.get("/sessions/<int:session_id>")
@token_required
def get_session(session_id: int):
    return jsonify(session_json(services.owned_session(g.api_user, session_id)))


@bp.patch("/sessions/<int:session_id>")
@token_required
def update_session(session_id: int):
    fields = ("note", "task_id", "start_time", "end_time")
    body = Payload(json_body(), fields)
    if not any(body.has(name) for name in fields):
        body.problems.add("note", "Give at least one of: " + ", ".join(fields) + ".")
    changes = {}
    if body.has("note"):
        changes["note"] = body.text("note", multiline=True)
    if body.has("task_id"):
        changes["task_id"] = body.integer("task_id")
    for name in ("start_time", "end_time"):
        if body.has(name):
            changes[name] = body.time(name)
    body.check()
    return jsonify(session_json(services.update_session(g.api_user, session_id, **changes)))


@bp.delete("/sessions/<int:session_id>")
@token_required
def delete_session(session_id: int):
    services.delete_session(g.api_user, session_id)
    return "", 204


@bp.get("/sessions/<int:session_id>/interruptions")
@token_required
def session_interruptions(session_id: int):
    """The session's interruptions in the order they happened."""
    session = services.owned_session(g.api_user, session_id)
    return jsonify(interruptions_page(Interruption.session_id == session.id, "session-interruptions",
                                      descending=False))


def _list_filters(query: QueryArgs) -> tuple[datetime | None, datetime | None]:
    """day=YYYY-MM-DD (a day in the person's zone), or from/to (dates, or ISO times)."""
    zone = g.api_user.timezone
    try:
        day = parse_day(query.get("day"))
    except BadTime as error:
        query.add("day", str(error))
        day = None
    if day is not None:
        if "from" in query or "to" in query:
            query.add("day", "Use either day or from/to, not both.")
        return _midnight(day, zone, days_later=0), _midnight(day, zone, days_later=1)
    start = _bound(query.get("from"), zone, "from", query, end_of_day=False)
    end = _bound(query.get("to"), zone, "to", query, end_of_day=True)
    if start is not None and end is not None and end <= start:
        query.add("to", "The end of the range must be after its start.")
    return start, end


def _bound(value, zone, name, query: QueryArgs, *, end_of_day: bool):
    """A date (the start of that local day; for `to` the day is included) or an exact ISO time."""
    if not value:
        return None
    try:
        if len(value) == 10:
            return _midnight(parse_day(value), zone, days_later=1 if end_of_day else 0)
        return parse_iso(value)
    except BadTime as error:
        query.add(name, str(error))
        return None


def _midnight(day: date, zone: str | None, *, days_later: int) -> datetime | None:
    """The local midnight `days_later` after `day`, in UTC; None (no bound) past either end of time.

    A bound beyond the first or last representable instant excludes nothing, so dropping it gives
    the correct answer for 0001-01-01 east of UTC or 9999-12-31 (whose next day does not exist).
    """
    try:
        return day_start(day + timedelta(days=days_later), zone)
    except OverflowError:
        return None
