"""Login sessions bound to a database row, so logout really ends them.

A browser's identity is `<user id>.<session key>` (in the session cookie and the remember-me
cookie alike), valid while its LoginSession row is not revoked. Whatever changes who a browser
is, or what proves it, revokes the keys that must stop working: a copy of the old cookies
(another device, a leaked backup, a shared computer) must not outlive the change.
"""
import hashlib
import secrets

from flask import current_app, g, request, session
from flask_login import current_user, login_user, logout_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import or_, select, update

from ..extensions import db
from ..models import LoginSession, User, utcnow


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def start_login_session(user: User, *, remember: bool) -> None:
    """Sign the user in on a fresh session (new id: no fixation), recorded server-side.

    The key this browser held before (a guest's, or an earlier login's) is revoked in the
    same commit, so a copy of the old cookies does not stay signed in.
    """
    previous_key = _browser_key()
    if previous_key:
        revoke_login_sessions(LoginSession.key_hash == _hash(previous_key))
    session.clear()
    key = secrets.token_urlsafe(32)
    db.session.add(LoginSession(user_id=user.id, key_hash=_hash(key),
                                user_agent=(request.user_agent.string or "")[:200]))
    db.session.commit()
    user.login_session_key = key
    login_user(user, remember=remember)
    session.permanent = remember
    if not remember:
        # An older remember-me cookie would otherwise stay in the browser (Flask-Login only
        # replaces it when asked to remember); it is revoked anyway, this just removes it.
        session["_remember"] = "clear"
    _new_form_token()


def restart_login_session(user: User) -> None:
    """Give this browser a new key (after a password change), keeping its remember-me choice."""
    cookie_name = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    # A browser reopened from its remember-me cookie has a new, non-permanent session cookie.
    start_login_session(user, remember=bool(session.permanent) or cookie_name in request.cookies)


def revoke_login_sessions(*conditions) -> None:
    """Mark the matching live sessions revoked; the caller commits (with its own change)."""
    db.session.execute(update(LoginSession)
                       .where(LoginSession.revoked_at.is_(None), or_(*conditions))
                       .values(revoked_at=utcnow()))


def revoke_all_login_sessions(user: User) -> None:
    """Every session of this user, this browser's included; the caller commits."""
    revoke_login_sessions(LoginSession.user_id == user.id)


def _browser_key() -> str | None:
    if current_user.is_authenticated:
        return current_user.login_session_key
    return None


def load_user_for(identity: str) -> User | None:
    """Flask-Login's loader: `<user id>.<session key>` is valid while its row is not revoked."""
    user_id, _, key = identity.partition(".")
    if not user_id.isdigit() or not key:
        return None
    row = db.session.execute(
        select(LoginSession).where(LoginSession.key_hash == _hash(key),
                                   LoginSession.user_id == int(user_id),
                                   LoginSession.revoked_at.is_(None))
    ).scalar_one_or_none()
    if row is None:
        return None
    user = db.session.get(User, int(user_id))
    if user is not None:
        user.login_session_key = key
    return user


def end_login_session(user: User) -> None:
    if user.login_session_key:
        db.session.execute(update(LoginSession)
                           .where(LoginSession.key_hash == _hash(user.login_session_key))
                           .values(revoked_at=utcnow()))
        db.session.commit()
    logout_user()
    session.clear()
    _new_form_token()


def _new_form_token() -> None:
    """A cleared session gets its form token in the same answer. Left to the next page, requests
    the browser sent meanwhile would answer with cookies lacking it (see `webapp.sessioncookie`)."""
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)
    generate_csrf()


def end_other_login_sessions(user: User) -> int:
    """Revoke every session of the user but this one; returns how many were ended."""
    keep = _hash(user.login_session_key or "")
    result = db.session.execute(update(LoginSession)
                                .where(LoginSession.user_id == user.id,
                                       LoginSession.key_hash != keep,
                                       LoginSession.revoked_at.is_(None))
                                .values(revoked_at=utcnow()))
    db.session.commit()
    return result.rowcount or 0


def active_login_sessions(user: User) -> list[LoginSession]:
    return list(db.session.execute(
        select(LoginSession).where(LoginSession.user_id == user.id,
                                   LoginSession.revoked_at.is_(None))
        .order_by(LoginSession.created_at.desc())).scalars())


def current_login_session_id(user: User) -> int | None:
    if not user.login_session_key:
        return None
    return db.session.execute(select(LoginSession.id).where(
        LoginSession.key_hash == _hash(user.login_session_key))).scalar_one_or_none()
