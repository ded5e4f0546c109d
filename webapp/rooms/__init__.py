"""Rooms: shareable focus rooms with one server-owned timer, live over a WebSocket."""
from flask import Blueprint, Flask

bp = Blueprint("rooms", __name__)


def init_app(app: Flask) -> None:
    from .. import clock, realtime  # noqa: F401  (clock registers the ticker's starter)
    from ..api import API_MODULES
    from . import routes, sockets  # noqa: F401  (register the views and the socket)
    realtime.init_app(app)
    if "rooms" not in API_MODULES:
        API_MODULES.append("rooms")
    app.register_blueprint(bp)
