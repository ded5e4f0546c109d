"""Screenshots of the account pages (forgot/reset, settings, delete, 429), phone and desktop, light and dark.

    python -m tests.support.shoot_accounts [--out screenshots/accounts]
"""
import argparse
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.conftest import CHROMIUM_ARGS, build_app
from tests.support.factories import DEFAULT_PASSWORD, make_user
from tests.support.mailbox import Mailbox
from tests.support.servers import LiveServer

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 850}}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="screenshots/accounts")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    app = build_app("sqlite", Path(tempfile.mkdtemp()), PASSWORD_RESET_RATE_LIMIT="1000 per minute")
    server = LiveServer(app).start()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for scheme in ("light", "dark"):
            for name, viewport in VIEWPORTS.items():
                context = browser.new_context(viewport=viewport, color_scheme=scheme, timezone_id="Europe/Berlin")
                page = context.new_page()
                username = f"maya_{scheme}_{name}"  # a reset link or three per account and hour
                with app.app_context():
                    make_user(username, timezone="UTC", bio="Thesis writing, mornings.")

                def shot(slug):
                    page.screenshot(path=str(out / f"{slug}-{name}-{scheme}.png"), full_page=True)
                    # Tall pages also in screen-sized parts, readable at a glance.
                    height = page.evaluate("document.documentElement.scrollHeight")
                    step = viewport["height"]
                    for part, top in enumerate(range(0, height, step) if height > 1.5 * step else ()):
                        page.screenshot(path=str(out / f"{slug}-{name}-{scheme}-part{part + 1}.png"), full_page=True,
                                        clip={"x": 0, "y": top, "width": viewport["width"],
                                              "height": min(step, height - top)})

                page.goto(server.url + "/login")
                shot("login")
                page.goto(server.url + "/forgot-password")
                shot("forgot")
                with Mailbox() as mailbox:
                    page.fill("#email", f"{username}@example.com")
                    page.click("button[type=submit]")
                shot("forgot-sent")
                link = mailbox.last_link().replace("http://localhost", server.url)
                page.goto(link)
                page.fill("#password", "password")
                page.fill("#confirm", "other")
                page.click("button[type=submit]")
                shot("reset-errors")
                page.goto(server.url + "/reset-password/not-a-real-token")
                shot("reset-invalid")

                page.goto(server.url + "/login")
                page.fill("#login", username)
                page.fill("#password", DEFAULT_PASSWORD)
                page.click("button[type=submit]")
                page.goto(server.url + "/settings")
                page.fill("#token-name", "laptop")
                page.click("#api-tokens button[type=submit]:has-text('Create token')")
                page.wait_for_selector("#new-token-value")
                shot("settings")
                page.fill("#username-username", "x y")
                page.click("text=Change username")
                shot("settings-username-error")
                page.goto(server.url + "/settings/delete")
                page.fill("#confirm_username", "wrong")
                page.click("button.danger-button")
                shot("delete")
                context.close()
        _shoot_429(browser, out)
        browser.close()
    server.stop()
    print(f"screenshots in {out}/")


def _shoot_429(browser, out: Path) -> None:
    """The 429 page, which says how long to wait: a second reset request within the hour."""
    app = build_app("sqlite", Path(tempfile.mkdtemp()), PASSWORD_RESET_RATE_LIMIT="1 per hour")
    server = LiveServer(app).start()
    for scheme in ("light", "dark"):
        for name, viewport in VIEWPORTS.items():
            context = browser.new_context(viewport=viewport, color_scheme=scheme, timezone_id="Europe/Berlin")
            page = context.new_page()
            for _ in range(2):
                page.goto(server.url + "/forgot-password")
                page.fill("#email", "someone@example.com")
                page.click("button[type=submit]")
            page.screenshot(path=str(out / f"429-{name}-{scheme}.png"), full_page=True)
            context.close()
    server.stop()


if __name__ == "__main__":
    main()
