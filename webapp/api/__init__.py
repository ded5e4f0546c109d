"""JSON API v1: token-authenticated, JSON errors, no cookies needed.

Each feature has its endpoints in its own module here (sessions.py, rooms.py, stats.py, ...);
webapp/wiring.py names the modules to register.
"""
from flask import Blueprint, Flask

from ..extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Bearer tokens are not sent automatically by browsers, so these endpoints need no CSRF token.
csrf.exempt(bp)


from .auth import register_error_handler  # noqa: E402
from .payload import register_api_errors  # noqa: E402

register_error_handler(bp)
register_api_errors(bp)


def init_app(app: Flask, modules: list[str]) -> None:
    import importlib
    for name in modules:
        importlib.import_module(f"webapp.api.{name}")
    app.register_blueprint(bp)
