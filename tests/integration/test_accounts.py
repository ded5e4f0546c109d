"""Accounts end to end through the real forms: sign-up, login, logout, profile, guests."""
from tests.conftest import AuthActions, csrf_token_from
from webapp.extensions import db
from webapp.models import LoginSession, User


def test_sign_up_signs_in_and_keeps_the_browser_time_zone(client, auth):
    response = auth.register(username="Ada_L", timezone="Asia/Kolkata")
    assert response.status_code == 302
    user = db.session.query(User).filter_by(username="ada_l").one()
    assert user.timezone == "Asia/Kolkata" and user.display_name == "ada_l" and not user.is_guest
    assert "Ada" not in user.password_hash and user.password_hash.startswith("scrypt:")
    assert b"ada_l" in client.get("/", follow_redirects=True).data


def test_sign_up_with_an_unknown_time_zone_falls_back_to_utc(client, auth):
    assert auth.register(timezone="Mars/Olympus").status_code == 302
    assert db.session.query(User).one().timezone == "UTC"


def test_sign_up_errors_are_next_to_their_fields_and_write_nothing(client, auth, make_user):
    make_user("taken")
    response = auth.register(username="taken", email="not-an-email", password="short", confirm="other")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="email-error"' in html and "valid email" in html
    assert 'id="password-error"' in html and "at least 8 characters" in html
    assert 'id="confirm-error"' in html
    assert db.session.query(User).count() == 1


def test_taken_username_and_email_are_explained(client, auth, make_user):
    make_user("taken")
    html = auth.register(username="TAKEN", email="fresh@example.com").get_data(as_text=True)
    assert "That username is taken." in html
    html = auth.register(username="fresh", email="Taken@Example.com").get_data(as_text=True)
    assert "An account with that email exists already" in html
    assert db.session.query(User).count() == 1


def test_common_password_is_refused_on_sign_up(client, auth):
    html = auth.register(password="password123").get_data(as_text=True)
    assert "most common" in html
    assert db.session.query(User).count() == 0


def test_login_with_username_or_email(client, auth, make_user):
    make_user("grace")
    assert auth.login("grace").status_code == 302
    auth.logout()
    assert auth.login("GRACE@example.com").status_code == 302
    assert b"Settings" in client.get("/", follow_redirects=True).data


def test_wrong_password_says_only_that_the_credentials_are_wrong(client, auth, make_user):
    make_user("grace")
    for login in ("grace", "nobody"):
        response = auth.login(login, "wrong password!")
        html = response.get_data(as_text=True)
        assert response.status_code == 401
        assert "do not match an account" in html
        assert "no such user" not in html.lower()


def test_logout_really_ends_the_session(client, auth, make_user):
    make_user("grace")
    auth.login("grace", remember=True)
    stolen = {cookie.key: cookie.value for cookie in client._cookies.values()}
    assert client.get("/settings").status_code == 200
    auth.logout()
    assert client.get("/settings").status_code == 302
    for key, value in stolen.items():  # replaying the old cookies does not sign anyone in
        client.set_cookie(key, value)
    assert client.get("/settings").status_code == 302
    assert db.session.query(LoginSession).filter(LoginSession.revoked_at.is_(None)).count() == 0


def test_login_issues_a_new_session(client, auth, make_user):
    make_user("grace")
    client.get("/login")
    before = client.get_cookie("session").value
    auth.login("grace")
    assert client.get_cookie("session").value != before


def test_log_out_everywhere_ends_other_sessions_but_not_this_one(app, make_user):
    make_user("grace")
    phone, laptop = app.test_client(), app.test_client()
    AuthActions(phone).login("grace")
    laptop_auth = AuthActions(laptop)
    laptop_auth.login("grace")
    token = csrf_token_from(laptop.get("/settings").get_data(as_text=True))
    response = laptop.post("/settings/logout-everywhere", data={"csrf_token": token}, follow_redirects=True)
    assert "Signed out of 1 other session." in response.get_data(as_text=True)
    assert laptop.get("/settings").status_code == 200
    assert phone.get("/settings").status_code == 302


def test_remember_me_survives_a_closed_browser(client, auth, make_user):
    make_user("grace")
    auth.login("grace", remember=True)
    client.delete_cookie("session")  # the browser was closed: only the remember cookie is left
    assert client.get("/settings").status_code == 200


def test_profile_and_settings(client, auth, make_user):
    make_user("grace")
    auth.login("grace")
    page = client.get("/settings").get_data(as_text=True)
    token = csrf_token_from(page)
    response = client.post("/settings", data={
        "csrf_token": token, "profile-csrf_token": token, "profile-display_name": "Grace H.",
        "profile-bio": "Compilers, mostly.", "profile-timezone": "America/New_York", "profile-submit": "1"})
    assert response.status_code == 302
    profile = client.get("/u/grace").get_data(as_text=True)
    assert "Grace H." in profile and "Compilers, mostly." in profile and "America/New York" in profile


def test_invalid_profile_time_zone_is_refused_next_to_the_field(client, auth, make_user):
    user = make_user("grace", timezone="Europe/Paris")
    auth.login("grace")
    token = csrf_token_from(client.get("/settings").get_data(as_text=True))
    response = client.post("/settings", data={
        "profile-csrf_token": token, "profile-display_name": "G", "profile-bio": "",
        "profile-timezone": "Mars/Olympus", "profile-submit": "1"})
    assert response.status_code == 422
    assert 'id="profile-timezone-error"' in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.timezone == "Europe/Paris"


def test_change_password_needs_the_current_one(client, auth, make_user):
    make_user("grace")
    auth.login("grace")
    token = csrf_token_from(client.get("/settings").get_data(as_text=True))
    form = {"password-csrf_token": token, "password-password": "a brand new phrase 7",
            "password-confirm": "a brand new phrase 7", "password-submit": "1"}
    wrong = client.post("/settings", data={**form, "password-current": "not it at all"})
    assert "That is not your current password." in wrong.get_data(as_text=True)
    right = client.post("/settings", data={**form, "password-current": "correct horse battery"})
    assert right.status_code == 302
    auth.logout()
    assert auth.login("grace", "a brand new phrase 7").status_code == 302


def test_unknown_profile_is_a_404_page(client):
    response = client.get("/u/nobody-here")
    assert response.status_code == 404 and b"Not found" in response.data


def test_guest_identity_is_kept_across_requests_and_closed_browsers(client, auth):
    token = auth.token("/guest")
    response = client.post("/guest?next=/u/x", data={"csrf_token": token, "display_name": "Sam",
                                                      "timezone": "Europe/Berlin"})
    assert response.status_code == 302 and response.headers["Location"] == "/u/x"
    guest = db.session.query(User).one()
    assert guest.is_guest and guest.display_name == "Sam" and guest.timezone == "Europe/Berlin"
    assert "Sam (guest)" in client.get("/", follow_redirects=True).get_data(as_text=True)
    client.delete_cookie("session")
    assert "Sam (guest)" in client.get("/", follow_redirects=True).get_data(as_text=True)


def test_guest_can_register_and_keeps_its_identity(client, auth):
    client.post("/guest", data={"csrf_token": auth.token("/guest"), "display_name": "Sam"})
    guest_id = db.session.query(User).one().id
    assert auth.register(username="sam", email="sam@example.com").status_code == 302
    user = db.session.get(User, guest_id)
    assert db.session.query(User).count() == 1
    assert not user.is_guest and user.username == "sam" and user.display_name == "Sam"


def test_guest_needs_a_name(client, auth):
    response = client.post("/guest", data={"csrf_token": auth.token("/guest"), "display_name": "  "})
    assert response.status_code == 422 and "Tell the room what to call you." in response.get_data(as_text=True)
    assert db.session.query(User).count() == 0


def test_next_parameter_cannot_leave_the_site(client, auth, make_user):
    make_user("grace")
    token = auth.token("/login")
    for target in ("https://evil.example/", "//evil.example/", "javascript:alert(1)"):
        response = client.post(f"/login?next={target}", data={"login": "grace", "password": "correct horse battery",
                                                              "csrf_token": token})
        assert response.headers["Location"] == "/today"  # the default landing page, never the foreign target
        auth.logout()
        token = auth.token("/login")
