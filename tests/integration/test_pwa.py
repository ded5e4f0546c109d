"""The installable app's server side: manifest, the service worker's version and file list, the
offline page, and which pages the worker may keep."""
import json
import re

import pytest

from webapp.pwa.routes import shell_files, worker_version


@pytest.fixture
def alice(make_user, auth):
    user = make_user("alice", display_name="Alice Example")
    auth.login("alice")
    return user


def test_the_worker_precaches_this_builds_hashed_files(client, app):
    response = client.get("/sw.js")
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    body = response.get_data(as_text=True)
    precache = json.loads(re.search(r"var PRECACHE = (\[.*?\]);", body).group(1))
    manifest = app.extensions["static_manifest"]
    assert "/static/" + manifest["css/app.css"] in precache and "/static/" + manifest["js/outbox.js"] in precache
    assert all(re.search(r"\.[0-9a-f]{12}\.\w+$", url) for url in precache)
    assert not any("LICENSE" in url for url in precache)
    for url in precache:
        assert client.get(url).status_code == 200, url


def test_the_version_follows_the_static_files_and_the_worker():
    files = {"css/app.css": "css/app.111111111111.css"}
    assert worker_version(files, "a") == worker_version(dict(files), "a")
    assert worker_version({"css/app.css": "css/app.222222222222.css"}, "a") != worker_version(files, "a")
    assert worker_version(files, "b") != worker_version(files, "a")
    assert shell_files({"vendor/pico-LICENSE.md": "x", "js/app.js": "y", "favicon.svg": "z"}) == ["favicon.svg", "js/app.js"]


def test_the_manifest(client):
    manifest = client.get("/manifest.webmanifest")
    assert manifest.mimetype == "application/manifest+json"
    data = manifest.get_json(force=True)
    assert data["start_url"] == "/today" and data["display"] == "standalone"
    for icon in data["icons"]:
        assert client.get(icon["src"]).status_code == 200


def test_the_offline_page_holds_nothing_personal(client, alice):
    page = client.get("/offline").get_data(as_text=True)
    assert "You are offline" in page and "Alice" not in page and "csrf_token" not in page


def test_only_the_personal_log_pages_may_be_kept(client, alice):
    for path in ("/today", "/history", "/history/new", "/tasks", "/focus"):
        assert client.get(path).headers.get("Focusroom-Offline") == "keep", path
    for path in ("/insights", "/settings", "/rooms"):
        assert "Focusroom-Offline" not in client.get(path).headers, path
    assert "Focusroom-Offline" not in client.get("/history", headers={"HX-Request": "true"}).headers
