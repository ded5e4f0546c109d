"""Screenshots of pages at phone and desktop widths, light and dark, for a person to look at.

    python -m tests.support.shoot /login /register  [--user NAME] [--out screenshots/foundation]
"""
import argparse
import os
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.conftest import CHROMIUM_ARGS, build_app
from tests.support.factories import DEFAULT_PASSWORD, make_user
from tests.support.servers import LiveServer

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--user", help="sign in as this (new) user first")
    parser.add_argument("--out", default="screenshots/foundation")
    parser.add_argument("--schemes", default="light,dark")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    app = build_app("sqlite", Path(tempfile.mkdtemp()))
    if args.user:
        with app.app_context():
            make_user(args.user, bio="Deep work in the mornings; writing in the afternoon.")
    server = LiveServer(app).start()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for scheme in args.schemes.split(","):
            for name, viewport in VIEWPORTS.items():
                context = browser.new_context(viewport=viewport, color_scheme=scheme, timezone_id="Europe/Berlin")
                page = context.new_page()
                if args.user:
                    page.goto(server.url + "/login")
                    page.fill("#login", args.user)
                    page.fill("#password", DEFAULT_PASSWORD)
                    page.click("button[type=submit]")
                for path in args.paths:
                    page.goto(server.url + path)
                    slug = path.strip("/").replace("/", "_").replace("?", "_") or "home"
                    page.screenshot(path=str(out / f"{slug}-{name}-{scheme}.png"), full_page=True)
                context.close()
        browser.close()
    server.stop()
    print(f"screenshots in {out}/")


if __name__ == "__main__":
    main()
