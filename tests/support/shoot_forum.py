"""Screenshots of every community page with believable content, at phone and desktop widths,
light and dark, as a moderator (who sees every control) and as a member.

    python -m tests.support.shoot_forum [--out screenshots/forum]
"""
import argparse
import tempfile
from datetime import timedelta
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.conftest import CHROMIUM_ARGS, build_app
from tests.support.factories import DEFAULT_PASSWORD, make_user
from tests.support.servers import LiveServer
from webapp.forum.services import comments, likes, moderation, posts
from webapp.models import utcnow

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 850}}
BODY = """Three weeks to the deadline. My plan:

1. **Mornings**: two pomodoros on chapter 4 before email.
2. _Afternoons_: references and figures.
3. Evenings off, honestly.

> The secret of getting ahead is getting started.

Anyone else writing this month? I post my word count in [the accountability room](https://example.com/room)
every evening. `git commit -m "chapter 4, 800 words"` feels good."""


def seed() -> int:
    earlier = utcnow() - timedelta(days=10)
    maya = make_user("maya", created_at=earlier, display_name="Maya K.")
    lee = make_user("lee", created_at=earlier)
    sam = make_user("sam", created_at=earlier, role="moderator")
    main = posts.create_post(maya, "writing", "Thesis sprint in December: who is in?", BODY, utcnow())
    for title, category in [("Pomodoro length for reading papers?", "study"), ("Phone in another room works", "tips"),
                            ("Weekly check-in thread", "accountability"), ("Standing desk: worth it?", "work")]:
        posts.create_post(lee, category, title, "What do you think? I tried *25 minutes* and it felt short.", utcnow())
    first = comments.add_comment(lee, main.id, "I'm in! Chapter 2 of mine is a mess, but **daily** it is.", utcnow())
    second = comments.add_comment(maya, main.id, "Great, see you in the room at 8.", utcnow(), first.id)
    third = comments.add_comment(sam, main.id, "Same here, methods section.", utcnow(), second.id)
    fourth = comments.add_comment(lee, main.id, "Deep thread now.", utcnow(), third.id)
    comments.add_comment(maya, main.id, "Deeper still: this one stays at level four.", utcnow(), fourth.id)
    gone = comments.add_comment(lee, main.id, "Wrong thread, sorry.", utcnow())
    comments.add_comment(maya, main.id, "No worries!", utcnow(), gone.id)
    comments.delete_comment(lee, gone.id, utcnow())
    likes.set_like(lee, "post", main.id, True)
    likes.set_like(sam, "comment", first.id, True)
    moderation.set_post_flag(sam, main.id, "pinned", True)
    moderation.report(lee, "comment", second.id, "Looks like self-promotion to me", utcnow())
    return main.id


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="screenshots/forum")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    app = build_app("sqlite", Path(tempfile.mkdtemp()))
    with app.app_context():
        post_id = seed()
    pages = {"sam": ["/community/", "/community/c/writing", f"/community/p/{post_id}", "/community/new",
                     "/community/search?q=thesis+chapter", "/community/people/maya", "/community/moderation/reports",
                     "/community/moderation/categories", f"/community/report/post/{post_id}"],
             "lee": [f"/community/p/{post_id}"]}
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
                        if path == "/community/new":
                            page.get_by_label("Title").fill("Reading group for deep work")
                            page.get_by_label("Post").fill(BODY)
                            page.get_by_role("button", name="Preview").click()
                            page.wait_for_selector("#preview .forum-body")
                        slug = path.strip("/").replace("/", "_").replace("?", "_") or "home"
                        page.screenshot(path=str(out / f"{slug}-{user}-{name}-{scheme}.png"), full_page=True)
                    context.close()
        browser.close()
    server.stop()
    print(f"screenshots in {out}/")


if __name__ == "__main__":
    main()
