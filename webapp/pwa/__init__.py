"""Installable Focusroom: the web app manifest, the service worker (served from the root scope so
it controls every page) and the page it shows when the network is gone.

The worker precaches the build's content-hashed static files (webapp/staticfiles.py), so its
version is the static manifest's hash: every release with changed files is a new worker, with new
caches, and the old ones are removed when it activates.
"""
from flask import Blueprint, Flask, Response, g, request

bp = Blueprint("pwa", __name__)

# Pages the worker keeps its last good copy of, for a reload without a network (signed-in pages
# of the personal log). Other features add a page of theirs with `keep_offline()`.
KEEP_ENDPOINTS = {"today.page", "focus.index", "focus.history", "focus.new_entry", "focus.edit_entry", "focus.tasks"}
KEEP_HEADER = "Focusroom-Offline"


def keep_offline() -> None:
    """Ask the service worker to keep this page's answer for offline use (a solo room's page)."""
    g.focusroom_keep_offline = True


def _mark_kept_pages(response: Response) -> Response:
    if (request.method == "GET" and response.status_code == 200 and response.mimetype == "text/html"
            and not request.headers.get("HX-Request")
            and (request.endpoint in KEEP_ENDPOINTS or g.get("focusroom_keep_offline"))):
        response.headers[KEEP_HEADER] = "keep"
    return response


def init_app(app: Flask) -> None:
    from . import routes  # noqa: F401  (registers the views)
    app.register_blueprint(bp)
    app.after_request(_mark_kept_pages)
