"""The daily loop on a phone: sign up, land on Today, start a solo session in one click; a guest
joins a room from its link in one step; the timer and its controls fit the first screen."""
import re

import pytest
from playwright.sync_api import expect

from tests.support.browser import collect_console_errors
from tests.support.factories import DEFAULT_PASSWORD, make_user

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def test_sign_up_lands_on_today_and_one_click_starts_a_solo_session(live_server, browser):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    errors = collect_console_errors(page)
    page.goto(live_server.url + "/")
    page.get_by_role("button", name="Create a free account").click()  # a link styled as a button
    page.get_by_label("Username").fill("sunny")
    page.get_by_label("Email").fill("sunny@example.com")
    page.get_by_label("Password", exact=True).fill("a quiet morning 42")
    page.get_by_label("Repeat password").fill("a quiet morning 42")
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url("**/today")
    expect(page.get_by_role("heading", name="Welcome to Focusroom")).to_be_visible()
    expect(page.locator("#goal-caption")).to_contain_text("No focus yet today")
    page.get_by_role("button", name="Start a 25-minute focus").click()
    page.wait_for_url(re.compile(r"/r/[A-Z0-9]{6}$"))
    code = page.url.rsplit("/", 1)[1]
    expect(page.locator(f"#room-{code}-timer")).to_have_attribute("data-status", "running")
    page.goto(live_server.url + "/")
    page.wait_for_url("**/today")
    expect(page.get_by_role("button", name="Back to your session")).to_be_visible()
    assert errors == []
    context.close()


def test_a_guest_joins_from_a_link_in_one_step_and_the_timer_fits_a_phone(live_server, browser):
    with live_server.app.app_context():
        make_user("hana", display_name="Hana")
    host_context, guest_context = browser.new_context(**PHONE), browser.new_context(**PHONE)
    host, guest = host_context.new_page(), guest_context.new_page()
    host_errors, guest_errors = collect_console_errors(host), collect_console_errors(guest)
    host.goto(live_server.url + "/login")
    host.get_by_label("Username or email").fill("hana")
    host.get_by_label("Password").fill(DEFAULT_PASSWORD)
    host.get_by_role("button", name="Sign in").click()
    host.wait_for_url("**/today")
    host.goto(live_server.url + "/rooms/new")
    host.get_by_label("Room name").fill("Morning pages")
    host.get_by_role("button", name="Create the room").click()
    code = re.search(r"/r/([A-Z0-9]{6})$", host.url).group(1)
    expect(host.locator(f"#room-{code}-connection")).to_have_attribute("data-state", "open")
    expect(host.locator(f"#room-{code}-timer")).to_contain_text("Start when everyone is here")

    guest.goto(live_server.url + f"/r/{code}")
    guest.get_by_label("Your name").fill("Gia")
    guest.get_by_role("button", name="Join the room").click()
    expect(guest.locator(f"#room-{code}-connection")).to_have_attribute("data-state", "open")
    expect(guest.locator(f"#room-{code}-heading")).to_contain_text("Hosted by Hana")
    expect(guest.locator(f"#room-{code}-heading")).to_contain_text("25 min focus · 5 min breaks · 4 rounds")
    expect(guest.locator(f"#room-{code}-timer")).to_contain_text("Waiting for Hana to start")
    expect(host.locator(f"#room-{code}-participants")).to_contain_text("Gia")

    host.get_by_role("button", name="Start work").click()
    expect(guest.locator(f"#room-{code}-timer")).to_have_attribute("data-status", "running")
    # The whole timer and the host's buttons are on the first screen, under the header, not behind it.
    for page, last in ((host, f"#room-{code}-controls .controls-row"), (guest, f"#room-{code}-timer")):
        page.evaluate("window.scrollTo(0, 0)")
        header = page.locator(".site-header").bounding_box()
        countdown = page.locator(f"#room-{code}-timer .countdown").bounding_box()
        bottom = page.locator(last).bounding_box()
        assert countdown["y"] >= header["y"] + header["height"]
        assert bottom["y"] + bottom["height"] <= 844, (page, bottom)
        page.evaluate("window.scrollTo(0, 400)")
        header = page.locator(".site-header").bounding_box()
        countdown = page.locator(f"#room-{code}-timer .countdown").bounding_box()
        assert header["y"] + header["height"] <= countdown["y"] + 1 or header["y"] + header["height"] <= 0
    assert host_errors == [] and guest_errors == []
    host_context.close()
    guest_context.close()
