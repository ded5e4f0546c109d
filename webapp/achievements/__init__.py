"""Achievements, following and leaderboards: only focus the server witnessed counts.

Listens to SessionRecorded, RoomFinished and ForumContributed (webapp/wiring.py); keeps the
precomputed totals the boards read (totals.py); adds follow buttons and earned badges to profiles.
"""
from flask import Blueprint, Flask

bp = Blueprint("achievements", __name__)


def init_app(app: Flask) -> None:
    from . import routes  # noqa: F401  (registers the views)
    app.register_blueprint(bp)
