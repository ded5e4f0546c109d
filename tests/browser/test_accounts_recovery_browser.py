"""Forgot password in a real Chromium: the link from the logged mail, a new password, signed in;
and the settings page's small helpers (the browser's time zone, copying a new API token)."""
import pytest
from playwright.sync_api import expect

from tests.support.browser import collect_console_errors
from tests.support.factories import DEFAULT_PASSWORD, make_user
from tests.support.mailbox import Mailbox

pytestmark = pytest.mark.browser


@pytest.fixture
def console_errors(page):
    return collect_console_errors(page)


def test_forgot_password_link_from_the_log_new_password_signed_in(live_server, page, console_errors):
    with live_server.app.app_context():
        make_user("noor")
    page.goto(live_server.url + "/login")
    page.get_by_role("link", name="Forgot your password?").click()
    with Mailbox() as mailbox:
        page.get_by_label("Email").fill("noor@example.com")
        page.get_by_role("button", name="Send me a link").click()
        expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    link = mailbox.last_link().replace("http://localhost", live_server.url)

    page.goto(link)
    page.get_by_label("New password", exact=True).fill("a calm blue lake 31")
    page.get_by_label("Repeat new password").fill("a calm blue lake 31")
    page.get_by_role("button", name="Save and sign in").click()
    expect(page.get_by_text("Your password is changed, and you are signed in.")).to_be_visible()
    expect(page.get_by_role("link", name="Settings")).to_be_visible()

    page.goto(link)  # a second use
    expect(page.get_by_role("heading", name="This link no longer works")).to_be_visible()
    assert console_errors == []


def test_settings_suggest_the_browser_zone_and_copy_a_new_token(live_server, page, context, console_errors):
    with live_server.app.app_context():
        make_user("omar", timezone="UTC")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page.goto(live_server.url + "/login")
    page.get_by_label("Username or email").fill("omar")
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(live_server.url + "/settings")

    expect(page.get_by_text("Your browser is in Europe/Berlin.")).to_be_visible()
    page.get_by_role("button", name="Use it").click()
    expect(page.get_by_label("Time zone")).to_have_value("Europe/Berlin")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Your profile is saved.")).to_be_visible()
    expect(page.get_by_text("Your browser is in")).to_be_hidden()  # nothing left to suggest
    expect(page.get_by_role("button", name="Sign out everywhere else")).to_be_disabled()

    page.get_by_label("Token name").fill("laptop")
    page.get_by_role("button", name="Create token").click()
    token = page.get_by_label("New API token").input_value()
    page.get_by_role("button", name="Copy").click()
    expect(page.get_by_role("button", name="Copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == token
    assert console_errors == []
