"""Screenshots of a solo Pomodoro from start to check-in: the start form with its rhythm, a running
focus, an interruption holding the countdown, the break, the check-in, history and insights, at
390x844 and 1366x850, light and dark.

    python -m tests.support.shoot_solo [--out screenshots/solo]
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
from webapp.models import Room, utcnow

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 850}}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="screenshots/solo")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    app = build_app("sqlite", Path(tempfile.mkdtemp()), RUN_TICKER=True)
    server = LiveServer(app).start()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for scheme in ("light", "dark"):
            for width, viewport in VIEWPORTS.items():
                username = f"sol{scheme[0]}{width[0]}"
                with app.app_context():
                    user = make_user(username, display_name="Sol", timezone="Europe/Berlin")
                    focus.create_task(user, title="Thesis chapter 2", estimated_pomodoros=4)

                def shot(page, name, full=True):
                    time.sleep(0.5)
                    page.evaluate("window.scrollTo(0, 0)")
                    page.screenshot(path=str(out / f"{name}-{width}-{scheme}.png"), full_page=full,
                                    caret="initial")

                page = browser.new_context(viewport=viewport, color_scheme=scheme,
                                           timezone_id="Europe/Berlin").new_page()
                page.goto(server.url + "/login")
                page.get_by_label("Username or email").fill(username)
                page.get_by_label("Password").fill(DEFAULT_PASSWORD)
                page.get_by_role("button", name="Sign in").click()
                page.goto(server.url + "/focus")
                page.locator("summary", has_text="Your rhythm").click()
                page.get_by_label("Intention (optional)").fill("Draft section 2")
                page.get_by_label("Working on").select_option(label="Thesis chapter 2")
                shot(page, "solo-start")
                page.get_by_label("Focus minutes").fill("1")
                page.get_by_label("Focuses in this session").fill("2")
                page.get_by_label("Short break minutes").fill("1")
                page.get_by_role("button", name="Start focusing").click()
                code = re.search(r"/r/([A-Z0-9]{6})$", page.url).group(1)
                expect(page.locator(".connection")).to_have_attribute("data-state", "open")
                shot(page, "solo-running", full=width == "desktop")
                shot(page, "solo-running-full")
                for _ in range(20):
                    page.locator("#live-now").get_by_role("button", name="Phone").click()
                    time.sleep(0.3)
                    if "Interrupted: Phone" in page.locator("#live-now").inner_text():
                        break
                expect(page.locator(".room-timer")).to_have_attribute("data-status", "paused")
                shot(page, "solo-interrupted", full=width == "desktop")
                page.locator("#live-now").get_by_role("button", name="I'm back").click()
                expect(page.locator(".room-timer")).to_have_attribute("data-status", "running")
                with app.app_context():
                    db.session.execute(update(Room).where(Room.code == code, Room.archived_at.is_(None))
                                       .values(phase_ends_at=utcnow() + timedelta(seconds=1)))
                    db.session.commit()
                expect(page.locator(".room-timer")).to_have_attribute("data-phase", "short_break", timeout=10_000)
                shot(page, "solo-break", full=width == "desktop")
                page.get_by_role("button", name="Skip the break").click()
                expect(page.locator(".room-timer")).to_have_attribute("data-phase", "work")
                time.sleep(1.2)
                page.get_by_role("button", name="End session").click()
                expect(page.locator("#solo-checkin")).to_be_visible()
                shot(page, "solo-checkin")
                page.locator("#solo-checkin").get_by_role("button", name="Partly").click()
                expect(page.locator("#solo-checkin")).to_contain_text("You said")
                shot(page, "solo-checked-in")
                page.goto(server.url + "/history")
                shot(page, "solo-history")
                page.goto(server.url + "/insights?range=all")
                shot(page, "solo-insights")
                page.goto(server.url + "/today")
                shot(page, "solo-today")
                for context in browser.contexts:
                    context.close()
        browser.close()
    server.stop()
    from webapp import lifecycle
    lifecycle.shutdown(app)  # stop the ticker before the interpreter does
    print(f"screenshots in {out}/")


if __name__ == "__main__":
    main()
