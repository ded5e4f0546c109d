"""Changing who a browser is, or what proves it, ends the sessions the change should end.

Each test copies a browser's whole cookie jar (session and remember-me cookie), as a thief or a
second device would, makes the change in the original browser, and checks that the copy no
longer signs anyone in while the original browser stays signed in.
"""
from tests.conftest import AuthActions, csrf_token_from
from webapp.extensions import db
from webapp.models import ApiToken, User


def copy_of(app, client):
    """A new browser holding the same cookies as `client`."""
    copy = app.test_client()
    for cookie in client._cookies.values():
        copy.set_cookie(cookie.key, cookie.value, domain=cookie.domain, path=cookie.path)
    return copy


def signed_in_as(client) -> str | None:
    """Whose settings page this browser sees (its display name field), or None when sent to log in."""
    response = client.get("/settings")
    if response.status_code != 200:
        return None
    html = response.get_data(as_text=True)
    marker = 'name="profile-display_name"'
    tag = html[html.index(marker):].split(">", 1)[0]
    return tag.split('value="', 1)[1].split('"', 1)[0]


def only_remember_cookie(client):
    """The browser was closed: the session cookie is gone, the remember-me cookie is left."""
    client.delete_cookie("session")
    return client


def become_guest(client, name="Sam"):
    auth = AuthActions(client)
    response = client.post("/guest", data={"csrf_token": auth.token("/guest"), "display_name": name})
    assert response.status_code == 302
    assert client.get_cookie("remember_token") is not None


def test_a_copy_of_a_guests_cookies_does_not_open_the_account_it_signs_up_for(app, client, auth):
    become_guest(client)
    copy, remembered = copy_of(app, client), only_remember_cookie(copy_of(app, client))
    assert signed_in_as(copy) == "Sam"

    assert auth.register(username="sam", email="sam@example.com").status_code == 302

    assert signed_in_as(client) == "Sam"  # this browser now holds the new account
    assert not db.session.query(User).one().is_guest
    assert signed_in_as(copy) is None
    assert signed_in_as(remembered) is None


def test_a_copy_of_a_guests_cookies_cannot_create_an_api_token_after_sign_up(app, client, auth):
    become_guest(client)
    copy = copy_of(app, client)
    token = csrf_token_from(copy.get("/settings").get_data(as_text=True))
    auth.register(username="sam", email="sam@example.com")

    response = copy.post("/settings/tokens", data={"csrf_token": token, "token-csrf_token": token,
                                                    "token-name": "stolen"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert db.session.query(ApiToken).count() == 0


def test_signing_in_ends_the_session_this_browser_had_before(app, client, auth, make_user):
    make_user("grace", display_name="Grace")
    become_guest(client)
    copy, remembered = copy_of(app, client), only_remember_cookie(copy_of(app, client))

    assert auth.login("grace").status_code == 302

    assert signed_in_as(client) == "Grace"
    assert signed_in_as(copy) is None
    assert signed_in_as(remembered) is None


def test_signing_in_without_remember_me_drops_an_older_remember_cookie(client, auth, make_user):
    make_user("grace", display_name="Grace")
    become_guest(client)
    auth.login("grace")
    assert client.get_cookie("remember_token") is None
    assert signed_in_as(client) == "Grace"


def test_changing_the_password_ends_every_other_session_but_keeps_this_browser(app, client, auth,
                                                                                make_user, signed_in, bearer):
    grace = make_user("grace", display_name="Grace")
    api = bearer(grace)
    auth.login("grace", remember=True)
    other_device = signed_in(grace)
    copy, remembered = copy_of(app, client), only_remember_cookie(copy_of(app, client))
    token = csrf_token_from(client.get("/settings").get_data(as_text=True))

    response = client.post("/settings", data={
        "password-csrf_token": token, "password-current": "correct horse battery",
        "password-password": "a brand new phrase 7", "password-confirm": "a brand new phrase 7",
        "password-submit": "1"}, follow_redirects=True)

    assert "Every other session is signed out." in response.get_data(as_text=True)
    assert signed_in_as(client) == "Grace"
    assert signed_in_as(only_remember_cookie(copy_of(app, client))) == "Grace"  # remember-me kept
    for old in (copy, remembered, other_device):
        assert signed_in_as(old) is None
    assert api.get("/api/v1/me").status_code == 200  # API tokens are separate credentials


def test_a_wrong_current_password_ends_nothing(app, client, auth, make_user, signed_in):
    grace = make_user("grace", display_name="Grace")
    auth.login("grace")
    other_device = signed_in(grace)
    token = csrf_token_from(client.get("/settings").get_data(as_text=True))
    response = client.post("/settings", data={
        "password-csrf_token": token, "password-current": "not my password",
        "password-password": "a brand new phrase 7", "password-confirm": "a brand new phrase 7",
        "password-submit": "1"})
    assert response.status_code == 422
    assert signed_in_as(other_device) == "Grace"


def test_revoke_all_api_tokens_after_a_confirmation(client, auth, make_user, bearer):
    grace = make_user("grace")
    scripts = [bearer(grace), bearer(grace)]
    someone_else = bearer(make_user("ada"))
    auth.login("grace")
    settings = client.get("/settings").get_data(as_text=True)
    assert 'href="/settings/tokens/revoke-all"' in settings

    confirm = client.get("/settings/tokens/revoke-all").get_data(as_text=True)
    assert "Revoke all API tokens?" in confirm and "Your 2 API tokens will stop working" in confirm
    assert all(api.get("/api/v1/me").status_code == 200 for api in scripts)  # the GET changed nothing

    assert client.post("/settings/tokens/revoke-all", data={}).status_code == 400  # no CSRF token
    assert all(api.get("/api/v1/me").status_code == 200 for api in scripts)

    response = client.post("/settings/tokens/revoke-all", data={"csrf_token": csrf_token_from(confirm)},
                           follow_redirects=True)
    assert "Revoked 2 API tokens." in response.get_data(as_text=True)
    assert all(api.get("/api/v1/me").status_code == 401 for api in scripts)
    assert someone_else.get("/api/v1/me").status_code == 200
    assert client.get("/settings").status_code == 200  # browser sessions are not affected
