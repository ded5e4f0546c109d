"""The per-person live channel `/live/me`: one WebSocket per signed-in tab, for user events.

Features publish to `realtime.topics.user_channel_topic(user_id)`; what a tab must show when it
(re)connects comes from the state sources registered in webapp/wiring.py (the Messages badge...).
"""
from flask import Blueprint, Flask

bp = Blueprint("live", __name__)


def init_app(app: Flask) -> None:
    from . import sockets  # noqa: F401  (registers the socket)
    app.register_blueprint(bp)
