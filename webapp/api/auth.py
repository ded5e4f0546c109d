"""Bearer-token authentication and JSON helpers shared by every API module."""
from functools import wraps

from flask import g, request
from flask_login import current_user

from ..accounts.tokens import user_for_token
from ..errors import error_response
from ..extensions import db
from ..jsonsafety import UnsafeJSON, body_json
from ..models import User
from .contract import ApiError

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
