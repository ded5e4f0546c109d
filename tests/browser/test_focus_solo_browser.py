"""A solo session in a real Chromium: start it, log an interruption live, end it, find it in history."""
import re

import pytest
from playwright.sync_api import expect

from tests.support.browser import collect_console_errors
from webapp.extensions import db
from webapp.models import FocusSession

from tests.browser.test_focus_log_browser import shoot, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def console_errors(page):
    return collect_console_errors(page)


def test_solo_session_with_a_logged_interruption_shows_up_in_history(live_server, page, console_errors):
    sign_in(live_server, page, "sol")
    with live_server.app.app_context():
        from webapp.focus import services
        from webapp.models import User
        services.create_task(db.session.query(User).filter_by(username="sol").one(), title="Lab report",
                             estimated_pomodoros=2)
    page.goto(live_server.url + "/focus")
    expect(page.get_by_role("heading", name="Solo focus")).to_be_visible()
    shoot(page, "focus-start")
    page.get_by_label("Minutes").fill("0")
    page.get_by_role("button", name="Start focusing").click()
    expect(page.get_by_text("Choose between 1 and 180 minutes.")).to_be_visible()

    page.get_by_label("Minutes").fill("20")
    page.get_by_label("Working on").select_option(label="Lab report")
    page.get_by_role("button", name="Start focusing").click()
    expect(page).to_have_url(re.compile(r"/r/[A-Z0-9]{6}$"))  # a private room of one
    expect(page.locator(".connection")).to_have_attribute("data-state", "open")
    expect(page.locator(".room-timer")).to_have_attribute("data-status", "running")
    expect(page.locator(".solo-about")).to_contain_text("20 minutes of focus on Lab report")
    countdown = page.locator(".countdown")
    expect(countdown).to_have_text(re.compile(r"^(19|20):\d\d$"))

    panel = page.locator("#live-now")
    # The record opens when the socket connects; a click a moment too early is told to retry.
    for _ in range(20):
        panel.get_by_role("button", name="Phone").click()
        expect(panel).to_contain_text(re.compile("Interrupted: Phone|still connecting"))
        if "Interrupted: Phone" in panel.inner_text():
            break
        page.wait_for_timeout(250)
    expect(page.locator("#live-now")).to_contain_text("Interrupted: Phone")
    shoot(page, "focus-solo-interrupted")
    page.locator("#live-now").get_by_role("button", name="I'm back").click()
    expect(page.locator("#live-now")).to_contain_text("Welcome back.")
    expect(page.locator("#live-now").get_by_role("button", name="Noise")).to_be_visible()
    shoot(page, "focus-solo")

    page.get_by_role("button", name="End session").click()
    expect(page.get_by_text("Session ended. Here it is in your history.")).to_be_visible()
    entry = page.locator("article.log-session").first
    expect(entry).to_contain_text("Solo")
    expect(entry).to_contain_text("Lab report")
    expect(entry.locator("li.interruption")).to_contain_text("Phone")
    expect(entry.locator(".score")).to_have_text(re.compile(r"^\d+$"))
    with live_server.app.app_context():
        record = db.session.query(FocusSession).one()
        assert (record.source, record.room.is_solo, record.target_seconds) == ("solo", True, 1200)
        assert [i.type for i in record.interruptions] == ["phone"]
        assert all(i.end_time is not None for i in record.interruptions)

    page.goto(live_server.url + "/focus")
    expect(page.get_by_role("button", name="Start focusing")).to_be_visible()
    expect(page.get_by_role("heading", name="Your last session")).to_be_visible()
    assert console_errors == [], console_errors
