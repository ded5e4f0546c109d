"""Screenshots of the everyone board (this week, in the viewer's zone), phone and desktop, light and dark.

    python -m tests.support.shoot_leaderboard [--out screenshots/leaderboard]
"""
import argparse
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.conftest import CHROMIUM_ARGS, build_app
from tests.support.achievements import record
from tests.support.factories import DEFAULT_PASSWORD, make_user
from tests.support.servers import LiveServer

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 850}}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="screenshots/leaderboard")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    app = build_app("sqlite", Path(tempfile.mkdtemp()))
    now = datetime.now(timezone.utc)
    with app.app_context():
        make_user("maya", display_name="Maya", timezone="Asia/Kolkata", on_global_board=True)
        for n, minutes in enumerate((95, 80, 50, 25)):
            person = make_user(f"p{n}", display_name=f"Person {n}", on_global_board=True)
            record(person, now - timedelta(hours=2), minutes)
    server = LiveServer(app).start()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for scheme in ("light", "dark"):
            for name, viewport in VIEWPORTS.items():
                context = browser.new_context(viewport=viewport, color_scheme=scheme)
                page = context.new_page()
                page.goto(server.url + "/login")
                page.fill("#login", "maya")
                page.fill("#password", DEFAULT_PASSWORD)
                page.click("button[type=submit]")
                page.goto(server.url + "/leaderboard?scope=global&period=week")
                page.wait_for_timeout(300)
                page.screenshot(path=str(out / f"global-{name}-{scheme}.png"), full_page=True)
                context.close()
        browser.close()
    server.stop()


if __name__ == "__main__":
    main()
