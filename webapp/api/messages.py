"""Direct messages API (v1, Bearer tokens). Only the two people of a conversation ever see it:
anyone else gets 404, as for a conversation that does not exist.

GET  /conversations                      keyset pages: limit, cursor -> {"items", "next"}
GET  /conversations/<id>/messages        newest first; `before` (older) or `after` (newer, oldest
                                         first) take the `next` of the previous page
POST /messages                           {"to": username | "conversation_id": id, "body": text}
POST /conversations/<id>/read            {"up_to": message id} -> the read pointer (forward only)
GET  /messages/unread-count              {"unread": n}
"""
from __future__ import annotations

from datetime import datetime

from flask import g, jsonify, request

from ..messages import conversations, limits, reading, services
from ..messages.errors import MessageError, NotFound
from ..models import Message, utcnow
from . import bp
from .auth import json_body, token_required
from .contract import ApiError, QueryArgs, invalid
from .pagination import make_cursor, read_cursor, read_limit


def _raise(error: MessageError):
    raise ApiError(error.status, error.message, error.fields or None) from error


def message_json(message: Message) -> dict:
    deleted = message.deleted_at is not None
    return {"id": message.id, "conversation_id": message.conversation_id,
            "sender": _username(message.sender_id), "body": None if deleted else message.body,
            "deleted": deleted, "created_at": message.created_at.isoformat()}


def _username(user_id: int) -> str | None:
    cache = g.setdefault("api_message_usernames", {})
    if user_id not in cache:
        from ..extensions import db
        from ..models import User
        user = db.session.get(User, user_id)
        cache[user_id] = user.username if user is not None else None
    return cache[user_id]


def _member(conversation_id: int):
    try:
        return conversations.membership(g.api_user.id, conversation_id)
    except MessageError as error:
        _raise(error)


@bp.get("/conversations")
@token_required
def api_conversations():
    query = QueryArgs(request.args, ("limit", "cursor"))
    limit, before = read_limit(query), read_cursor(query, "conversations", (datetime, int))
    query.check()
    rows, more = reading.inbox(g.api_user.id, before, limit)
    items = [{"id": row.conversation_id,
              "with": {"username": row.other.username, "display_name": row.other.display_name},
              "last_message": message_json(row.last_message) if row.last_message else None,
              "last_message_at": row.last_message_at.isoformat(), "unread": row.unread} for row in rows]
    next_cursor = make_cursor("conversations", (rows[-1].last_message_at, rows[-1].conversation_id)) \
        if more and rows else None
    return jsonify({"items": items, "next": next_cursor})


def _id_cursor(name: str, list_name: str) -> int | None:
    raw = request.args.get(name)
    if raw is None:
        return None
    single = QueryArgs({"cursor": raw}, ("cursor",))
    key = read_cursor(single, list_name, (int,))
    if single.problems:
        raise invalid({name: single.problems["cursor"]})
    return key[0]


@bp.get("/conversations/<int:conversation_id>/messages")
@token_required
def api_conversation_messages(conversation_id: int):
    query = QueryArgs(request.args, ("limit", "before", "after"))
    limit = read_limit(query)
    if "before" in query and "after" in query:
        query.add("after", "Give either before or after, not both.")
    query.check()
    before, after = _id_cursor("before", "messages-before"), _id_cursor("after", "messages-after")
    member = _member(conversation_id)
    if after is not None:
        messages, more = reading.messages_page(member, after_id=after, limit=limit)
        next_cursor = make_cursor("messages-after", (messages[-1].id,)) if more and messages else None
        return jsonify({"items": [message_json(m) for m in messages], "next": next_cursor})
    messages, more = reading.messages_page(member, before_id=before, limit=limit)
    newest_first = list(reversed(messages))
    next_cursor = make_cursor("messages-before", (newest_first[-1].id,)) if more and messages else None
    return jsonify({"items": [message_json(m) for m in newest_first], "next": next_cursor})


def _body_fields(data: dict) -> tuple[str | None, int | None, object]:
    problems = {}
    to, conversation_id, body = data.get("to"), data.get("conversation_id"), data.get("body")
    unknown = set(data) - {"to", "conversation_id", "body"}
    for name in sorted(unknown):
        problems[name] = "Unknown field; send to or conversation_id, and body."
    if (to is None) == (conversation_id is None):
        problems["to"] = "Give either to (a username) or conversation_id."
    elif to is not None and not isinstance(to, str):
        problems["to"] = "A username, as text."
    elif conversation_id is not None and (isinstance(conversation_id, bool) or not isinstance(conversation_id, int)
                                         or not 0 < conversation_id < 2**63):
        problems["conversation_id"] = "A conversation id (a whole number)."
    if not isinstance(body, str):
        problems["body"] = "The message, as text."
    if problems:
        raise invalid(problems)
    return to, conversation_id, body


@bp.post("/messages")
@token_required
@limits.message_limit
@limits.conversation_limit
def api_send():
    to, conversation_id, body = _body_fields(json_body())
    try:
        if conversation_id is not None:
            message = services.send_in(g.api_user, conversation_id, body, utcnow())
            started = False
        else:
            other = conversations.find_person(to)
            started = conversations.between(g.api_user.id, other.id) is None
            message = services.send_to(g.api_user, other, body, utcnow())
    except MessageError as error:
        if isinstance(error, NotFound) and to is not None:
            _raise(MessageError(error.message, 422, {"to": error.message}))
        _raise(error)
    limits.sent(started_conversation=started)
    return jsonify(message_json(message)), 201


@bp.post("/conversations/<int:conversation_id>/read")
@token_required
def api_read(conversation_id: int):
    data = json_body()
    up_to = data.get("up_to")
    if isinstance(up_to, bool) or not isinstance(up_to, int) or not 0 < up_to < 2**63 or set(data) - {"up_to"}:
        raise invalid({"up_to": "The id of the newest message read (a whole number)."})
    try:
        pointer = services.mark_read(g.api_user, conversation_id, up_to, utcnow())
    except MessageError as error:
        _raise(error)
    unread = reading.unread_by_conversation(g.api_user.id, [conversation_id])[conversation_id]
    return jsonify({"conversation_id": conversation_id, "last_read_message_id": pointer, "unread": unread})


@bp.get("/messages/unread-count")
@token_required
def api_unread_count():
    return jsonify({"unread": reading.unread_total(g.api_user.id)})
