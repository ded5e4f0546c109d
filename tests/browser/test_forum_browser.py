"""The community in a real Chromium: write with preview, reply and reply to a reply in place,
like, search, and a moderator hides the post so a member no longer sees it."""
import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.support.browser import collect_console_errors
from tests.support.factories import DEFAULT_PASSWORD, make_user
from webapp.models import utcnow

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def people(live_server):
    with live_server.app.app_context():
        earlier = utcnow() - timedelta(days=5)
        make_user("writer", created_at=earlier)
        make_user("reader", created_at=earlier)
        make_user("keeper", created_at=earlier, role="moderator")
    return live_server


def sign_in(browser, server, username):
    context = browser.new_context(viewport={"width": 390, "height": 844}, timezone_id="Europe/Berlin")
    page = context.new_page()
    errors = collect_console_errors(page)
    page.goto(server.url + "/login")
    page.fill("#login", username)
    page.fill("#password", DEFAULT_PASSWORD)
    page.click("button[type=submit]")
    expect(page.get_by_text(re.compile("Welcome back"))).to_be_visible()
    return page, errors


def test_write_reply_like_search_and_moderate(people, browser):
    server = people
    page, errors = sign_in(browser, server, "writer")
    page.get_by_role("link", name="Community").click()
    page.get_by_role("button", name="New post").click()
    page.get_by_label("Category").select_option("writing")
    page.get_by_label("Title").fill("Thesis sprint in December")
    page.get_by_label("Post").fill("Who is **writing** a thesis this month? <script>alert(1)</script>")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#preview strong")).to_have_text("writing")
    expect(page.locator("#preview")).to_contain_text("<script>alert(1)</script>")
    page.get_by_role("button", name="Post", exact=True).click()
    expect(page.get_by_role("heading", name="Thesis sprint in December")).to_be_visible()
    post_url = page.url

    page.evaluate("window.stayedOnPage = true")
    page.get_by_label("Your reply").fill("Me! Chapter two.")
    page.get_by_role("button", name="Post reply").click()
    first = page.locator("#replies-root > li.comment").first
    expect(first).to_contain_text("Me! Chapter two.")
    first.get_by_role("link", name="Reply").click()
    first.get_by_label("Your reply").fill("Replying to myself, *nested*.")
    first.get_by_role("button", name="Reply", exact=True).click()
    nested = first.locator("ol.replies > li.comment")
    expect(nested).to_contain_text("Replying to myself, nested.")
    expect(nested.locator("em")).to_have_text("nested")
    assert page.evaluate("window.stayedOnPage") is True  # no reload: the replies came in place

    like = page.locator("#like-post-" + post_url.rsplit("/", 1)[1] + " button")
    like.click()
    expect(page.locator("#like-post-" + post_url.rsplit("/", 1)[1] + " button")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#like-post-" + post_url.rsplit("/", 1)[1] + " .like-count")).to_have_text("1")
    page.locator("#like-post-" + post_url.rsplit("/", 1)[1] + " button").click()
    expect(page.locator("#like-post-" + post_url.rsplit("/", 1)[1] + " .like-count")).to_have_text("0")
    assert page.evaluate("window.stayedOnPage") is True

    page.get_by_label("Search the community").fill("thesis month")
    page.get_by_label("Search the community").press("Enter")
    result = page.locator(".search-hit").first
    expect(result.locator("mark").first).to_be_visible()
    result.get_by_role("link").click()
    assert page.url == post_url

    reader, reader_errors = sign_in(browser, server, "reader")
    reader.goto(post_url)
    expect(reader.get_by_role("heading", name="Thesis sprint in December")).to_be_visible()

    keeper, keeper_errors = sign_in(browser, server, "keeper")
    keeper.goto(post_url)
    keeper.get_by_role("button", name="Hide").first.click()
    expect(keeper.get_by_text("Post hidden.")).to_be_visible()

    response = reader.goto(post_url)
    assert response.status == 404
    reader.goto(server.url + "/community/")
    expect(reader.get_by_text("Thesis sprint in December")).to_have_count(0)
    assert errors == [] and reader_errors == [] and keeper_errors == []
