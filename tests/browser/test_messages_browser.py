"""Direct messages in a real Chromium, two people in two contexts: a message arrives live in the
open conversation, the badge on another page goes 1 -> 0 when it is read, "Seen" appears for the
sender, and a block refuses the next message with a clear reason."""
import re

import pytest
from playwright.sync_api import expect

from tests.support.browser import collect_console_errors
from tests.support.factories import DEFAULT_PASSWORD, make_user
from webapp.messages import services
from webapp.models import utcnow

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def people(live_server):
    with live_server.app.app_context():
        ann, bob = make_user("annb", display_name="Ann"), make_user("bobb", display_name="Bob")
        conversation_id = services.send_to(ann, bob, "hi Bob, room tomorrow?", utcnow()).conversation_id
        services.mark_read(bob, conversation_id, None, utcnow())
    return live_server, conversation_id


def sign_in(browser, server, username, width=390, height=844):
    context = browser.new_context(viewport={"width": width, "height": height}, timezone_id="Europe/Berlin")
    context.add_init_script(LIVE_READY)
    page = context.new_page()
    errors = collect_console_errors(page)
    page.goto(server.url + "/login")
    page.fill("#login", username)
    page.fill("#password", DEFAULT_PASSWORD)
    page.click("button[type=submit]")
    expect(page.get_by_text(re.compile("Welcome back"))).to_be_visible()
    return context, page, errors


# The socket's first message is the whole state, sent once it is subscribed: from then on
# nothing published to this person can be missed.
LIVE_READY = "document.addEventListener('htmx:wsAfterMessage', () => { window.liveReady = true; });"


def live_channel_open(page):
    page.wait_for_function("() => window.liveReady === true")


def test_two_people_message_live_with_honest_badges_seen_and_blocking(people, browser):
    server, conversation_id = people
    ann_context, ann, ann_errors = sign_in(browser, server, "annb", 1366, 850)
    bob_context, bob, bob_errors = sign_in(browser, server, "bobb")
    conversation = f"{server.url}/messages/c/{conversation_id}"
    ann.goto(conversation)
    bob.goto(conversation)
    bob_elsewhere = bob_context.new_page()
    bob_elsewhere_errors = collect_console_errors(bob_elsewhere)
    bob_elsewhere.goto(server.url + "/settings")
    for page in (ann, bob, bob_elsewhere):
        live_channel_open(page)
    badge = bob_elsewhere.locator("#messages-badge")
    expect(badge).to_be_hidden()

    # Ann sends with Enter; Shift+Enter made a new line in the same message.
    composer = ann.get_by_label("Message to Bob")
    composer.fill("Same time tomorrow?")
    composer.press("Shift+Enter")
    composer.type("9:00, https://example.com/plan")
    composer.press("Enter")
    mine = ann.locator(".message.mine").last
    expect(mine).to_contain_text("Same time tomorrow?\n9:00")
    expect(ann.get_by_label("Message to Bob")).to_have_value("")
    expect(ann.locator(".message.mine")).to_have_count(2)  # once, though it came twice (answer + live)

    # Bob's open conversation shows it at once, the link clickable; his other page counts it.
    theirs = bob.locator(".message.theirs").last
    expect(theirs).to_contain_text("Same time tomorrow?")
    expect(theirs.get_by_role("link", name="https://example.com/plan")).to_be_visible()
    # Reading it in the open conversation clears the badge on his other page, and Ann sees "Seen".
    expect(badge).to_be_hidden()
    expect(ann.locator(f"#conversation-{conversation_id}-seen")).to_have_text("Seen")

    # With the conversation closed, a new message lights the badge (1) and a toast; opening it: 0.
    bob.goto(server.url + "/messages")
    live_channel_open(bob)
    composer.fill("Bring coffee")
    composer.press("Enter")
    expect(badge).to_have_text(re.compile(r"^1\s*unread$"))
    expect(bob_elsewhere.locator("#toasts .toast").last).to_contain_text("New message from Ann")
    bob.get_by_role("link", name=re.compile("Ann")).first.click()
    expect(bob.locator(".message.theirs").last).to_contain_text("Bring coffee")
    expect(badge).to_be_hidden()

    # Bob blocks Ann; her next message is refused with a clear reason, and nothing is added.
    bob.get_by_text("More").click()
    bob.once("dialog", lambda dialog: dialog.accept())
    bob.get_by_role("button", name="Block Ann").click()
    expect(bob.get_by_text(re.compile("You blocked Ann"))).to_be_visible()
    composer.fill("Hello?")
    composer.press("Enter")
    expect(ann.get_by_role("alert")).to_have_text("Bob is not accepting messages from you.")
    expect(ann.get_by_label("Message to Bob")).to_have_value("Hello?")
    expect(ann.locator(".message.mine")).to_have_count(3)

    # Ann deletes her last message (after confirming): "message deleted" in place of its text.
    ann.once("dialog", lambda dialog: dialog.accept())
    ann.locator(".message.mine").last.get_by_role("link", name="Delete").click()
    expect(ann.locator(".message.mine").last).to_contain_text("message deleted")
    expect(ann.locator(".message.mine").last).not_to_contain_text("Bring coffee")

    assert ann_errors == [] and bob_errors == [] and bob_elsewhere_errors == []
    ann_context.close()
    bob_context.close()


def test_guests_are_invited_to_create_an_account(people, browser):
    server, _ = people
    context = browser.new_context()
    page = context.new_page()
    page.goto(server.url + "/guest")
    page.get_by_label("Your name").fill("Visitor")
    page.get_by_role("button", name=re.compile("Continue|Join|Start")).first.click()
    page.goto(server.url + "/messages")
    expect(page.get_by_text("Messages are for people with an account.")).to_be_visible()
    expect(page.get_by_role("button", name="Create my account")).to_have_attribute("href", "/register")
    assert page.locator("#live-channel").count() == 0
    context.close()
