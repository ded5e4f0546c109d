"""Two people in two browsers share one room from a link and see the same server-owned timer."""
import re
import time
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import update

from tests.support.browser import collect_console_errors
from tests.support.factories import DEFAULT_PASSWORD, make_user
from webapp.extensions import db
from webapp.models import Room, utcnow

pytestmark = pytest.mark.browser


def seconds_shown(page, code) -> int:
    minutes, seconds = page.locator(f"#room-{code}-timer .countdown").inner_text().split(":")
    return int(minutes) * 60 + int(seconds)


def sign_in(page, server, username):
    page.goto(server.url + "/login")
    page.get_by_label("Username or email").fill(username)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_host_and_guest_share_one_timer(live_server, browser):
    with live_server.app.app_context():
        make_user("hosta", display_name="Hosta")
    host_context, guest_context = browser.new_context(), browser.new_context()
    host, guest = host_context.new_page(), guest_context.new_page()
    host_errors, guest_errors = collect_console_errors(host), collect_console_errors(guest)

    # The host creates a room with the form's defaults.
    sign_in(host, live_server, "hosta")
    host.goto(live_server.url + "/rooms/new")
    host.get_by_label("Room name").fill("Pairing sprint")
    host.get_by_role("button", name="Create the room").click()
    code = re.search(r"/r/([A-Z0-9]{6})$", host.url).group(1)
    expect(host.locator(f"#room-{code}-connection")).to_have_attribute("data-state", "open")
    link = host.locator(f"#room-{code}-link").input_value()

    # A guest opens the link: a name, a click, and they are in.
    guest.goto(link)
    guest.get_by_label("Your name").fill("Gia")
    guest.get_by_role("button", name="Join the room").click()
    expect(guest.locator(f"#room-{code}-connection")).to_have_attribute("data-state", "open")
    expect(host.locator(f"#room-{code}-participants")).to_contain_text("Gia")
    expect(guest.locator(f"#room-{code}-participants .badge-host")).to_have_count(1)

    # Only the host has controls; Space starts the timer for the host.
    expect(guest.locator(f"#room-{code}-controls button")).to_have_count(0)
    host.locator("body").press("Space")
    for page in (host, guest):
        expect(page.locator(f"#room-{code}-timer")).to_have_attribute("data-status", "running")
    time.sleep(1.2)
    assert abs(seconds_shown(host, code) - seconds_shown(guest, code)) <= 1
    assert 24 * 60 < seconds_shown(guest, code) < 25 * 60
    expect(guest).to_have_title(re.compile(r"^24:\d\d · Work · Pairing sprint$"))

    # Forged control requests from the guest are refused, over HTTP and over the socket.
    token = guest.evaluate("() => JSON.parse(document.body.getAttribute('hx-headers'))['X-CSRFToken']")
    status = guest.evaluate("""([code, token]) => fetch(`/r/${code}/control/pause`,
        {method: "POST", headers: {"X-CSRFToken": token}}).then(r => r.status)""", [code, token])
    assert status == 403
    guest.evaluate("() => window.Focusroom.roomSocketSend({type: 'control', action: 'pause'})")
    expect(guest.locator(f"#room-{code}-notice")).to_contain_text("Only the host can control the timer.")
    expect(host.locator(f"#room-{code}-timer")).to_have_attribute("data-status", "running")

    # Pause and resume reach both screens; the paused countdown stands still.
    host.get_by_role("button", name="Pause", exact=True).click()
    for page in (host, guest):
        expect(page.locator(f"#room-{code}-timer")).to_have_attribute("data-status", "paused")
        expect(page.locator(f"#room-{code}-participants")).to_contain_text("paused")
    frozen = seconds_shown(guest, code)
    time.sleep(1.5)
    assert seconds_shown(guest, code) == frozen
    host.get_by_role("button", name="Resume").click()
    for page in (host, guest):
        expect(page.locator(f"#room-{code}-timer")).to_have_attribute("data-status", "running")

    # A work phase about to end (moved close by the server) turns into a break at its deadline.
    with live_server.app.app_context():
        db.session.execute(update(Room).where(Room.code == code)
                           .values(phase_ends_at=utcnow() + timedelta(seconds=3)))
        db.session.commit()
    for page in (host, guest):  # the once-a-second update corrects every screen
        expect(page.locator(f"#room-{code}-timer .countdown")).to_have_text(re.compile(r"^00:0[0-3]$"), timeout=3000)
    for page in (host, guest):
        expect(page.locator(f"#room-{code}-timer")).to_have_attribute("data-phase", "short_break", timeout=6000)
        expect(page.locator(f"#room-{code}-announce")).to_contain_text("Short break")
    expect(guest).to_have_title(re.compile(r"^0[45]:\d\d · Short break · Pairing sprint$"))
    expect(guest.locator(f"#room-{code}-participants")).to_contain_text("on break")

    assert host_errors == [] and guest_errors == []
    host_context.close(), guest_context.close()


def test_the_host_role_passes_on_when_the_host_leaves(live_server, browser):
    with live_server.app.app_context():
        make_user("leaver", display_name="Leaver")
        make_user("stayer", display_name="Stayer")
    pages = {}
    for name in ("leaver", "stayer"):
        pages[name] = browser.new_context().new_page()
        sign_in(pages[name], live_server, name)
    leaver, stayer = pages["leaver"], pages["stayer"]
    leaver.goto(live_server.url + "/rooms/new")
    leaver.get_by_label("Room name").fill("Hand-over")
    leaver.get_by_role("button", name="Create the room").click()
    code = leaver.url.rsplit("/", 1)[1]
    stayer.goto(live_server.url + "/")  # Today, for a signed-in person
    stayer.get_by_label("Join with a code").fill(code.lower())
    stayer.get_by_role("button", name="Join", exact=True).click()
    stayer.get_by_role("button", name="Join the room").click()
    expect(stayer.locator(f"#room-{code}-connection")).to_have_attribute("data-state", "open")
    leaver.get_by_role("button", name="Leave room").click()
    expect(leaver.locator("main")).to_contain_text("Stayer takes over the timer when you leave")
    leaver.get_by_role("button", name="Leave and hand over to Stayer").click()
    expect(stayer.locator(f"#room-{code}-controls")).to_contain_text("You are the host")
    expect(stayer.locator(f"#room-{code}-announce")).to_contain_text("Stayer is now the host.")
    expect(stayer.locator(f"#room-{code}-participants li", has_text="Leaver")).to_contain_text("left")
    expect(stayer.locator(f"#room-{code}-heading")).to_contain_text("Hosted by Stayer")
    expect(stayer.locator(f"#room-{code}-timer")).to_contain_text("Start when everyone is here")
    expect(stayer.locator(f"#room-{code}-me")).to_contain_text("Leave room")
