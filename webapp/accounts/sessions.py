"""Login sessions bound to a database row, so logout really ends them."""
import hashlib
import secrets

from flask import request, session
from flask_login import login_user, logout_user
from sqlalchemy import select, update

from ..extensions import db
from ..models import LoginSession, User, utcnow


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def start_login_session(user: User, *, remember: bool) -> None:
    """Sign the user in on a fresh session (new id: no fixation), recorded server-side."""
    session.clear()
    key = secrets.token_urlsafe(32)
    db.session.add(LoginSession(user_id=user.id, key_hash=_hash(key),
                                user_agent=(request.user_agent.string or "")[:200]))
    db.session.commit()
    user.login_session_key = key
    login_user(user, remember=remember)
    session.permanent = remember


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
