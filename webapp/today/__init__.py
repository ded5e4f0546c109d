"""Today: the home of a signed-in person (start focusing, rejoin, the day's goal, streak, tasks)."""
from flask import Blueprint, Flask

bp = Blueprint("today", __name__)


def init_app(app: Flask) -> None:
    from . import routes  # noqa: F401  (registers the views)
    app.register_blueprint(bp)
