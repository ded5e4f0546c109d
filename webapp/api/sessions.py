"""API v1: focus sessions (start, end, log afterwards, list, read, change, delete)."""
from flask import g, jsonify, request

from ..focus import services
from ..focus.payload import Payload, register_api_errors
from ..focus.serialize import interruption_json, session_json
from ..focus.services.limits import API_LIST_LIMIT, API_MAX_LIST_LIMIT
from ..focus.times import BadTime, day_bounds, day_start, parse_day, parse_iso
from . import bp
from .auth import json_body, token_required

register_api_errors()


def optional_body() -> dict:
    """The JSON object, or {} when the request has no body at all."""
    return json_body() if request.get_data(cache=True) else {}


@bp.post("/sessions/start")
@token_required
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
    start, end, limit = _list_filters(request.args)
    sessions = services.list_sessions(g.api_user, start=start, end=end, limit=limit)
    return jsonify([session_json(s) for s in sessions])


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
    return jsonify([interruption_json(i) for i in services.session_interruptions(g.api_user, session_id)])


def _list_filters(args) -> tuple:
    """day=YYYY-MM-DD (a day in the person's zone), or from/to (dates, or ISO times), and limit."""
    problems = services.Problems()
    zone = g.api_user.timezone
    start = end = None
    for name in args:
        if name not in ("day", "from", "to", "limit"):
            problems.add(name, "Unknown parameter; use day, from, to or limit.")
    try:
        day = parse_day(args.get("day"))
    except BadTime as error:
        problems.add("day", str(error))
        day = None
    if day is not None:
        if "from" in args or "to" in args:
            problems.add("day", "Use either day or from/to, not both.")
        start, end = day_bounds(day, zone)
    else:
        start = _bound(args.get("from"), zone, "from", problems, end_of_day=False)
        end = _bound(args.get("to"), zone, "to", problems, end_of_day=True)
        if start is not None and end is not None and end <= start:
            problems.add("to", "The end of the range must be after its start.")
    limit = _limit(args.get("limit"), problems)
    problems.raise_if_any()
    return start, end, limit


def _bound(value, zone, name, problems, *, end_of_day: bool):
    """A date (the start of that local day; for `to` the day is included) or an exact ISO time."""
    if not value:
        return None
    try:
        if len(value) == 10:
            day = parse_day(value)
            return day_bounds(day, zone)[1] if end_of_day else day_start(day, zone)
        return parse_iso(value)
    except BadTime as error:
        problems.add(name, str(error))
        return None


def _limit(value, problems) -> int:
    if value is None:
        return API_LIST_LIMIT
    if not value.isdigit() or not 1 <= int(value) <= API_MAX_LIST_LIMIT:
        problems.add("limit", f"Give a whole number from 1 to {API_MAX_LIST_LIMIT}.")
        return API_LIST_LIMIT
    return int(value)
