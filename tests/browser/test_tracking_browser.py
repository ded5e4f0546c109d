"""Two people in two browsers: a hidden tab shows "away" (and a tab switch), no input shows "idle",
input makes the person focusing again, and strict mode fails someone who stays away while
answering "What pulled you away?" in time logs an interruption instead."""
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select, update

from tests.support.browser import collect_console_errors
from tests.support.factories import DEFAULT_PASSWORD, make_user
from webapp.extensions import db
from webapp.models import Interruption, Room, utcnow
from webapp.rooms import services

pytestmark = pytest.mark.browser

HIDE = """() => {
  Object.defineProperty(document, "visibilityState", {value: "hidden", configurable: true});
  Object.defineProperty(document, "hidden", {value: true, configurable: true});
  document.dispatchEvent(new Event("visibilitychange"));
}"""
SHOW = """() => {
  Object.defineProperty(document, "visibilityState", {value: "visible", configurable: true});
  Object.defineProperty(document, "hidden", {value: false, configurable: true});
  document.dispatchEvent(new Event("visibilitychange"));
}"""


def room_with(server, host_name, *others, **settings):
    """A room made by `host_name` with `others` in it; returns its code."""
    with server.app.app_context():
        host = make_user(host_name, display_name=host_name.title())
        room = services.create_room(host, {"name": f"{host_name.title()}'s room", **settings}, utcnow())
        for name in others:
            services.join(room, make_user(name, display_name=name.title()), utcnow())
        return room.code


def open_room(browser, server, username, code):
    page = browser.new_context().new_page()
    errors = collect_console_errors(page)
    page.goto(server.url + "/login")
    page.get_by_label("Username or email").fill(username)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{server.url}/r/{code}")
    expect(page.locator(f"#room-{code}-connection")).to_have_attribute("data-state", "open")
    return page, errors


def person(page, code, name):
    return page.locator(f"#room-{code}-participants li", has_text=name)


def api_person(page, code, name):
    people = page.evaluate(f"() => fetch('/api/v1/rooms/{code}').then(r => r.json())")["participants"]
    return next(p for p in people if p["name"] == name)


def test_away_idle_and_back_are_seen_by_the_other_browser(live_server, browser):
    code = room_with(live_server, "ada", "ben", idle_threshold_seconds=10)
    ada, ada_errors = open_room(browser, live_server, "ada", code)
    ben, ben_errors = open_room(browser, live_server, "ben", code)
    expect(ada.locator(f"#room-{code}-tracking-rules")).to_contain_text("Idle after 10 s without input")
    ada.get_by_role("button", name="Start work").click()
    expect(person(ben, code, "Ada")).to_contain_text("focusing")

    # Ben switches tabs: Ada sees him away, with one tab switch.
    ben.evaluate(HIDE)
    expect(person(ada, code, "Ben")).to_contain_text("away", timeout=4000)
    expect(person(ada, code, "Ben")).to_contain_text("1 tab switch")
    ben.evaluate(SHOW)
    expect(person(ada, code, "Ben")).to_contain_text("focusing", timeout=4000)

    # Ada stops touching anything: once the 10 s threshold has passed, Ben sees her idle.
    expect(person(ben, code, "Ada")).to_contain_text("idle", timeout=15000)
    ada.mouse.move(200, 200)
    ada.mouse.move(240, 260)
    expect(person(ben, code, "Ada")).to_contain_text("focusing", timeout=4000)

    # Their numbers add up, and nobody reported a single second from the browser.
    for name in ("Ada", "Ben"):
        figures = api_person(ben, code, name)
        assert figures["elapsed_seconds"] == figures["active_seconds"] + figures["idle_seconds"]
        assert figures["elapsed_seconds"] >= 10
    assert api_person(ben, code, "Ben")["tab_switches"] == 1
    assert ada_errors == [] and ben_errors == []


def test_strict_mode_fails_who_stays_away_and_asks_who_comes_back_in_time(live_server, browser):
    code = room_with(live_server, "cleo", "dan", "eve", strict_mode=True, grace_seconds=10)
    cleo, cleo_errors = open_room(browser, live_server, "cleo", code)
    dan, dan_errors = open_room(browser, live_server, "dan", code)
    eve, eve_errors = open_room(browser, live_server, "eve", code)
    expect(cleo.locator(f"#room-{code}-tracking-rules")).to_contain_text("Strict mode: away for more than 10 s")
    cleo.get_by_role("button", name="Start work").click()
    expect(person(dan, code, "Cleo")).to_contain_text("focusing")

    # Eve leaves the tab for a few seconds and comes back in time: she is asked, and answers.
    eve.evaluate(HIDE)
    dan.evaluate(HIDE)
    expect(person(cleo, code, "Eve")).to_contain_text("away", timeout=4000)
    eve.wait_for_timeout(6000)  # long enough to be asked (5 s), short of the 10 s grace
    eve.evaluate(SHOW)
    dialog = eve.get_by_role("dialog", name="What pulled you away?")
    expect(dialog).to_be_visible(timeout=4000)
    dialog.get_by_role("button", name="Phone").click()
    expect(eve.locator(f"#room-{code}-away-prompt")).to_contain_text("Logged: Phone")

    # Dan stays away past the 10 s grace window: everyone sees that he failed this phase.
    for page in (cleo, eve):
        expect(person(page, code, "Dan")).to_contain_text("failed", timeout=15000)
    expect(person(cleo, code, "Eve")).not_to_contain_text("failed")
    dan.evaluate(SHOW)
    expect(dan.get_by_role("dialog", name="This work phase counts as failed")).to_be_visible(timeout=4000)
    dan.get_by_role("button", name="OK").click()
    expect(dan.get_by_role("dialog")).to_have_count(0)

    with live_server.app.app_context():
        room = db.session.execute(select(Room).where(Room.code == code)).scalar_one()
        logged = db.session.execute(select(Interruption)).scalars().all()
        users = {p.user_id: p.user.display_name for p in room.participants}
        assert [(users[i.user_id], i.type, i.source) for i in logged] == [("Eve", "phone", "live")]
        assert 5 <= logged[0].duration <= 9
    assert cleo_errors == [] and dan_errors == [] and eve_errors == []


def test_at_the_end_of_the_session_the_summary_shows_live_with_the_next_steps(live_server, browser):
    code = room_with(live_server, "finn", "gail", work_minutes=1, rounds=1)
    finn, finn_errors = open_room(browser, live_server, "finn", code)
    gail, gail_errors = open_room(browser, live_server, "gail", code)
    finn.get_by_role("button", name="Start work").click()
    expect(gail.locator(f"#room-{code}-timer")).to_have_attribute("data-status", "running")
    with live_server.app.app_context():  # the last work phase is about to end
        db.session.execute(update(Room).where(Room.code == code)
                           .values(phase_ends_at=utcnow() + timedelta(seconds=2)))
        db.session.commit()
    for page in (finn, gail):
        expect(page.locator(f"#room-{code}-timer")).to_have_attribute("data-status", "completed", timeout=8000)
        # Pushed over the socket at the phase's end: visible at once, without a reload.
        expect(page.locator(f"#room-{code}-summary")).to_be_visible()
        expect(page.locator(f"#room-{code}-summary")).to_contain_text("focus score")
        expect(page.locator(f"#room-{code}-results")).to_contain_text("See everyone's results")
        expect(page.get_by_role("button", name="Back to Today")).to_be_visible()
        expect(page.get_by_role("button", name="Pause just me")).to_be_hidden()
    expect(finn.get_by_role("button", name="Go again with the same people")).to_be_visible()
    expect(finn.get_by_role("button", name="Skip phase")).to_have_count(0)
    finn.wait_for_timeout(5000)  # nobody is moved off the page any more
    assert finn.url.endswith(f"/r/{code}")
    for page in (finn, gail):
        page.get_by_role("button", name="See everyone's results").click()
        page.wait_for_url(f"**/r/{code}/results", timeout=10000)
        expect(page.locator(".result-card h2")).to_have_count(2)
        expect(page.locator(".results-people")).to_contain_text("Gail")
        expect(page.locator(".results-people")).to_contain_text("Finn")
        expect(page.locator(".results-totals")).to_contain_text("1work phase")
    assert finn_errors == [] and gail_errors == []
