"""Accounts: sign-up, login sessions, guests, profiles and settings."""
from flask import Blueprint, Flask

bp = Blueprint("accounts", __name__)


def init_app(app: Flask) -> None:
    from . import account_views, loader, recovery_views, routes  # noqa: F401  (registers views and the user loader)
    loader.init_app(app)
    app.register_blueprint(bp)
