"""API v1: interruptions (log live or afterwards, end with "I'm back", list, read, change, delete)."""
from datetime import datetime

from flask import g, jsonify, request
from sqlalchemy import select

from ..extensions import db
from ..focus import services
from ..idempotency import idempotent
from .payload import Payload
from ..focus.serialize import interruption_json
from ..models import Interruption
from . import bp
from .auth import json_body, token_required
from .contract import QueryArgs
from .pagination import PAGE_PARAMS, beyond, page_document, read_cursor, read_limit


FIELDS = ("type", "description", "start_time", "end_time")


@bp.post("/interruptions")
@token_required
@idempotent
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


@bp.get("/interruptions")
@token_required
def list_interruptions():
    """All of the person's interruptions, newest first."""
    return jsonify(interruptions_page(Interruption.user_id == g.api_user.id, "interruptions", descending=True))


def interruptions_page(scope, list_name: str, *, descending: bool) -> dict:
    """One page of interruptions matching `scope`, in (start_time, id) order."""
    query = QueryArgs(request.args, PAGE_PARAMS)
    after, limit = read_cursor(query, list_name, (datetime, int)), read_limit(query)
    query.check()
    columns = (Interruption.start_time, Interruption.id)
    statement = select(Interruption).where(scope).limit(limit + 1).order_by(
        *(column.desc() if descending else column.asc() for column in columns))
    if after is not None:
        statement = statement.where(beyond(columns, after, descending=descending))
    rows = list(db.session.execute(statement).scalars())
    return page_document(rows, limit, list_name, lambda row: (row.start_time, row.id), interruption_json)


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
