"""Tracking: activity reports, drift-free accounting, focus scores, accountability, results."""
from flask import Blueprint, Flask

bp = Blueprint("tracking", __name__)


def init_app(app: Flask) -> None:
    from . import page, routes  # noqa: F401  (routes registers the views)
    app.register_blueprint(bp)
    page.init_app(app)
