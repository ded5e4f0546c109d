"""Focus: the personal focus log (solo sessions, history, manual entries, interruptions, tasks)
and its JSON API (sessions, interruptions, tokens)."""
from flask import Blueprint, Flask

bp = Blueprint("focus", __name__)


def init_app(app: Flask) -> None:
    from . import live, room_page, routes, solo_views, task_views, token_views  # noqa: F401  (registers the views)
    token_views.init_settings(app)
    room_page.init_app(app)
    app.register_blueprint(bp)
