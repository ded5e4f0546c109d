"""The session cookie, written only by answers that may have something new to say in it.

A browser's requests overlap, and each carries the session cookie it held when it was sent.
Flask re-sends a remembered (permanent) session with every answer, so an answer that arrives
late writes back an older cookie than the page before it set: a flash seen twice, or a form
token the next click no longer matches. Two rules keep that from happening:
- the requests a browser makes on its own (the service worker's update check, the offline page,
  the manifest) never write the cookie (`leaves_session_alone`);
- a new login session gets its form token at once (`accounts.sessions`), so no page after the
  sign-in has to add one, and every request sent after it holds the same token.
"""
from functools import wraps

from flask import Flask, g
from flask.sessions import SecureCookieSessionInterface

_FLAG = "_leaves_session_alone"


class SessionCookie(SecureCookieSessionInterface):
    def save_session(self, app, session, response):
        if g.get(_FLAG):
            return
        super().save_session(app, session, response)


def leaves_session_alone(view):
    """For answers the browser fetches in the background: they never set the session cookie."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        setattr(g, _FLAG, True)
        return view(*args, **kwargs)
    return wrapper


def init_app(app: Flask) -> None:
    app.session_interface = SessionCookie()
