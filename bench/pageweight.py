"""Benchmark: bytes on the wire for a first and a repeat visit of the room page, insights and history.

Runs the real app (SQLite file, ticker on) on a local port and drives Debian's Chromium through
Playwright. Chromium's own network events (CDP `Network.loadingFinished.encodedDataLength`:
headers plus body as transferred, after compression) are summed per visit, so what the browser
takes from its cache costs nothing, exactly as on a phone:
  - first visit: a fresh browser profile (empty cache) signed in, opening the page once;
  - repeat visit: the same profile opening the page again later (normal navigation, not reload).
The room is running (host inside, timer started); its WebSocket frames are reported apart (they
are the live timer, not page weight). Goals: first visit <= 60 KB, repeat visit <= 15 KB.
Every request a visit makes counts, so the insights page's charts (a second GET, a compressed fragment
that carries no secret: webapp/compression.py) are in its figures.
Both ways of serving HTML are weighed: as shipped (uncompressed) and with
COMPRESS_SAME_ORIGIN_HTML=1 (see webapp/compression.py). Prints one line per page, then one JSON
line last: {"html_plain": {"room": {"first_kb":..., "repeat_kb":..., ...}, ..., "met": bool}, ...}
Run: .venv/bin/python bench/pageweight.py [--settle-ms 1500]
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.conftest import CHROMIUM_ARGS, build_app  # noqa: E402
from tests.support.factories import DEFAULT_PASSWORD, make_user  # noqa: E402
from tests.support.servers import LiveServer  # noqa: E402
from webapp import lifecycle  # noqa: E402
from webapp.insights.sample import seed_history  # noqa: E402
from webapp.models import utcnow  # noqa: E402
from webapp.rooms import services as rooms  # noqa: E402

GOALS_KB = {"first": 60, "repeat": 15}
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def prepare(app) -> dict[str, str]:
    """A person with 90 days of history and a running room; returns the pages to weigh."""
    with app.app_context():
        user = make_user("weigher", timezone="Europe/Berlin")
        seed_history(user, 90)
        room = rooms.create_room(user, {"name": "Morning writing"}, utcnow())
        rooms.control(room, user, "start", utcnow())
        return {"room": f"/r/{room.code}", "insights": "/insights", "history": "/history"}


def sign_in(context, base_url: str) -> None:
    """Through the API request context: the browser's cache stays empty, its cookie jar is shared."""
    token = CSRF.search(context.request.get(base_url + "/login").text()).group(1)
    response = context.request.post(base_url + "/login", form={
        "login": "weigher", "password": DEFAULT_PASSWORD, "csrf_token": token})
    assert response.ok, response.status


class Meter:
    """Bytes Chromium received over HTTP and over WebSockets, from its DevTools network events."""

    def __init__(self, page):
        self.reset()
        cdp = page.context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.on("Network.responseReceived", self._response)
        cdp.on("Network.loadingFinished", self._finished)
        cdp.on("Network.requestServedFromCache", self._cached)
        cdp.on("Network.webSocketFrameReceived", self._frame)

    def _response(self, event):
        if event["type"] == "Document":
            self.documents.add(event["requestId"])

    def _finished(self, event):
        self.http_bytes += event["encodedDataLength"]
        if event["requestId"] in self.documents:
            self.html_bytes += event["encodedDataLength"]
        self.requests += 1

    def _cached(self, event):
        self.from_cache += 1

    def _frame(self, event):
        self.ws_bytes += len(event["response"]["payloadData"].encode())

    def reset(self):
        self.http_bytes = self.html_bytes = self.ws_bytes = self.requests = self.from_cache = 0
        self.documents = set()


def weigh(browser, base_url: str, path: str, settle_ms: int) -> dict:
    context = browser.new_context(viewport={"width": 390, "height": 844}, timezone_id="Europe/Berlin")
    sign_in(context, base_url)
    page = context.new_page()
    meter = Meter(page)
    figures = {}
    for visit in ("first", "repeat"):
        meter.reset()
        page.goto(base_url + path, wait_until="networkidle")
        page.wait_for_timeout(settle_ms)
        figures[f"{visit}_kb"] = round(meter.http_bytes / 1024, 1)
        figures[f"{visit}_html_kb"] = round(meter.html_bytes / 1024, 1)
        figures[f"{visit}_requests"] = meter.requests
        figures[f"{visit}_from_cache"] = meter.from_cache
        figures[f"{visit}_ws_kb"] = round(meter.ws_bytes / 1024, 1)
        page.goto("about:blank")
    context.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--settle-ms", type=int, default=1500,
                        help="wait after network idle, so late requests count too")
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    app = build_app("sqlite", Path(tempfile.mkdtemp()), RUN_TICKER=True)
    pages = prepare(app)
    server = LiveServer(app).start()
    results = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            for mode, compress in (("html_plain", False), ("html_compressed_same_origin", True)):
                app.config["COMPRESS_SAME_ORIGIN_HTML"] = compress
                print(f"-- {mode} (COMPRESS_SAME_ORIGIN_HTML={int(compress)})")
                rows = results[mode] = {}
                for name, path in pages.items():
                    row = rows[name] = weigh(browser, server.url, path, args.settle_ms)
                    print(f"{name:9s} first {row['first_kb']:6.1f} KB in {row['first_requests']:2d} requests;"
                          f" repeat {row['repeat_kb']:5.1f} KB in {row['repeat_requests']} requests"
                          f" ({row['repeat_from_cache']} from cache, {row['repeat_html_kb']} KB of it the"
                          f" page's HTML); WebSocket {row['first_ws_kb']} KB")
                rows["met"] = all(row["first_kb"] <= GOALS_KB["first"] and row["repeat_kb"] <= GOALS_KB["repeat"]
                                  for row in rows.values())
            browser.close()
    finally:
        server.stop()
        lifecycle.shutdown(app)
    results["goals_kb"] = GOALS_KB
    print(json.dumps(results))


if __name__ == "__main__":
    main()
