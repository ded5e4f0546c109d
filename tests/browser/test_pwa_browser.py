"""Installable and offline-capable, checked the way Lighthouse's installability audit does: the
manifest's fields, icons that load in the sizes browsers ask for, a service worker that controls
the page; then offline: a kept page reloads, any other page is the offline page, and an update
offers "Update available, reload"."""
import re
import struct

import pytest
from playwright.sync_api import expect

from tests.browser.test_focus_log_browser import shoot, sign_in
from tests.support.browser import collect_console_errors

pytestmark = pytest.mark.browser


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def wait_for_control(page):
    page.wait_for_function("() => navigator.serviceWorker && navigator.serviceWorker.controller !== null")


KEPT = """path => caches.keys().then(names => Promise.all(names.filter(n => n.startsWith('focusroom-pages-'))
    .map(n => caches.open(n).then(c => c.match(path))))).then(hits => hits.some(Boolean))"""


def keep_for_offline(page, url, path):
    """Visit `path` under the service worker, and wait until it holds a copy for offline use."""
    page.goto(url + path)
    wait_for_control(page)
    page.reload()  # this navigation went through the worker, whatever the first one did
    page.wait_for_function(KEPT, arg=path)


def test_the_manifest_has_what_browsers_need_to_install(live_server, page):
    page.goto(live_server.url + "/")
    href = page.locator('link[rel="manifest"]').get_attribute("href")
    response = page.request.get(live_server.url + href)
    assert response.ok and response.headers["content-type"].startswith("application/manifest+json")
    manifest = response.json()
    assert manifest["name"] == manifest["short_name"] == "Focusroom"
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == ("/today", "/", "standalone")
    assert re.fullmatch(r"#[0-9a-f]{6}", manifest["theme_color"])
    assert re.fullmatch(r"#[0-9a-f]{6}", manifest["background_color"])
    sizes = {}
    for icon in manifest["icons"]:
        fetched = page.request.get(live_server.url + icon["src"])
        assert fetched.ok and fetched.headers["content-type"] == icon["type"], icon
        if icon["type"] == "image/png":
            width, height = png_size(fetched.body())
            assert icon["sizes"] == f"{width}x{height}", icon
            sizes.setdefault(icon["purpose"], set()).add(width)
    assert {192, 512} <= sizes["any"] and 512 in sizes["maskable"]
    assert any(icon["type"] == "image/svg+xml" for icon in manifest["icons"])
    for scheme in ("light", "dark"):
        expect(page.locator(f'meta[name="theme-color"][media="(prefers-color-scheme: {scheme})"]')).to_have_count(1)


def test_the_service_worker_controls_pages_and_keeps_them_for_offline(live_server, page, context):
    errors = collect_console_errors(page)
    sign_in(live_server, page, "ina")
    keep_for_offline(page, live_server.url, "/today")
    scope = page.evaluate("navigator.serviceWorker.ready.then(r => r.scope)")
    assert scope == live_server.url + "/"
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    heading = page.get_by_role("heading", level=1).inner_text()

    context.set_offline(True)
    expect(page.get_by_role("status").filter(has_text="You are offline")).to_be_visible()
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)  # the kept copy, styles and all
    assert page.evaluate("getComputedStyle(document.body).display") == "flex"  # app.css came from the cache
    page.goto(live_server.url + "/insights")  # never kept: the offline page stands in
    expect(page.get_by_role("heading", name="You are offline")).to_be_visible()
    expect(page.get_by_role("button", name="Go to Today")).to_be_visible()
    shoot(page, "pwa-offline")
    context.set_offline(False)  # the offline page fetches the page it stood in for, by itself
    expect(page.get_by_role("heading", name="You are offline")).to_have_count(0)
    expect(page.get_by_role("heading", name="Insights", exact=True)).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="You are offline")).to_have_count(0)
    # Offline, the page's live channel (/live/me) fails to connect and the htmx ws extension logs
    # the error event as "[object Event]"; nothing else may go wrong.
    assert all("net::ERR_INTERNET_DISCONNECTED" in e or e == "[object Event]" for e in errors), errors


def test_a_new_version_is_offered_and_old_caches_go(live_server, page):
    page.goto(live_server.url + "/")
    wait_for_control(page)
    before = page.evaluate("caches.keys()")
    assert any(name.startswith("focusroom-shell-") for name in before)
    # A release changes a static file: the manifest (and so the worker's version) changes.
    manifest = live_server.app.extensions["static_manifest"]
    manifest["css/app.css"], original = "css/app.css", manifest["css/app.css"]
    try:
        page.evaluate("navigator.serviceWorker.getRegistration().then(r => r.update())")
        bar = page.get_by_role("status").filter(has_text="Update available")
        expect(bar).to_be_visible()
        shoot(page, "pwa-update")
        with page.expect_navigation():
            bar.get_by_role("button", name="Reload").click()
        wait_for_control(page)
        page.wait_for_function("() => caches.keys().then(k => k.filter(n => n.startsWith('focusroom-shell-')).length === 1)")
        after = page.evaluate("caches.keys()")
        assert not set(before) & set(after)
    finally:
        manifest["css/app.css"] = original


def test_a_room_page_says_it_is_offline_and_reconnects_by_itself(live_server, page, context):
    from webapp.extensions import db
    from webapp.models import User, utcnow
    from webapp.rooms import services as rooms
    sign_in(live_server, page, "rosa")
    with live_server.app.app_context():
        rosa = db.session.query(User).filter_by(username="rosa").one()
        code = rooms.create_room(rosa, {"name": "Train study", "is_public": False}, utcnow()).code
    page.goto(f"{live_server.url}/r/{code}")
    connection = page.locator(".connection")
    expect(connection).to_have_attribute("data-state", "open")
    wait_for_control(page)
    context.set_offline(True)
    expect(connection).to_have_attribute("data-state", "offline")
    expect(connection).to_contain_text("You are offline. The room reconnects by itself")
    shoot(page, "room-offline")
    page.reload()  # a shared room's page is never kept: the offline page says so, then opens it when back
    expect(page.get_by_role("heading", name="You are offline")).to_be_visible()
    context.set_offline(False)
    expect(page.locator(".connection")).to_have_attribute("data-state", "open", timeout=30_000)
