"""The live protocol for clients that are not a browser tab: JSON events over a WebSocket at
/api/v1/live, the same events over Socket.IO, and their AsyncAPI document."""
from flask import Blueprint, Flask

bp = Blueprint("protocol", __name__, url_prefix="/api/v1/live")


def init_app(app: Flask) -> None:
    from . import routes, socket, socketio_server  # noqa: F401  (register the document and the sockets)
    app.register_blueprint(bp)
    socketio_server.init_app(app)
