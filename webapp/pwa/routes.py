"""/manifest.webmanifest, /sw.js and /offline."""
from __future__ import annotations

import hashlib
import json

from flask import Response, current_app, render_template, url_for

from ..sessioncookie import leaves_session_alone
from . import KEEP_HEADER, bp

# Precached by the worker: everything a page needs to look right offline (not licences, not the
# unhashed names). Pages themselves are kept only after a successful visit (OFFLINE_PAGES).
SHELL_PREFIXES = ("css/", "js/", "vendor/", "icons/")
SHELL_SUFFIXES = (".css", ".js", ".svg", ".png")
START_URL = "/today"
THEME_LIGHT, THEME_DARK, BRAND = "#ffffff", "#13171f", "#1f7a5c"
WORKER_TEMPLATE = "pwa/sw.js"


def shell_files(manifest: dict[str, str]) -> list[str]:
    """The static names (original form) the worker precaches."""
    return sorted(name for name in manifest
                  if (name == "favicon.svg" or name.startswith(SHELL_PREFIXES)) and name.endswith(SHELL_SUFFIXES))


def worker_version(manifest: dict[str, str], worker_source: str) -> str:
    """Changes whenever a static file or the worker itself changes (and only then)."""
    digest = hashlib.sha256(repr(sorted(manifest.items())).encode())
    digest.update(worker_source.encode())
    return digest.hexdigest()[:12]


def _static_manifest() -> dict[str, str]:
    return current_app.extensions["static_manifest"]


def _static_url(name: str) -> str:
    return current_app.jinja_env.globals["static_url"](name)


@bp.get("/manifest.webmanifest")
@leaves_session_alone
def manifest():
    document = {
        "id": START_URL,
        "name": "Focusroom",
        "short_name": "Focusroom",
        "description": "Focus together, and learn how you focus.",
        "start_url": START_URL,
        "scope": "/",
        "display": "standalone",
        "orientation": "any",
        "background_color": THEME_LIGHT,
        "theme_color": BRAND,
        "categories": ["productivity"],
        "icons": [
            {"src": _static_url("icons/icon-192.png"), "sizes": "192x192", "type": "image/png", "purpose": "any"},
            {"src": _static_url("icons/icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "any"},
            {"src": _static_url("icons/maskable-512.png"), "sizes": "512x512", "type": "image/png",
             "purpose": "maskable"},
            {"src": _static_url("icons/icon.svg"), "sizes": "any", "type": "image/svg+xml", "purpose": "any"},
        ],
    }
    response = Response(json.dumps(document, indent=1), mimetype="application/manifest+json")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/sw.js")
@leaves_session_alone
def service_worker():
    """The worker, with this build's version and file list. Browsers check it for updates on
    every navigation (at most daily with HTTP caching; here: never cached)."""
    static = _static_manifest()
    source = current_app.jinja_loader.get_source(current_app.jinja_env, WORKER_TEMPLATE)[0]
    body = render_template(WORKER_TEMPLATE, version=worker_version(static, source),
                           precache=[_static_url(name) for name in shell_files(static)],
                           offline_url=url_for("pwa.offline"), keep_header=KEEP_HEADER,
                           start_url=START_URL)
    response = Response(body, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/offline")
@leaves_session_alone
def offline():
    """What the worker shows for a page it cannot fetch and has no copy of. It holds nothing
    personal (it is cached once for whoever uses the browser) and needs no script."""
    return render_template("pwa/offline.html", start_url=START_URL)

