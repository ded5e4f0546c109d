"""API v1: exchange a username/email and password for a Bearer token (rate-limited)."""
from flask import current_app, jsonify

from ..accounts.services import authenticate
from ..errors import error_response
from ..extensions import limiter
from ..focus import services
from ..focus.payload import Payload, register_api_errors
from . import bp
from .auth import json_body

register_api_errors()


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
