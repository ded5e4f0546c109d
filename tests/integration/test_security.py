"""The security baseline every feature inherits: CSRF, rate limits, headers, cookies."""
import pytest

from tests.conftest import AuthActions, build_app


@pytest.mark.parametrize("path, data", [
    ("/login", {"login": "grace", "password": "whatever1"}),
    ("/register", {"username": "x", "email": "x@example.com", "password": "a quiet morning 42",
                   "confirm": "a quiet morning 42"}),
    ("/guest", {"display_name": "Sam"}),
    ("/logout", {}),
])
def test_state_changing_requests_without_the_csrf_token_are_refused(client, path, data):
    response = client.post(path, data=data)
    assert response.status_code == 400
    assert b"Reload the page and try again" in response.data


def test_htmx_requests_carry_the_token_in_a_header(client, make_user):
    make_user("grace")
    html = client.get("/").get_data(as_text=True)
    assert 'hx-headers=\'{"X-CSRFToken": "' in html


def test_repeated_failed_logins_are_rate_limited_with_a_clear_page(database_kind, make_user):
    app = build_app(database_kind, LOGIN_RATE_LIMIT="3 per minute")
    with app.app_context():
        from tests.support.factories import make_user as factory
        factory("grace")
    client = app.test_client()
    auth = AuthActions(client)
    for _ in range(3):
        assert auth.login("grace", "wrong password!").status_code == 401
    response = auth.login("grace", "wrong password!")
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)
    assert auth.login("grace").status_code == 429  # even the right password waits now


def test_successful_logins_do_not_use_up_the_limit(database_kind):
    app = build_app(database_kind, LOGIN_RATE_LIMIT="2 per minute")
    with app.app_context():
        from tests.support.factories import make_user as factory
        factory("grace")
    client = app.test_client()
    auth = AuthActions(client)
    for _ in range(4):
        assert auth.login("grace").status_code == 302
        auth.logout()


def test_sign_ups_are_rate_limited(database_kind):
    app = build_app(database_kind, SIGNUP_RATE_LIMIT="2 per minute")
    client = app.test_client()
    auth = AuthActions(client)
    for n in range(2):
        auth.register(username=f"user{n}", email=f"user{n}@example.com")
        auth.logout()
    assert auth.register(username="user9", email="user9@example.com").status_code == 429


def test_security_headers_on_every_page(client):
    headers = client.get("/login").headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_session_cookies_are_httponly_and_samesite(client, auth, make_user):
    make_user("grace")
    response = auth.login("grace", remember=True)
    cookies = response.headers.getlist("Set-Cookie")
    assert cookies
    for cookie in cookies:
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_no_state_change_on_get(client):
    assert client.get("/logout").status_code == 405


# ---------------------------------------------------------------- Cache-Control

def no_store(response) -> bool:
    return "no-store" in response.headers.get("Cache-Control", "")


def test_nothing_shown_to_a_signed_in_person_is_stored_by_a_cache(client, auth, make_user):
    make_user("grace")
    auth.login("grace", remember=True)
    answers = [client.get("/today"), client.get("/settings"), client.get("/rooms"),
               client.get("/rooms", headers={"HX-Request": "true", "HX-Target": "room-directory"}),
               client.get("/no/such/page"), client.get("/api/v1/me")]
    assert [a.status_code for a in answers] == [200, 200, 200, 200, 404, 401]  # the API wants a token
    assert all(no_store(a) for a in answers)
    client.delete_cookie("session")  # signed in again from the remember-me cookie alone
    assert no_store(client.get("/settings"))


def test_every_api_answer_is_no_store(client, make_user, bearer):
    api = bearer(make_user("grace"))
    assert all(no_store(answer) for answer in (
        api.get("/api/v1/me"), api.get("/api/v1/rooms/NOPE00"), client.get("/api/v1/me"),
        client.post("/api/v1/auth/token", json={"login": "grace", "password": "wrong password"})))


def test_static_files_and_anonymous_pages_keep_their_caching(client, auth, make_user):
    assert not no_store(client.get("/")) and not no_store(client.get("/login"))
    make_user("grace")
    auth.login("grace")
    static = client.get("/static/css/app.css")
    assert static.status_code == 200 and not no_store(static)
