"""Privacy: "download my data", one JSON document gathered from every feature that holds some.

Its own package because it reads across features (accounts, the focus log, rooms); the features
themselves never import it.
"""
from flask import Blueprint, Flask

bp = Blueprint("privacy", __name__)


def init_app(app: Flask) -> None:
    from . import routes  # noqa: F401  (registers the view)
    app.register_blueprint(bp)
