"""The focus log in a real Chromium: a manual entry and its edit, a task collecting its sessions' time,
API tokens in settings, and screenshots of each page at phone and desktop widths."""
import re
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.support import factories
from tests.support.browser import collect_console_errors
from webapp.extensions import db
from webapp.insights.sample import add_session as add_sample
from webapp.models import FocusSession, User, utcnow

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parents[2] / "screenshots" / "focus"
SIZES = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}


@pytest.fixture
def console_errors(page):
    return collect_console_errors(page)


def sign_in(live_server, page, username):
    with live_server.app.app_context():
        factories.make_user(username, timezone="Europe/Berlin")
    page.goto(live_server.url + "/login")
    page.get_by_label("Username or email").fill(username)
    page.get_by_label("Password").fill(factories.DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text(re.compile("Welcome back"))).to_be_visible()


def shoot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")  # the sticky header would land mid-page otherwise
    for size_name, size in SIZES.items():
        page.set_viewport_size(size)
        # caret="initial": hiding the caret injects a style element, which our CSP (rightly) blocks.
        page.screenshot(path=str(SHOTS / f"{name}-{size_name}.png"), full_page=True, caret="initial")
    page.set_viewport_size(SIZES["desktop"])
    page.emulate_media(color_scheme="dark")  # Pico follows the system's scheme
    page.wait_for_timeout(400)  # let Pico's colour transitions finish
    page.screenshot(path=str(SHOTS / f"{name}-desktop-dark.png"), full_page=True, caret="initial")
    page.emulate_media(color_scheme="light")


def add_session(page, live_server, start, end, task=None, note=""):
    page.goto(live_server.url + "/history/new")
    page.get_by_label("Start").fill(start)
    page.get_by_label("End").fill(end)
    if task:
        page.get_by_label("Task", exact=True).select_option(label=task)
    page.get_by_label("Note").fill(note)
    page.get_by_role("button", name="Add session").click()
    expect(page).to_have_url(re.compile(r"/history#session-\d+$"))  # added: the history shows it


def test_manual_entry_and_its_edit(live_server, page, console_errors):
    sign_in(live_server, page, "maya")
    page.goto(live_server.url + "/history")
    expect(page.get_by_text("Your focus log is empty.")).to_be_visible()
    shoot(page, "history-empty")

    page.get_by_role("link", name="Add a session").click()
    page.get_by_label("Start").fill("2024-05-01T10:00")
    page.get_by_label("End").fill("2024-05-01T09:00")
    page.get_by_role("button", name="Add session").click()
    expect(page.get_by_text("The end must be after the start.")).to_be_visible()
    expect(page.get_by_label("End")).to_have_attribute("aria-invalid", "true")
    shoot(page, "entry-form-errors")

    page.get_by_label("End").fill("2024-05-01T10:50")
    page.get_by_label("Note").fill("Chapter two")
    page.get_by_role("button", name="Add session").click()
    expect(page.get_by_text("Session added to your history.")).to_be_visible()
    entry = page.locator("article.log-session").first
    expect(entry).to_contain_text("10:00–10:50")
    expect(entry).to_contain_text("50 min")
    expect(entry).to_contain_text("Chapter two")

    entry.get_by_role("button", name="Edit", exact=True).click()
    expect(page.get_by_label("Start")).to_have_value("2024-05-01T10:00")
    page.get_by_label("End").fill("2024-05-01T11:15")
    page.get_by_label("Note").fill("Chapter two, done")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Session updated.")).to_be_visible()
    entry = page.locator("article.log-session").first
    expect(entry).to_contain_text("10:00–11:15")
    expect(entry).to_contain_text("1 h 15 min")
    expect(entry).to_contain_text("Chapter two, done")
    with live_server.app.app_context():
        session = db.session.query(FocusSession).one()
        assert (session.duration_seconds, session.start_time.hour) == (75 * 60, 8)  # stored in UTC

    entry.get_by_role("link", name="Add interruption").click()
    page.get_by_label("What interrupted you").select_option("phone")
    page.get_by_label("Description").fill("Delivery")
    page.get_by_label("From").fill("2024-05-01T10:20")
    page.get_by_label("Until").fill("2024-05-01T10:26")
    page.get_by_role("button", name="Add interruption").click()
    expect(page.locator("li.interruption")).to_contain_text("Delivery")
    expect(page.locator("li.interruption")).to_contain_text("6 min")
    shoot(page, "history")

    page.locator("article.log-session").first.get_by_role("link", name="Delete", exact=True).click()
    expect(page.get_by_role("heading", name="Delete this session?")).to_be_visible()
    page.get_by_role("button", name="Yes, delete it").click()
    expect(page.get_by_text("Session deleted.")).to_be_visible()
    expect(page.locator("article.log-session")).to_have_count(0)
    assert console_errors == [], console_errors


def test_a_task_collects_the_time_of_its_sessions(live_server, page, console_errors):
    sign_in(live_server, page, "otto")
    page.goto(live_server.url + "/tasks")
    expect(page.get_by_text("No tasks yet.")).to_be_visible()
    page.get_by_label("Task", exact=True).fill("Grant proposal")
    page.get_by_label("Pomodoros", exact=True).fill("4")
    page.get_by_role("button", name="Add task").click()
    page.get_by_label("Task", exact=True).fill("Inbox zero")
    page.get_by_label("Pomodoros", exact=True).fill("1")
    page.get_by_role("button", name="Add task").click()
    row = page.locator("li.task-row", has_text="Grant proposal")
    expect(row).to_contain_text("0/4 pomodoros")

    add_session(page, live_server, "2024-05-02T09:00", "2024-05-02T09:25", task="Grant proposal")
    add_session(page, live_server, "2024-05-02T10:00", "2024-05-02T10:40", task="Grant proposal")
    add_session(page, live_server, "2024-05-02T11:00", "2024-05-02T11:10", task="Inbox zero")
    page.goto(live_server.url + "/tasks")
    expect(row).to_contain_text("2/4 pomodoros")
    expect(row).to_contain_text("1 h 05 min")
    expect(row).to_contain_text("2 sessions")
    expect(page.locator("li.task-row", has_text="Inbox zero")).to_contain_text("10 min")

    page.locator("li.task-row", has_text="Inbox zero").get_by_role("button", name=re.compile("Mark done")).click()
    expect(page.locator("li.task-row.is-done", has_text="Inbox zero")).to_be_visible()
    shoot(page, "tasks")
    assert console_errors == [], console_errors


def test_api_tokens_in_settings(live_server, page, console_errors):
    sign_in(live_server, page, "ines")
    page.goto(live_server.url + "/settings")
    card = page.locator("#api-tokens")
    expect(card).to_contain_text("No tokens yet.")
    card.get_by_label("Token name").fill("Phone shortcut")
    card.get_by_role("button", name="Create token").click()
    expect(page.get_by_text("it will not be shown again")).to_be_visible()
    raw = page.get_by_label("New API token").input_value()
    assert raw.startswith("fr_")
    response = page.request.get(live_server.url + "/api/v1/sessions", headers={"Authorization": f"Bearer {raw}"})
    assert response.status == 200 and response.json() == {"items": [], "next": None}
    card.get_by_label("Token name").fill("Old laptop")
    card.get_by_role("button", name="Create token").click()
    expect(page.locator(".token-row")).to_have_count(2)
    page.locator("#api-tokens").scroll_into_view_if_needed()
    shoot(page, "settings-tokens")
    page.locator(".token-row", has_text="Phone shortcut").get_by_role("button", name="Revoke").click()
    expect(page.locator(".token-row")).to_have_count(1)
    assert page.request.get(live_server.url + "/api/v1/sessions",
                            headers={"Authorization": f"Bearer {raw}"}).status == 401
    assert console_errors == [], console_errors


def test_date_time_fields_have_room_for_the_whole_time_at_desktop_width(live_server, browser):
    """A datetime-local field shows the browser's own format: AM/PM in an en-US browser (the longest),
    24 h in an en-GB one (Chromium follows its UI language, not the page's `lang`). At desktop width
    the field must show all of it, and the prefilled times go in as they are."""
    context = browser.new_context(viewport={"width": 1366, "height": 850}, locale="en-US", timezone_id="Europe/Berlin")
    page = context.new_page()
    sign_in(live_server, page, "clockus")
    with live_server.app.app_context():
        user = db.session.query(User).filter_by(username="clockus").one()
        session_id = add_sample(user, utcnow() - timedelta(minutes=50, seconds=25), 25).id
    page.goto(live_server.url + f"/history/{session_id}/interruptions/new")
    for label in ("From", "Until"):
        field = page.get_by_label(label)
        # Chromium needs about 14.5rem for "12/31/2026, 11:45 PM" and its calendar button.
        assert field.bounding_box()["width"] >= 15 * 16, label
        assert field.evaluate("e => e.scrollWidth <= e.clientWidth"), label
    page.get_by_role("button", name="Add interruption").click()
    expect(page.get_by_text("Interruption added.")).to_be_visible()
    context.close()
