"""Achievements, the leaderboard and following in a real Chromium (one server for the module),
with screenshots at phone and desktop widths, light and dark."""
import re
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.support import factories
from tests.support.achievements import record
from tests.support.browser import collect_console_errors
from webapp.achievements import follows
from webapp.models import utcnow

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parents[2] / "screenshots" / "achievements"
SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 850}}


def shoot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        for size_name, size in SIZES.items():
            page.set_viewport_size(size)
            page.wait_for_timeout(300)  # Pico's colour transitions
            page.screenshot(path=str(SHOTS / f"{name}-{size_name}-{scheme}.png"), full_page=True, caret="initial")
    page.emulate_media(color_scheme="light")
    page.set_viewport_size(SIZES["desktop"])


def sign_in(live_server, page, username):
    page.goto(live_server.url + "/login")
    page.get_by_label("Username or email").fill(username)
    page.get_by_label("Password").fill(factories.DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text(re.compile("Welcome back"))).to_be_visible()


@pytest.fixture(scope="module")
def people(live_server):
    with live_server.app.app_context():
        ana = factories.make_user("ana", timezone="Europe/Berlin", display_name="Ana")
        fiona = factories.make_user("fiona", timezone="Asia/Kolkata", display_name="Fiona Friend",
                                    bio="Morning writer.")
        factories.make_user("sam", display_name="Sam Stranger")
        follows.follow(ana, "fiona")
        follows.follow(fiona, "ana")
        start = utcnow() - timedelta(hours=2)
        record(fiona, start, 90, active_minutes=80)
        record(ana, start - timedelta(days=1), 25)
        record(ana, start, 25)
    return {"ana": "ana", "fiona": "fiona"}


@pytest.fixture
def console_errors(page):
    return collect_console_errors(page)


def test_the_leaderboard_lists_a_friend(live_server, page, people, console_errors):
    sign_in(live_server, page, "ana")
    page.get_by_role("link", name="Leaderboard").first.click()
    board = page.locator("#board")
    expect(board.get_by_role("heading")).to_contain_text("You and your friends")
    rows = board.locator("tbody tr")
    expect(rows.nth(0)).to_contain_text("Fiona Friend")
    expect(rows.nth(0)).to_contain_text("1 h 20 min")
    expect(rows.nth(1)).to_contain_text("Ana (you)")
    shoot(page, "leaderboard-friends")

    page.get_by_role("link", name="Everyone").click()
    expect(page.locator("#board")).to_contain_text("Nobody on the everyone board")
    page.get_by_label("Show me on the everyone board").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved: you appear on the everyone board.")).to_be_visible()
    expect(page.locator("#board tbody tr").first).to_contain_text("Ana (you)")
    shoot(page, "leaderboard-everyone")
    assert console_errors == [], console_errors


def test_achievements_and_following_from_a_profile(live_server, page, people, console_errors):
    sign_in(live_server, page, "ana")
    page.goto(live_server.url + "/achievements")
    earned = page.locator("#achievement-sessions_1")
    expect(earned).to_contain_text("Earned")
    expect(page.locator("#achievement-sessions_10")).to_contain_text("2 / 10")
    expect(page.locator("#achievement-streak_3")).to_contain_text("2 / 3")
    shoot(page, "achievements")

    page.goto(live_server.url + "/u/sam")
    page.get_by_role("button", name="Follow Sam Stranger").click()
    expect(page.get_by_role("button", name=re.compile("Following"))).to_be_visible()
    page.reload()
    expect(page.get_by_text("1 follower ·")).to_be_visible()
    page.get_by_role("button", name=re.compile("Following")).click()
    expect(page.get_by_role("button", name="Follow Sam Stranger")).to_be_visible()

    page.goto(live_server.url + "/u/fiona")
    expect(page.get_by_role("button", name=re.compile("Following · friends"))).to_be_visible()
    expect(page.locator(".badge-list")).to_contain_text("First session")
    shoot(page, "profile-friend")
    page.goto(live_server.url + "/u/ana")
    shoot(page, "profile-own")
    assert console_errors == [], console_errors


def test_finishing_a_short_work_phase_shows_the_first_session_toast_live(live_server, page, console_errors):
    from sqlalchemy import func, select
    from webapp.extensions import db
    from webapp.focus.services.solo import active_solo_room
    from webapp.models import FocusSession, User

    with live_server.app.app_context():
        factories.make_user("tess", timezone="Europe/Berlin", display_name="Tess")
    sign_in(live_server, page, "tess")
    page.goto(live_server.url + "/focus")
    page.get_by_label("Focus minutes").fill("1")
    page.get_by_role("button", name="Start focusing").click()
    expect(page).to_have_url(re.compile(r"/r/[A-Z0-9]{6}$"))
    expect(page.locator(".connection")).to_have_attribute("data-state", "open")

    def open_records() -> int:
        with live_server.app.app_context():
            user_id = db.session.execute(select(User.id).where(User.username == "tess")).scalar_one()
            return db.session.execute(select(func.count()).where(
                FocusSession.user_id == user_id, FocusSession.end_time.is_(None))).scalar_one()
    for _ in range(40):  # the record opens when the page's socket connects
        if open_records():
            break
        page.wait_for_timeout(250)
    assert open_records() == 1
    page.wait_for_timeout(1500)  # a little focused time to count

    # The minute passes: its deadline is now (the ticker ends the phase as it would after 60 s).
    with live_server.app.app_context():
        room = active_solo_room(db.session.execute(select(User).where(User.username == "tess")).scalar_one())
        room.phase_ends_at = utcnow() + timedelta(seconds=1)
        db.session.commit()
    toast = page.locator("#toasts .toast")
    expect(toast).to_contain_text("First session done!", timeout=20_000)
    expect(toast.get_by_role("link", name="First session done!")).to_have_attribute("href", "/achievements")
    page.evaluate("window.scrollTo(0, 0)")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "toast-desktop-light.png"), caret="initial")
    assert console_errors == [], console_errors
