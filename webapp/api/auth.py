"""Bearer-token authentication and JSON helpers shared by every API module."""
import hashlib
import secrets
from functools import wraps

from flask import g, request
from flask_login import current_user
from sqlalchemy import select, update

from ..errors import error_response
from ..extensions import db
from ..jsonsafety import UnsafeJSON, body_json
from ..models import ApiToken, User, utcnow
from .contract import ApiError

TOKEN_PREFIX = "fr_"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_token(user: User, name: str = "API token") -> tuple[ApiToken, str]:
    """Create a token; the raw value is returned once and never stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name[:60] or "API token", token_hash=hash_token(raw), prefix=raw[:10])
    db.session.add(token)
    db.session.commit()
    return token, raw


def user_for_token(raw: str) -> User | None:
    token = db.session.execute(
        select(ApiToken).where(ApiToken.token_hash == hash_token(raw), ApiToken.revoked_at.is_(None))
    ).scalar_one_or_none()
    if token is None:
        return None
    db.session.execute(update(ApiToken).where(ApiToken.id == token.id)
                       .values(last_used_at=utcnow(), uses=ApiToken.uses + 1))
    db.session.commit()
    return db.session.get(User, token.user_id)


def bearer_user() -> User | None:
    header = request.headers.get("Authorization", "")
    scheme, _, raw = header.partition(" ")
    if scheme.lower() != "bearer" or not raw.strip():
        return None
    return user_for_token(raw.strip())


def token_required(view):
    """The view runs with g.api_user set to the token's user; no valid token is a 401."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        user = bearer_user()
        if user is None:
            return error_response(401, "A valid API token is required (Authorization: Bearer <token>).")
        g.api_user = user
        return view(*args, **kwargs)
    return wrapper


def viewer() -> User | None:
    """Who is reading: the token's user, else the signed-in browser user (for safe GETs only)."""
    user = bearer_user()
    if user is not None:
        return user
    return current_user if current_user.is_authenticated else None


def json_body() -> dict:
    """The request's JSON object, or ApiError 400 when it is missing or malformed."""
    try:
        data = body_json(request)
    except UnsafeJSON as error:
        raise ApiError(400, str(error)) from None
    if not isinstance(data, dict):
        raise ApiError(400, "The request body must be a JSON object.")
    return data


def register_error_handler(bp) -> None:
    @bp.errorhandler(ApiError)
    def _api_error(error: ApiError):
        db.session.rollback()
        return error_response(error.status, error.message, error.fields)
