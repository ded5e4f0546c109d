"""Rate limits for writing (Flask-Limiter): per person, stricter for accounts under a day old.

Limits are checked before the view runs, so the person is found here from the session or the
Bearer token without touching the token's usage counters. Only writes count: a view calls
`wrote()` after one succeeds (showing the form, a preview or an invalid post costs nothing).
"""
from flask import current_app, g, request
from flask_limiter.util import get_remote_address
from flask_login import current_user

from ..accounts.tokens import token_owner
from ..extensions import limiter
from ..models import utcnow
from ..rules.forum_permissions import is_new_account


def _writer():
    scheme, _, raw = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and raw.strip():
        return token_owner(raw.strip())
    return current_user if current_user.is_authenticated else None


def _writer_key() -> str:
    user = _writer()
    return f"forum-user:{user.id}" if user is not None else f"forum-ip:{get_remote_address()}"


def _limit(name: str):
    def value() -> str:
        user = _writer()
        if user is not None and is_new_account(user, utcnow()):
            return current_app.config[f"FORUM_NEW_ACCOUNT_{name}_LIMIT"]
        return current_app.config[f"FORUM_{name}_LIMIT"]
    return value


def wrote() -> None:
    g.forum_wrote = True


def _wrote(response) -> bool:
    return bool(g.get("forum_wrote"))


LIMIT_MESSAGE = ("You are writing faster than the community allows right now (new accounts have a smaller "
                 "daily allowance).")

post_limit = limiter.shared_limit(_limit("POST"), scope="forum-posts", key_func=_writer_key, methods=["POST"],
                                  deduct_when=_wrote, error_message=LIMIT_MESSAGE)
comment_limit = limiter.shared_limit(_limit("COMMENT"), scope="forum-comments", key_func=_writer_key,
                                     methods=["POST"], deduct_when=_wrote, error_message=LIMIT_MESSAGE)

DEFAULTS = {
    "FORUM_POST_LIMIT": "10 per hour;40 per day",
    "FORUM_COMMENT_LIMIT": "60 per hour;300 per day",
    "FORUM_NEW_ACCOUNT_POST_LIMIT": "3 per day",
    "FORUM_NEW_ACCOUNT_COMMENT_LIMIT": "20 per day",
}


def init_app(app) -> None:
    for name, value in DEFAULTS.items():
        app.config.setdefault(name, value)
