"""Tracking: activity reports, drift-free accounting, focus scores, accountability (being built)."""
from flask import Blueprint, Flask

bp = Blueprint("tracking", __name__)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
