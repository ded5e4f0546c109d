"""Screenshots of the message pages with believable content, phone and desktop, light and dark.

    python -m tests.support.shoot_messages [--out screenshots/messages]
"""
import argparse
import tempfile
from datetime import timedelta
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.conftest import CHROMIUM_ARGS, build_app
from tests.support.factories import DEFAULT_PASSWORD, make_user
from tests.support.servers import LiveServer
from webapp.extensions import db
from webapp.messages import blocking, services
from webapp.models import Message, utcnow

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 850}}
LINES = ["Same time tomorrow?", "Yes! 9:00 in Morning writing.\nI'll bring the outline.",
         "Great. Chapter 4 is a mess, but daily it is.", "Here is the plan: https://example.com/plan?week=49",
         "Perfect, see you there 👋"]


def seed() -> dict:
    earlier = utcnow() - timedelta(days=3)
    maya = make_user("maya", display_name="Maya K.", timezone="Europe/Berlin")
    lee = make_user("lee", display_name="Lee")
    sam = make_user("sam", display_name="Sam Rivera", role="moderator")
    for n in range(1, 6):
        services.send_to(make_user(f"friend{n}", display_name=f"Friend {n}"), maya, f"Hi Maya, room at {n + 6}?", earlier)
    for index, line in enumerate(LINES * 8):
        sender, recipient = (lee, maya) if index % 2 == 0 else (maya, lee)
        message = services.send_to(sender, recipient, line, earlier + timedelta(minutes=index * 7))
    conversation_id = message.conversation_id
    services.mark_read(lee, conversation_id, None, utcnow())
    last = services.send_to(lee, maya, "One more: can we start at 8:30 instead?", utcnow())
    deleted = services.send_to(maya, lee, "oops wrong chat", utcnow())
    services.delete_message(maya, deleted.id, utcnow())
    report = services.send_to(sam, maya, "Buy cheap followers at https://spam.example", utcnow())
    blocking.report(maya, db.session.get(Message, report.id), "Spam, clearly", utcnow())
    services.mark_read(maya, report.conversation_id, None, utcnow())
    return {"conversation": conversation_id, "message": last.id, "sam": sam.username}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="screenshots/messages")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    app = build_app("sqlite", Path(tempfile.mkdtemp()))
    with app.app_context():
        world = seed()
    pages = {"maya": ["/messages", f"/messages/c/{world['conversation']}", "/messages/to/sam", "/settings",
                      f"/messages/m/{world['message']}/report", "/u/lee"],
             "sam": ["/community/moderation/reports"], "newbie": ["/messages"]}
    with app.app_context():
        make_user("newbie")
    server = LiveServer(app).start()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for scheme in ("light", "dark"):
            for name, viewport in VIEWPORTS.items():
                for user, paths in pages.items():
                    context = browser.new_context(viewport=viewport, color_scheme=scheme, timezone_id="Europe/Berlin")
                    page = context.new_page()
                    page.goto(server.url + "/login")
                    page.fill("#login", user)
                    page.fill("#password", DEFAULT_PASSWORD)
                    page.click("button[type=submit]")
                    for path in paths:
                        page.goto(server.url + path)
                        page.wait_for_timeout(300)
                        if path == "/settings" and name == "phone":  # a toast arriving live
                            with app.app_context():
                                from webapp.models import User
                                lee = db.session.query(User).filter_by(username="lee").one()
                                maya = db.session.query(User).filter_by(username="maya").one()
                                services.send_to(lee, maya, "Are you in the room? Starting in 5.", utcnow())
                            page.wait_for_selector("#toasts .toast")
                            page.screenshot(path=str(out / f"toast-{user}-{name}-{scheme}.png"))
                        slug = path.strip("/").replace("/", "_").replace("?", "_") or "home"
                        page.screenshot(path=str(out / f"{slug}-{user}-{name}-{scheme}.png"),
                                        full_page="/c/" not in path)
                    context.close()
        browser.close()
    server.stop()
    print(f"screenshots in {out}/")


if __name__ == "__main__":
    main()
