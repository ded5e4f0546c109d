"""A page's requests overlap: the cookie a slow answer writes must not undo a newer one.

A browser sends the service worker's update check (/sw.js), its offline page and the manifest
alongside a navigation, with whatever session cookie it held at that moment. A remembered
session (every guest's) is re-sent on every answer, so an answer that arrives late writes back
the cookie it was sent with. CI once saw a guest's first page after joining a room lose its
form token that way: every click after it was refused as "form expired" until a reload.
"""
import pytest

from tests.conftest import AuthActions, csrf_token_from
from tests.integration.test_security_sessions import become_guest, copy_of

BACKGROUND_PATHS = ("/sw.js", "/offline", "/manifest.webmanifest")


def session_cookie(client) -> str:
    return client.get_cookie("session").value


def set_cookie_names(response) -> list[str]:
    return [header.split("=", 1)[0] for header in response.headers.getlist("Set-Cookie")]


@pytest.mark.parametrize("path", BACKGROUND_PATHS)
def test_the_browsers_background_requests_never_write_the_session_cookie(app, client, path):
    become_guest(client)  # a remembered (permanent) session: Flask would refresh it on every answer
    response = client.get(path)
    assert response.status_code == 200
    assert "session" not in set_cookie_names(response)


def test_the_first_pages_form_token_survives_a_late_answer_sent_with_the_sign_in_cookie(app, client):
    become_guest(client)
    sent_with_sign_in_cookie = copy_of(app, client)  # a request the browser made right after the redirect

    token = csrf_token_from(client.get("/today").get_data(as_text=True))
    late = sent_with_sign_in_cookie.get("/today")  # arrives after the page: the browser keeps its cookie
    client.set_cookie("session", session_cookie(sent_with_sign_in_cookie))
    assert "session" in set_cookie_names(late)

    response = client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 302, "the page's token was refused after a late answer"


def test_signing_in_gives_a_new_form_token_at_once(app, client, auth: AuthActions, make_user):
    make_user("rosa")
    before = AuthActions(client).token("/login")
    assert auth.login("rosa").status_code == 302
    # The sign-in answer already holds the new session's token: a stale one from before is refused.
    assert client.post("/logout", data={"csrf_token": before}).status_code == 400
    sent_with_sign_in_cookie = copy_of(app, client)
    token = csrf_token_from(client.get("/today").get_data(as_text=True))
    assert csrf_token_from(sent_with_sign_in_cookie.get("/today").get_data(as_text=True)) != before
    client.set_cookie("session", session_cookie(sent_with_sign_in_cookie))
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
