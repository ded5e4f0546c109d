"""A new person signs up, signs out, signs in and edits their profile in a real Chromium."""
import re

import pytest
from playwright.sync_api import expect

from webapp.extensions import db
from webapp.models import User

pytestmark = pytest.mark.browser


from tests.support.browser import collect_console_errors


@pytest.fixture
def console_errors(page):
    return collect_console_errors(page)


def test_sign_up_sign_out_sign_in_and_edit_profile(live_server, page, console_errors):
    page.goto(live_server.url + "/")
    page.get_by_role("button", name="Sign up").click()
    page.get_by_label("Username").fill("Maya")
    page.get_by_label("Email").fill("maya@example.com")
    page.get_by_label("Password", exact=True).fill("a quiet morning 42")
    page.get_by_label("Repeat password").fill("a quiet morning 42")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text("Welcome to Focusroom, maya!")).to_be_visible()

    with live_server.app.app_context():
        assert db.session.query(User).filter_by(username="maya").one().timezone == "Europe/Berlin"

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You are signed out.")).to_be_visible()

    page.get_by_role("link", name="Sign in").first.click()
    page.get_by_label("Username or email").fill("maya@example.com")
    page.get_by_label("Password").fill("not my password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_have_text(re.compile("do not match an account"))

    page.get_by_label("Password").fill("a quiet morning 42")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Welcome back, maya.")).to_be_visible()

    page.get_by_role("link", name="Settings").click()
    page.get_by_label("Display name").fill("Maya K.")
    page.get_by_label("Bio").fill("Thesis writing, mornings.")
    page.get_by_label("Time zone").fill("Asia/Kolkata")  # a searchable text field with a datalist now
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Your profile is saved.")).to_be_visible()

    page.goto(live_server.url + "/u/maya")
    expect(page.get_by_role("heading", name="Maya K.")).to_be_visible()
    expect(page.get_by_text("Thesis writing, mornings.")).to_be_visible()
    expect(page.get_by_text("Asia/Kolkata".replace("_", " "))).to_be_visible()
    assert console_errors == []


def test_sign_up_errors_appear_next_to_their_fields(live_server, page, console_errors):
    page.goto(live_server.url + "/register")
    page.get_by_label("Username").fill("x")
    page.get_by_label("Email").fill("nope")
    page.get_by_label("Password", exact=True).fill("password")
    page.get_by_label("Repeat password").fill("password")
    page.get_by_role("button", name="Create account").click()
    expect(page.locator("#username-error")).to_contain_text("3 to 30 letters")
    expect(page.locator("#email-error")).to_contain_text("valid email")
    expect(page.locator("#password-error")).to_be_visible()
    expect(page.get_by_label("Email")).to_have_value("nope")  # nothing the person typed is lost
    assert console_errors == []


def test_guest_continues_with_only_a_name(live_server, page, console_errors):
    page.goto(live_server.url + "/guest")
    page.get_by_label("Your name").fill("Robin")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("Robin (guest)")).to_be_visible()
    page.reload()
    expect(page.get_by_text("Robin (guest)")).to_be_visible()
    assert console_errors == []
