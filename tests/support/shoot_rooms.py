"""Screenshots of a live room in its four states (lobby, running, paused, break), as the host
sees it and as a guest sees it, at phone and desktop widths, light and dark.

    python -m tests.support.shoot_rooms [--out screenshots/rooms]
"""
import argparse
import re
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from playwright.sync_api import expect, sync_playwright
from sqlalchemy import update

from tests.conftest import CHROMIUM_ARGS, build_app
from tests.support.factories import DEFAULT_PASSWORD, make_user
from tests.support.servers import LiveServer
from webapp.extensions import db
from webapp.models import Room, utcnow

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


def open_room(browser, server, scheme: str, viewport: dict):
    host_context = browser.new_context(viewport=viewport, color_scheme=scheme)
    guest_context = browser.new_context(viewport=viewport, color_scheme=scheme)
    host, guest = host_context.new_page(), guest_context.new_page()
    host.goto(server.url + "/login")
    host.get_by_label("Username or email").fill("maya")
    host.get_by_label("Password").fill(DEFAULT_PASSWORD)
    host.get_by_role("button", name="Sign in").click()
    host.goto(server.url + "/rooms/new")
    host.get_by_label("Room name").fill("Thesis writing sprint")
    host.get_by_role("button", name="Create the room").click()
    code = re.search(r"/r/([A-Z0-9]{6})$", host.url).group(1)
    expect(host.locator(f"#room-{code}-connection")).to_have_attribute("data-state", "open")
    guest.goto(server.url + f"/r/{code}")
    guest.get_by_label("Your name").fill("Gia")
    guest.get_by_role("button", name="Join the room").click()
    expect(host.locator(f"#room-{code}-participants")).to_contain_text("Gia")
    return code, host, guest, (host_context, guest_context)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="screenshots/rooms")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    app = build_app("sqlite", Path(tempfile.mkdtemp()), RUN_TICKER=True)  # lists and phases need it
    with app.app_context():
        make_user("maya", display_name="Maya")
    server = LiveServer(app).start()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for scheme in ("light", "dark"):
            for width, viewport in VIEWPORTS.items():
                code, host, guest, contexts = open_room(browser, server, scheme, viewport)

                def shoot(state: str) -> None:
                    time.sleep(0.4)  # let the last swap settle
                    for who, page in (("host", host), ("guest", guest)):
                        page.evaluate("window.scrollTo(0, 0)")  # else the sticky header lands mid-shot
                        page.screenshot(path=str(out / f"{state}-{who}-{width}-{scheme}.png"), full_page=True)

                shoot("lobby")
                host.get_by_role("button", name="Start").click()
                expect(guest.locator(f"#room-{code}-timer")).to_have_attribute("data-status", "running")
                shoot("running")
                host.get_by_role("button", name="Pause", exact=True).click()
                expect(guest.locator(f"#room-{code}-timer")).to_have_attribute("data-status", "paused")
                shoot("paused")
                host.get_by_role("button", name="Resume").click()
                expect(guest.locator(f"#room-{code}-timer")).to_have_attribute("data-status", "running")
                with app.app_context():
                    db.session.execute(update(Room).where(Room.code == code)
                                       .values(phase_ends_at=utcnow() + timedelta(seconds=1)))
                    db.session.commit()
                expect(guest.locator(f"#room-{code}-timer")).to_have_attribute("data-phase", "short_break",
                                                                                timeout=10_000)
                shoot("break")
                for context in contexts:
                    context.close()
        browser.close()
    server.stop()
    print(f"screenshots in {out}/")


if __name__ == "__main__":
    main()
