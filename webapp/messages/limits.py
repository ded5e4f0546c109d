"""Rate limits for writing messages (Flask-Limiter), per person: MESSAGE_RATE_LIMIT for every
message, CONVERSATION_RATE_LIMIT for the messages that start a new conversation. Only sends that
happened count (a refused or invalid message costs nothing)."""
from __future__ import annotations

import os

from flask import current_app, g, request
from flask_limiter.util import get_remote_address
from flask_login import current_user

from ..accounts.tokens import token_owner
from ..extensions import limiter

DEFAULTS = {  # each can be set in the environment under the same name
    "MESSAGE_RATE_LIMIT": "30 per minute",
    "CONVERSATION_RATE_LIMIT": "20 per day",
}
MESSAGE_LIMIT_REASON = "You are sending messages very fast. Take a breath and try again shortly."
CONVERSATION_LIMIT_REASON = "You have started many new conversations today. You can keep writing in the ones you have."


def _writer():
    scheme, _, raw = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and raw.strip():
        return token_owner(raw.strip())
    return current_user if current_user.is_authenticated else None


def _key() -> str:
    user = _writer()
    return f"messages-user:{user.id}" if user is not None else f"messages-ip:{get_remote_address()}"


def _starts_no_conversation() -> bool:
    """Before the view: will this message go to a conversation that exists? (Then only the
    message limit applies.) Anything unclear is left to the view, which refuses it anyway."""
    writer = _writer()
    if writer is None:
        return True
    username = (request.view_args or {}).get("username")
    if username is None and request.is_json:
        data = request.get_json(silent=True)
        if not isinstance(data, dict) or "conversation_id" in data:
            return True
        username = data.get("to")
    if not isinstance(username, str):
        return True
    from .conversations import between, find_person
    from .errors import MessageError
    try:
        other = find_person(username)
    except MessageError:
        return True
    return between(writer.id, other.id) is not None


def sent(started_conversation: bool = False) -> None:
    """Call after a message was stored: it counts against the limits."""
    g.message_sent = True
    g.conversation_started = started_conversation


message_limit = limiter.shared_limit(lambda: current_app.config["MESSAGE_RATE_LIMIT"], scope="messages",
                                     key_func=_key, methods=["POST"], error_message=MESSAGE_LIMIT_REASON,
                                     deduct_when=lambda response: bool(g.get("message_sent")))
conversation_limit = limiter.shared_limit(lambda: current_app.config["CONVERSATION_RATE_LIMIT"],
                                          scope="new-conversations", key_func=_key, methods=["POST"],
                                          error_message=CONVERSATION_LIMIT_REASON,
                                          exempt_when=_starts_no_conversation,
                                          deduct_when=lambda response: bool(g.get("conversation_started")))


def init_app(app) -> None:
    for name, value in DEFAULTS.items():
        app.config.setdefault(name, os.environ.get(name) or value)
