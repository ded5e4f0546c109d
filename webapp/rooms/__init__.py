"""Rooms: shareable focus rooms with one server-owned timer, live over a WebSocket."""
from flask import Blueprint, Flask

bp = Blueprint("rooms", __name__)


def init_app(app: Flask) -> None:
    from . import routes, sockets  # noqa: F401  (register the views and the socket)
    app.register_blueprint(bp)
