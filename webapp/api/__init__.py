"""JSON API v1: token-authenticated, JSON errors, no cookies needed.

Each feature adds its endpoints in its own module here (sessions.py, rooms.py, stats.py, ...),
imported at the bottom of this file.
"""
from flask import Blueprint, Flask

from ..extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Bearer tokens are not sent automatically by browsers, so these endpoints need no CSRF token.
csrf.exempt(bp)

API_MODULES: list[str] = []  # e.g. "sessions": each feature appends its module name in its init_app


from .auth import register_error_handler  # noqa: E402

register_error_handler(bp)


def init_app(app: Flask) -> None:
    import importlib
    for name in API_MODULES:
        importlib.import_module(f"webapp.api.{name}")
    app.register_blueprint(bp)
