"""Screenshots of the history, a room's results, insights (a month, and little data) and the session and
interruption forms, at 390x844 and 1366x850, light and dark; the forms also in en-US (AM/PM) and
en-GB (24 h) at desktop width.

    python -m tests.support.shoot_day2 [--out screenshots/day2]
"""
import argparse
import tempfile
from datetime import timedelta
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

from tests.conftest import CHROMIUM_ARGS, build_app
from tests.support.factories import DEFAULT_PASSWORD, make_user
from tests.support.servers import LiveServer
from webapp.extensions import db
from webapp.insights.sample import add_session, seed_history
from webapp.models import utcnow
from webapp.rooms import services as rooms

VIEWPORTS = {"390": {"width": 390, "height": 844}, "1366": {"width": 1366, "height": 850}}


def world(app) -> dict:
    with app.app_context():
        maya = make_user("maya", timezone="Europe/Berlin", display_name="Maya")
        gia = make_user("gia", timezone="Europe/Berlin", display_name="Gia")
        tom = make_user("tom", timezone="Europe/Berlin", display_name="Tom")
        newbie = make_user("newbie", timezone="Europe/Berlin", display_name="Nia")
        seed_history(maya, 30, now=utcnow() - timedelta(hours=3))
        room = rooms.create_room(maya, {"name": "Thesis writing sprint"}, utcnow() - timedelta(hours=2))
        for person in (gia, tom):
            rooms.join(room, person, utcnow() - timedelta(hours=2))
        began = utcnow() - timedelta(minutes=160)
        scores = {maya: (92, 88), gia: (71, 64), tom: (55, 30)}
        last = None
        for person, (first, second) in scores.items():
            for number, score in ((1, first), (2, second)):
                start = began + timedelta(minutes=30 * (number - 1))
                last = add_session(person, start, 25, score=score, source="room", commit=False,
                                   active_share={92: .95, 88: .9, 71: .8, 64: .75, 55: .7, 30: .5}[score],
                                   interruptions=[("phone", 8, 2)] if person is tom else [])
                last.room_id, last.round = room.id, number
                if score == 30:
                    last.status = "failed"
        room.status, room.started_at = "completed", began
        for days_ago, hour in ((1, 9), (1, 14), (2, 10)):
            add_session(newbie, utcnow() - timedelta(days=days_ago, hours=24 - hour), 25, score=78,
                        interruptions=[("noise", 5, 2)], commit=False)
        db.session.commit()
        manual = add_session(maya, utcnow() - timedelta(minutes=100, seconds=20), 25, source="manual")
        interruption = add_session(maya, utcnow() - timedelta(minutes=60), 25,
                                   interruptions=[("family", 4, 3)]).interruptions[0]
        return {"room": room.code, "session": manual.id, "interruption": interruption.id}


def sign_in(page, server, username):
    page.goto(server.url + "/login")
    page.get_by_label("Username or email").fill(username)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Welcome back")).to_be_visible()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="screenshots/day2")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    app = build_app("sqlite", Path(tempfile.mkdtemp()))
    ids = world(app)
    pages = {"history": ("maya", "/history"), "results": ("maya", f"/r/{ids['room']}/results"),
             "results-guest": ("gia", f"/r/{ids['room']}/results"),
             "insights": ("maya", "/insights"), "insights-little": ("newbie", "/insights"),
             "entry-form": ("maya", "/history/new"),
             "interruption-new": ("maya", f"/history/{ids['session']}/interruptions/new"),
             "interruption-edit": ("maya", f"/interruptions/{ids['interruption']}/edit")}
    server = LiveServer(app).start()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for scheme, size in [(scheme, size) for scheme in ("light", "dark") for size in VIEWPORTS]:
            contexts = {}
            for name, (user, path) in pages.items():
                if user not in contexts:
                    contexts[user] = browser.new_context(viewport=VIEWPORTS[size], color_scheme=scheme,
                                                         timezone_id="Europe/Berlin", locale="en-US")
                    sign_in(contexts[user].new_page(), server, user)
                page = contexts[user].pages[0]
                page.goto(server.url + path)
                page.wait_for_load_state("networkidle")
                page.wait_for_timeout(300)
                page.screenshot(path=str(out / f"{name}-{size}-{scheme}.png"), full_page=True)
            for context in contexts.values():
                context.close()
        browser.close()
    server.stop()
    print(f"screenshots in {out}/")


if __name__ == "__main__":
    main()
