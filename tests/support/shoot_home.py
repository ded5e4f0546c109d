"""Screenshots of the daily loop: the visitors' home, Today (new and with a day behind it), a room
as host and as guest (lobby, running, finished), the one-step join and the host's leave question,
at 390x844 and 1366x850, light and dark. Phone room shots are of the first screen only, which is
what must hold the timer and its controls.

    python -m tests.support.shoot_home [--out screenshots/home]
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
from webapp.focus import services as focus
from webapp.models import FocusSession, Room, utcnow

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 850}}


def seed(app) -> None:
    with app.app_context():
        maya = make_user("maya", display_name="Maya", timezone="Europe/Berlin")
        make_user("newbie", display_name="Newbie", timezone="Europe/Berlin")
        now = utcnow()
        for days, minutes in ((0, 50), (1, 75), (2, 25), (3, 100)):
            start = now - timedelta(days=days, minutes=minutes + 5)
            db.session.add(FocusSession(user_id=maya.id, source="solo", status="completed", start_time=start,
                                        end_time=start + timedelta(minutes=minutes),
                                        duration_seconds=minutes * 60, target_seconds=minutes * 60,
                                        focus_score=70 + days * 5))
        db.session.commit()
        focus.create_task(maya, title="Draft section 2 of the thesis")
        focus.create_task(maya, title="Review Gia's notes")


def sign_in(page, server, username):
    page.goto(server.url + "/login")
    page.get_by_label("Username or email").fill(username)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="screenshots/home")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    app = build_app("sqlite", Path(tempfile.mkdtemp()), RUN_TICKER=True)
    seed(app)
    server = LiveServer(app).start()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for scheme in ("light", "dark"):
            for width, viewport in VIEWPORTS.items():
                def shot(page, name, full=True):
                    time.sleep(0.4)
                    page.evaluate("window.scrollTo(0, 0)")
                    page.screenshot(path=str(out / f"{name}-{width}-{scheme}.png"), full_page=full)

                visitor = browser.new_context(viewport=viewport, color_scheme=scheme).new_page()
                visitor.goto(server.url + "/")
                shot(visitor, "home-visitor")
                newbie = browser.new_context(viewport=viewport, color_scheme=scheme).new_page()
                sign_in(newbie, server, "newbie")
                shot(newbie, "today-new")
                host_context = browser.new_context(viewport=viewport, color_scheme=scheme)
                host = host_context.new_page()
                sign_in(host, server, "maya")
                shot(host, "today-maya")
                host.goto(server.url + "/rooms/new")
                shot(host, "rooms-new")
                host.get_by_label("Room name").fill("Thesis writing sprint")
                host.get_by_role("button", name="Create the room").click()
                code = re.search(r"/r/([A-Z0-9]{6})$", host.url).group(1)
                expect(host.locator(f"#room-{code}-connection")).to_have_attribute("data-state", "open")
                guest = browser.new_context(viewport=viewport, color_scheme=scheme).new_page()
                guest.goto(server.url + f"/r/{code}")
                shot(guest, "join-guest")
                guest.get_by_label("Your name").fill("Gia")
                guest.get_by_role("button", name="Join the room").click()
                expect(host.locator(f"#room-{code}-participants")).to_contain_text("Gia")
                shot(host, "room-lobby-host", full=width == "desktop")
                shot(guest, "room-lobby-guest", full=width == "desktop")
                host.get_by_role("button", name="Start work").click()
                expect(guest.locator(f"#room-{code}-timer")).to_have_attribute("data-status", "running")
                shot(host, "room-running-host", full=width == "desktop")
                shot(host, "room-running-host-full")
                shot(guest, "room-running-guest", full=width == "desktop")
                with app.app_context():
                    db.session.execute(update(Room).where(Room.code == code)
                                       .values(rounds=1, phase_ends_at=utcnow() + timedelta(seconds=1)))
                    db.session.commit()
                expect(guest.locator(f"#room-{code}-timer")).to_have_attribute("data-status", "completed",
                                                                                timeout=10_000)
                time.sleep(1.0)
                shot(host, "room-done-host")
                shot(guest, "room-done-guest")
                host.goto(server.url + f"/r/{code}/leave")
                shot(host, "leave-host")
                for context in browser.contexts:
                    context.close()
        browser.close()
    server.stop()
    print(f"screenshots in {out}/")


if __name__ == "__main__":
    main()
