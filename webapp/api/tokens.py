"""API v1: exchange a username/email and password for a Bearer token (rate-limited); list tokens."""
from flask import current_app, g, jsonify, request
from sqlalchemy import select

from ..accounts.services import authenticate
from ..errors import error_response
from ..extensions import db, limiter
from ..focus import services
from .payload import Payload
from ..focus.times import iso
from ..models import ApiToken
from . import bp
from .auth import json_body, token_required
from .contract import QueryArgs
from .pagination import PAGE_PARAMS, beyond, page_document, read_cursor, read_limit



def _token_limit() -> str:
    # Failed attempts share the budget of the login form unless a separate one is configured.
    return current_app.config.get("API_TOKEN_RATE_LIMIT") or current_app.config["LOGIN_RATE_LIMIT"]


@bp.post("/auth/token")
@limiter.limit(_token_limit, deduct_when=lambda response: response.status_code != 201)
def create_token():
    body = Payload(json_body(), ("login", "password", "name"))
    body.require("login", "password")
    login, password, name = body.text("login"), body.text("password", raw=True), body.text("name")
    body.check()
    user = authenticate(login, password)
    if user is None:
        return error_response(401, "That login and password do not match an account.")
    token, raw = services.create_token(user, name or "API token")
    return jsonify({"token": raw, "id": token.id, "name": token.name, "prefix": token.prefix}), 201


def token_json(token: ApiToken) -> dict:
    """What a client may know of a token: never its value, which is stored only as a hash."""
    return {"id": token.id, "name": token.name, "prefix": token.prefix, "created_at": iso(token.created_at),
            "last_used_at": iso(token.last_used_at), "uses": token.uses}


@bp.get("/tokens")
@token_required
def list_tokens():
    """The person's tokens that still work, newest first (revoke them in the settings page)."""
    query = QueryArgs(request.args, PAGE_PARAMS)
    after, limit = read_cursor(query, "tokens", (int,)), read_limit(query)
    query.check()
    statement = (select(ApiToken).where(ApiToken.user_id == g.api_user.id, ApiToken.revoked_at.is_(None))
                 .order_by(ApiToken.id.desc()).limit(limit + 1))
    if after is not None:
        statement = statement.where(beyond((ApiToken.id,), after, descending=True))
    rows = list(db.session.execute(statement).scalars())
    return jsonify(page_document(rows, limit, "tokens", lambda token: (token.id,), token_json))
