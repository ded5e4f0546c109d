"""Forgot password end to end: the mailed link (read from the log), one hour, one use, no enumeration."""
import re
import time
from datetime import timedelta
from urllib.parse import urlsplit

import pytest

from tests.conftest import AuthActions, build_app, csrf_token_from
from tests.support import factories
from tests.support.mailbox import Mailbox
from webapp.extensions import db, limiter
from webapp.models import LoginSession, PasswordReset, User

NEW_PASSWORD = "a fresh spring morning 9"


@pytest.fixture(autouse=True)
def fresh_limits(app):
    limiter.reset()


@pytest.fixture
def mailbox():
    with Mailbox() as box:
        yield box


def ask_for_link(client, email):
    token = csrf_token_from(client.get("/forgot-password").get_data(as_text=True))
    return client.post("/forgot-password", data={"email": email, "csrf_token": token})


def choose_password(client, link, password=NEW_PASSWORD, confirm=None):
    path = urlsplit(link).path
    page = client.get(path)
    assert page.status_code == 200
    return client.post(path, data={"password": password, "confirm": confirm or password,
                                   "csrf_token": csrf_token_from(page.get_data(as_text=True))})


def test_the_mailed_link_sets_a_new_password_signs_in_and_ends_every_other_session(app, client, make_user,
                                                                                     signed_in, mailbox):
    user = make_user("grace")
    phone = signed_in(user)
    assert phone.get("/settings").status_code == 200
    response = ask_for_link(client, "Grace@Example.com")
    assert response.status_code == 200 and "Check your email" in response.get_data(as_text=True)

    assert len(mailbox.mails) == 1
    mail = mailbox.mails[0]
    assert "To: grace@example.com" in mail and "Subject: Reset your Focusroom password" in mail
    link = mailbox.last_link()
    assert link.startswith("http://localhost/reset-password/")
    token = link.rsplit("/", 1)[1]
    assert db.session.query(PasswordReset).filter_by(token_hash=token).count() == 0  # only a hash is kept

    response = choose_password(client, link)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your password is changed, and you are signed in." in page
    assert client.get("/settings").status_code == 200          # this browser is signed in
    assert phone.get("/settings").status_code == 302           # the other one is not
    assert db.session.query(LoginSession).filter(LoginSession.revoked_at.is_(None)).count() == 1

    client.post("/logout", data={"csrf_token": csrf_token_from(client.get("/", follow_redirects=True).get_data(as_text=True))})
    assert AuthActions(client).login("grace", NEW_PASSWORD).status_code == 302


def test_a_link_works_once(app, client, make_user, mailbox):
    make_user("grace")
    ask_for_link(client, "grace@example.com")
    link = mailbox.last_link()
    other_tab = app.test_client()
    page = other_tab.get(urlsplit(link).path).get_data(as_text=True)
    assert choose_password(client, link).status_code == 302
    path = urlsplit(link).path
    again = client.get(path)
    assert again.status_code == 410 and "no longer works" in again.get_data(as_text=True)
    # A second submission of the form that was already open changes nothing either.
    stale = other_tab.post(path, data={"password": "another phrase entirely 5", "confirm": "another phrase entirely 5",
                                    "csrf_token": csrf_token_from(page)})
    assert stale.status_code == 410
    client.post("/logout", data={"csrf_token": csrf_token_from(client.get("/", follow_redirects=True).get_data(as_text=True))})
    assert AuthActions(client).login("grace", NEW_PASSWORD).status_code == 302


def test_a_link_expires_after_one_hour(client, make_user, mailbox):
    make_user("grace")
    ask_for_link(client, "grace@example.com")
    link = mailbox.last_link()
    # The clock moves on by an hour: the link was sent an hour and a second ago.
    row = db.session.query(PasswordReset).one()
    row.created_at -= timedelta(hours=1, seconds=1)
    row.expires_at -= timedelta(hours=1, seconds=1)
    db.session.commit()
    page = client.get(urlsplit(link).path)
    assert page.status_code == 410 and "This link has expired" in page.get_data(as_text=True)
    token = csrf_token_from(client.get("/forgot-password").get_data(as_text=True))
    response = client.post(urlsplit(link).path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
                                                      "csrf_token": token})
    assert response.status_code == 410
    assert AuthActions(client).login("grace").status_code == 302  # the old password still works


def test_the_answer_is_the_same_for_unknown_addresses_and_guests(client, make_user, make_guest, mailbox):
    make_user("grace")
    make_guest("Visitor")
    known = ask_for_link(client, "grace@example.com")
    unknown = ask_for_link(client, "nobody@example.com")
    assert known.status_code == unknown.status_code == 200

    def body(response, email):  # the whole page, but for the address and the form token (signed each second)
        html = response.get_data(as_text=True)
        token = re.search(r'"X-CSRFToken":\s*"([^"]+)"', html).group(1)  # the page's htmx header
        return html.replace(email, "EMAIL").replace(token, "TOKEN")
    assert body(known, "grace@example.com") == body(unknown, "nobody@example.com")
    assert len(mailbox.mails) == 1 and db.session.query(PasswordReset).count() == 1


def test_a_bad_address_is_explained_next_to_the_field(client, mailbox):
    response = ask_for_link(client, "not an address")
    assert response.status_code == 422
    assert 'id="email-error"' in response.get_data(as_text=True)
    assert mailbox.mails == []


def test_a_flood_of_requests_sends_three_mails_an_hour_at_most(client, make_user, mailbox):
    make_user("grace")
    for _ in range(4):
        assert ask_for_link(client, "grace@example.com").status_code == 200
    assert len(mailbox.mails) == 3


def test_a_new_password_must_follow_the_rules_and_the_link_stays_usable(client, make_user, mailbox):
    make_user("grace")
    ask_for_link(client, "grace@example.com")
    link = mailbox.last_link()
    response = choose_password(client, link, password="password123")
    assert response.status_code == 422 and "most common" in response.get_data(as_text=True)
    response = choose_password(client, link, password="grace")
    assert 'id="password-error"' in response.get_data(as_text=True)
    response = choose_password(client, link, password="a long phrase here 1", confirm="something else 22")
    assert "The two passwords differ." in response.get_data(as_text=True)
    assert choose_password(client, link).status_code == 302


def test_changing_the_password_in_settings_spends_links_already_mailed(client, auth, make_user, mailbox):
    make_user("grace")
    ask_for_link(client, "grace@example.com")
    link = mailbox.last_link()
    auth.login("grace")
    token = csrf_token_from(client.get("/settings").get_data(as_text=True))
    assert client.post("/settings", data={
        "password-csrf_token": token, "password-current": "correct horse battery",
        "password-password": "a brand new phrase 7", "password-confirm": "a brand new phrase 7",
        "password-submit": "1"}).status_code == 302
    assert client.get(urlsplit(link).path).status_code == 410


def test_unknown_and_malformed_tokens_are_a_clear_410(client):
    for token in ("nope", "x" * 500):
        response = client.get(f"/reset-password/{token}")
        assert response.status_code == 410 and "no longer works" in response.get_data(as_text=True)
    assert client.get("/reset-password/%00").status_code == 404  # control characters: no such path


def test_reset_requests_are_rate_limited_with_the_wait_on_the_page(database_kind):
    app = build_app(database_kind, PASSWORD_RESET_RATE_LIMIT="2 per minute")
    client = app.test_client()
    with app.app_context():
        limiter.reset()
        for _ in range(2):
            assert ask_for_link(client, "someone@example.com").status_code == 200
        response = ask_for_link(client, "someone@example.com")
    html = response.get_data(as_text=True)
    assert response.status_code == 429
    wait = int(response.headers["Retry-After"])
    assert 1 <= wait <= 60
    shown = re.search(r"Please wait (\d+) seconds? and try again", html)
    assert shown and abs(int(shown.group(1)) - wait) <= 1  # computed a moment apart


def test_the_login_page_links_to_the_reset(client):
    assert 'href="/forgot-password"' in client.get("/login").get_data(as_text=True)


def test_in_production_the_lookup_and_the_mail_happen_after_the_answer(database_kind, tmp_path, mailbox):
    # A file database with a real pool: the mail thread gets its own connection, as in production
    # (the in-memory test database shares one connection between threads).
    app = build_app(database_kind, tmp_path, MAIL_BACKGROUND=True)
    client = app.test_client()
    with app.app_context():
        factories.make_user("grace")
    assert ask_for_link(client, "grace@example.com").status_code == 200
    assert ask_for_link(client, "nobody@example.com").status_code == 200
    deadline = time.monotonic() + 10
    while not mailbox.mails and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.2)  # the unknown address's thread, had it mailed anything, would have by now
    assert len(mailbox.mails) == 1 and "To: grace@example.com" in mailbox.mails[0]
    assert choose_password(client, mailbox.last_link()).status_code == 302
