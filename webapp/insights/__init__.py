"""Insights: where focus goes, bucketed in the user's zone, as a page, exports and a stats API."""
from flask import Blueprint, Flask

bp = Blueprint("insights", __name__)


def init_app(app: Flask) -> None:
    from . import routes  # noqa: F401  (registers the views)
    from .cli import commands
    app.register_blueprint(bp)
    app.register_blueprint(commands)
