"""Solo Pomodoro in a real Chromium: start a cycle with an intention, watch the break start, log an
interruption and see the countdown stop and resume, end, check in, and find it in history and insights."""
import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import update

from tests.support.browser import collect_console_errors
from webapp.extensions import db
from webapp.models import FocusSession, Room, utcnow

from tests.browser.test_focus_log_browser import shoot, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def console_errors(page):
    return collect_console_errors(page)


def deadline_in(live_server, code, seconds):
    """Bring the running phase's end close (as the rooms' browser test does): the server's ticker
    then ends it at that deadline, as it would after a full-length phase."""
    with live_server.app.app_context():
        db.session.execute(update(Room).where(Room.code == code, Room.archived_at.is_(None))
                           .values(phase_ends_at=utcnow() + timedelta(seconds=seconds)))
        db.session.commit()


def interrupt(page, kind):
    """One click; the record opens when the socket connects, so a click a moment too early is told to retry."""
    panel = page.locator("#live-now")
    for _ in range(20):
        panel.get_by_role("button", name=kind).click()
        expect(panel).to_contain_text(re.compile(f"Interrupted: {kind}|still connecting"))
        if f"Interrupted: {kind}" in panel.inner_text():
            return
        page.wait_for_timeout(250)
    expect(panel).to_contain_text(f"Interrupted: {kind}")


def test_a_solo_pomodoro_from_intention_to_check_in(live_server, page, console_errors):
    sign_in(live_server, page, "sol")
    with live_server.app.app_context():
        from webapp.focus import services
        from webapp.models import User
        services.create_task(db.session.query(User).filter_by(username="sol").one(), title="Lab report",
                             estimated_pomodoros=2)
    page.goto(live_server.url + "/focus")
    expect(page.get_by_role("heading", name="Solo focus")).to_be_visible()
    expect(page.get_by_text("25 min focus · 5 min breaks · 4 focuses")).to_be_visible()
    shoot(page, "focus-start")
    page.get_by_label("Focus minutes").fill("0")
    page.get_by_role("button", name="Start focusing").click()
    expect(page.get_by_text("Choose between 1 and 180 minutes.")).to_be_visible()

    page.get_by_label("Intention (optional)").fill("Draft section 2")
    page.get_by_label("Focus minutes").fill("1")
    page.get_by_label("Working on").select_option(label="Lab report")
    page.locator("summary", has_text="Your rhythm").click()
    page.get_by_label("Focuses in this session").fill("2")
    page.get_by_label("Short break minutes").fill("1")
    expect(page.get_by_label("Start breaks automatically")).to_be_checked()
    shoot(page, "focus-start-rhythm")
    page.get_by_role("button", name="Start focusing").click()

    expect(page).to_have_url(re.compile(r"/r/[A-Z0-9]{6}$"))  # a private room of one
    code = page.url.rsplit("/", 1)[1]
    timer = page.locator(".room-timer")
    expect(page.locator(".connection")).to_have_attribute("data-state", "open")
    expect(timer).to_have_attribute("data-status", "running")
    expect(timer.locator(".timer-phase")).to_have_text(re.compile(r"^\s*Focus 1 of 2\s*$"))
    expect(page.locator(".solo-intention")).to_contain_text("Draft section 2")
    expect(page.locator(".solo-about")).to_contain_text("1 minute of focus on Lab report, 2 times")
    expect(page.locator("main")).not_to_contain_text("Round", use_inner_text=True)
    expect(page.locator("main")).not_to_contain_text("host", use_inner_text=True)
    expect(page.locator(".countdown")).to_have_text(re.compile(r"^(00:\d\d|01:00)$"))
    expect(timer).to_have_attribute("data-ends-at", re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$"))
    expect(timer).to_have_attribute("data-work-seconds", "60")

    # An interruption holds the countdown; "I'm back" lets it run again from where it stood.
    interrupt(page, "Phone")
    expect(timer).to_have_attribute("data-status", "paused")
    frozen = page.locator(".countdown").inner_text()
    page.wait_for_timeout(1500)
    expect(page.locator(".countdown")).to_have_text(frozen)
    shoot(page, "focus-solo-interrupted")
    page.locator("#live-now").get_by_role("button", name="I'm back").click()
    expect(page.locator("#live-now")).to_contain_text("Welcome back.")
    expect(timer).to_have_attribute("data-status", "running")
    expect(page.locator(".countdown")).not_to_have_text(frozen)

    # Muted (the choice outlives a reload), the focus ends at its deadline: the break starts on its own, silently.
    mute = page.get_by_role("button", name="Mute chime")
    mute.click()  # this click also lets the page play sound
    expect(mute).to_have_attribute("aria-pressed", "true")
    page.reload()
    expect(page.locator(".connection")).to_have_attribute("data-state", "open")
    expect(mute).to_have_attribute("aria-pressed", "true")
    page.locator(".room-timer").click()  # a gesture on the new page, so it may play sound
    deadline_in(live_server, code, 2)
    expect(timer).to_have_attribute("data-phase", "short_break", timeout=8000)
    expect(timer).to_have_attribute("data-status", "running")
    expect(timer.locator(".timer-phase")).to_contain_text("Short break · next: focus 2 of 2")
    assert not page.evaluate("() => window.Focusroom.chimes")
    shoot(page, "focus-solo-break")

    # Sound back on; skipping the rest of the break starts focus 2, with a chime.
    mute.click()
    expect(mute).to_have_attribute("aria-pressed", "false")
    page.get_by_role("button", name="Skip the break").click()
    expect(timer).to_have_attribute("data-phase", "work")
    expect(timer.locator(".timer-phase")).to_contain_text("Focus 2 of 2")
    page.wait_for_function("() => window.Focusroom.chimes === 1")  # the phase change's chime, once

    page.get_by_role("button", name="End session").click()
    expect(page).to_have_url(re.compile(f"/r/{code}$"))
    expect(page.get_by_text("Session ended. It is in your history.")).to_be_visible()
    checkin = page.locator("#solo-checkin")
    expect(checkin).to_contain_text("Did you do what you set out to do?")
    shoot(page, "focus-solo-checkin")
    checkin.get_by_role("button", name="Done", exact=True).click()
    expect(page.locator("#solo-checkin")).to_contain_text("You said: done. Thanks!")
    expect(page.locator("#solo-checkin").get_by_role("button", name="Done", exact=True)).to_have_attribute("aria-pressed", "true")

    page.get_by_role("button", name="See it in your history").click()
    entry = page.locator("article.log-session").first
    expect(entry).to_contain_text("Solo")
    expect(entry).to_contain_text("Draft section 2")
    expect(entry.locator(".badge-checkin")).to_have_text("Done")
    first = page.locator("article.log-session").last
    expect(first.locator("li.interruption")).to_contain_text("Phone")
    shoot(page, "focus-solo-history")
    with live_server.app.app_context():
        records = db.session.query(FocusSession).order_by(FocusSession.start_time).all()
        # Focus 2 ended a moment after it began: kept when a second of it was counted.
        assert [r.round for r in records] in ([1], [1, 2])
        assert {(r.intention, r.checkin) for r in records} == {("Draft section 2", "done")}
        phone = records[0].interruptions[0]
        assert phone.type == "phone" and phone.duration is not None and phone.duration >= 1

    page.goto(live_server.url + "/insights?range=all")
    expect(page.locator(".checkins")).to_contain_text("Done")
    expect(page.locator('[data-checkin="done"]')).to_have_text("1")

    # The rhythm is remembered, and the mute choice too (in this browser).
    page.goto(live_server.url + "/focus")
    expect(page.get_by_label("Focus minutes")).to_have_value("1")
    expect(page.get_by_text("1 min focus · 1 min breaks · 2 focuses")).to_be_visible()
    page.goto(live_server.url + "/today")
    expect(page.get_by_role("button", name="Start a 1-minute focus")).to_be_visible()
    assert console_errors == [], console_errors
