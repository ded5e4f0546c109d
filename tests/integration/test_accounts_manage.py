"""Managing the account itself: e-mail, username, the settings page's small promises."""
import re

import pytest

from tests.conftest import AuthActions, csrf_token_from
from tests.support.mailbox import Mailbox
from webapp.extensions import db
from webapp.models import User


@pytest.fixture
def grace(make_user, client, auth):
    user = make_user("grace")
    auth.login("grace")
    return user


def post_settings(client, path, prefix, **fields):
    token = csrf_token_from(client.get("/settings").get_data(as_text=True))
    data = {f"{prefix}-{name}": value for name, value in fields.items()}
    return client.post(path, data={**data, f"{prefix}-csrf_token": token})


def test_change_email_with_the_current_password(client, auth, grace):
    response = post_settings(client, "/settings/email", "email", email="Grace.H@Example.org",
                             current="correct horse battery")
    assert response.status_code == 302
    db.session.refresh(grace)
    assert grace.email == "grace.h@example.org"
    auth.logout()
    assert auth.login("grace.h@example.org").status_code == 302


def test_change_email_refuses_a_wrong_password_or_an_address_in_use(client, make_user, grace):
    make_user("ada")
    wrong = post_settings(client, "/settings/email", "email", email="new@example.org", current="nope nope nope")
    assert wrong.status_code == 422
    assert 'id="email-current-error"' in wrong.get_data(as_text=True)
    assert "That is not your current password." in wrong.get_data(as_text=True)
    taken = post_settings(client, "/settings/email", "email", email="ADA@example.com", current="correct horse battery")
    html = taken.get_data(as_text=True)
    assert taken.status_code == 422 and 'id="email-email-error"' in html
    assert "Another account uses that email address." in html
    assert 'value="ADA@example.com"' in html  # what was typed stays in the field
    invalid = post_settings(client, "/settings/email", "email", email="not-an-address", current="correct horse battery")
    assert invalid.status_code == 422 and "valid email" in invalid.get_data(as_text=True)
    db.session.refresh(grace)
    assert grace.email == "grace@example.com"


def test_a_new_email_spends_reset_links_sent_to_the_old_one(app, client, grace):
    other = app.test_client()
    with Mailbox() as mailbox:
        token = csrf_token_from(other.get("/forgot-password").get_data(as_text=True))
        other.post("/forgot-password", data={"email": "grace@example.com", "csrf_token": token})
        link = mailbox.last_link()
    assert post_settings(client, "/settings/email", "email", email="g@example.org",
                         current="correct horse battery").status_code == 302
    assert other.get(link.replace("http://localhost", "")).status_code == 410


def test_change_username_follows_the_sign_up_rules(client, make_user, grace):
    make_user("ada")
    taken = post_settings(client, "/settings/username", "username", username="Ada")
    assert taken.status_code == 422 and "That username is taken." in taken.get_data(as_text=True)
    bad = post_settings(client, "/settings/username", "username", username="no spaces!")
    assert bad.status_code == 422 and "3 to 30 letters" in bad.get_data(as_text=True)
    assert 'id="username-username-error"' in bad.get_data(as_text=True)
    db.session.refresh(grace)
    assert grace.username == "grace"

    response = post_settings(client, "/settings/username", "username", username="Grace_Hopper")
    assert response.status_code == 302
    db.session.refresh(grace)
    assert grace.username == "grace_hopper"
    assert client.get("/u/grace_hopper").status_code == 200 and client.get("/u/grace").status_code == 404
    assert client.get("/settings").status_code == 200  # still signed in


def test_guests_have_no_email_or_username_to_change(client, auth):
    client.post("/guest", data={"csrf_token": auth.token("/guest"), "display_name": "Sam"})
    page = client.get("/settings").get_data(as_text=True)
    assert "Change email" not in page and "Delete my account" not in page
    token = csrf_token_from(page)
    assert client.post("/settings/username", data={"username-username": "sam", "username-csrf_token": token}
                       ).status_code == 404
    assert db.session.query(User).one().username is None


def test_sign_out_everywhere_else_is_disabled_when_there_is_nowhere_else(app, client, grace):
    page = client.get("/settings").get_data(as_text=True)
    assert "You are signed in only here." in page
    assert 'class="secondary outline" disabled' in page
    AuthActions(app.test_client()).login("grace")
    page = client.get("/settings").get_data(as_text=True)
    assert "You are signed in only here." not in page and " disabled" not in page.split("Sign out everywhere else")[0][-200:]


def test_time_zone_field_searches_a_list_and_accepts_the_shown_name(client, grace):
    page = client.get("/settings").get_data(as_text=True)
    assert 'list="timezone-list"' in page and '<option value="America/New_York">' in page
    token = csrf_token_from(client.get("/settings").get_data(as_text=True))
    response = client.post("/settings", data={"profile-csrf_token": token, "profile-display_name": "Grace",
                                              "profile-bio": "", "profile-timezone": "america/new york",
                                              "profile-submit": "1"})
    assert response.status_code == 302
    db.session.refresh(grace)
    assert grace.timezone == "America/New_York"


def test_a_new_api_token_has_a_copy_button(client, grace):
    token = csrf_token_from(client.get("/settings").get_data(as_text=True))
    html = client.post("/settings/tokens", data={"token-name": "laptop", "token-csrf_token": token,
                                                  "csrf_token": token}).get_data(as_text=True)
    assert 'data-copy="#new-token-value"' in html and ">Copy</button>" in html
    assert re.search(r'src="/static/js/accounts\.[0-9a-f]+\.js"', client.get("/settings").get_data(as_text=True))


def test_signing_out_everywhere_else_with_nowhere_else_says_so(client, grace):
    token = csrf_token_from(client.get("/settings").get_data(as_text=True))
    page = client.post("/settings/logout-everywhere", data={"csrf_token": token}, follow_redirects=True)
    assert "You were signed in nowhere else." in page.get_data(as_text=True)
    assert client.get("/settings").status_code == 200
