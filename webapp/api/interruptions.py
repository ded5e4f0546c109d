"""API v1: interruptions (log live or afterwards, end with "I'm back", read, change, delete)."""
from flask import g, jsonify

from ..focus import services
from ..focus.payload import Payload, register_api_errors
from ..focus.serialize import interruption_json
from . import bp
from .auth import json_body, token_required

register_api_errors()

FIELDS = ("type", "description", "start_time", "end_time")


@bp.post("/interruptions")
@token_required
def create_interruption():
    body = Payload(json_body(), ("session_id",) + FIELDS)
    body.require("session_id", "type")
    session_id, kind = body.integer("session_id"), body.text("type")
    description = body.text("description")
    start, end = body.time("start_time"), body.time("end_time")
    body.check()
    interruption = services.log_interruption(g.api_user, session_id, type=kind, description=description,
                                             start_time=start, end_time=end)
    return jsonify(interruption_json(interruption)), 201


@bp.post("/interruptions/<int:interruption_id>/end")
@token_required
def end_interruption(interruption_id: int):
    return jsonify(interruption_json(services.end_interruption(g.api_user, interruption_id)))


@bp.get("/interruptions/<int:interruption_id>")
@token_required
def get_interruption(interruption_id: int):
    return jsonify(interruption_json(services.owned_interruption(g.api_user, interruption_id)))


@bp.patch("/interruptions/<int:interruption_id>")
@token_required
def update_interruption(interruption_id: int):
    body = Payload(json_body(), FIELDS)
    if not any(body.has(name) for name in FIELDS):
        body.problems.add("type", "Give at least one of: " + ", ".join(FIELDS) + ".")
    changes = {}
    for name in ("type", "description"):
        if body.has(name):
            changes[name] = body.text(name)
    for name in ("start_time", "end_time"):
        if body.has(name):
            changes[name] = body.time(name)
    body.check()
    return jsonify(interruption_json(services.update_interruption(g.api_user, interruption_id, **changes)))


@bp.delete("/interruptions/<int:interruption_id>")
@token_required
def delete_interruption(interruption_id: int):
    services.delete_interruption(g.api_user, interruption_id)
    return "", 204
