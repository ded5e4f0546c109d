"""Forgotten passwords: a single-use link by e-mail that expires in an hour.

Only the SHA-256 of a link's token is stored, so a copy of the database opens no account. The
answer to a request is the same whether or not the address has an account, and a link is sent
at most MAX_OPEN_LINKS times an hour per account (rules/reset_links.py).
"""
from __future__ import annotations

import hashlib
import logging
import secrets
import threading
from datetime import datetime

from flask import Flask, current_app, url_for
from sqlalchemy import func, select, update

from .. import mail
from ..extensions import db
from ..models import PasswordReset, User
from ..rules import reset_links
from .passwords import hash_password
from .sessions import revoke_all_login_sessions


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


log = logging.getLogger(__name__)
_TOKEN_SLOT = "--token--"


def request_reset_in_background(email: str, now: datetime) -> None:
    """Look the address up, store a link and mail it, all after the answer has gone out: the
    answer then takes the same time whether or not the address has an account. Synchronous
    when MAIL_BACKGROUND is off (tests read the logged mail as soon as the request returns)."""
    link_template = url_for("accounts.reset_password", token=_TOKEN_SLOT, _external=True)
    app = current_app._get_current_object()
    if not app.config.get("MAIL_BACKGROUND", True):
        request_reset(email, now, link_template=link_template)
        return
    threading.Thread(target=_request_reset_in_app, args=(app, email, now, link_template), daemon=True,
                     name="password-reset").start()


def _request_reset_in_app(app: Flask, email: str, now: datetime, link_template: str) -> None:
    with app.app_context():
        try:
            request_reset(email, now, link_template=link_template)
        except Exception:  # nobody is waiting for an answer any more: say it in the log
            db.session.rollback()
            log.exception("Could not send a password-reset link")


def request_reset(email: str, now: datetime, *, link_template: str | None = None) -> None:
    """Mail a reset link if an account uses this address; otherwise do nothing, silently.
    `link_template` is the link with a placeholder for the token (outside a request)."""
    email = (email or "").strip().lower()
    user = db.session.execute(
        select(User).where(User.is_guest.is_(False), User.password_hash.is_not(None),
                           func.lower(User.email) == email)).scalar_one_or_none() if email else None
    if user is None:
        return
    recent = db.session.execute(
        select(PasswordReset.created_at).where(PasswordReset.user_id == user.id,
                                               PasswordReset.created_at > now - reset_links.LIFETIME)
    ).scalars().all()
    if not reset_links.may_send_another(list(recent), now):
        return
    token = secrets.token_urlsafe(32)
    db.session.add(PasswordReset(user_id=user.id, token_hash=_hash(token), created_at=now,
                                 expires_at=reset_links.expiry(now)))
    db.session.commit()
    link = (link_template or url_for("accounts.reset_password", token=_TOKEN_SLOT, _external=True)
            ).replace(_TOKEN_SLOT, token)
    message = mail.compose(to=user.email, subject="Reset your Focusroom password", body=_reset_mail(user, link))
    mail.deliver(message, mail.SmtpSettings.from_config(current_app.config))


def _reset_mail(user: User, link: str) -> str:
    return (f"Hello {user.name},\n\n"
            f"Someone (hopefully you) asked to reset the password of the Focusroom account "
            f"@{user.username}. To choose a new password, open this link within an hour:\n\n"
            f"{link}\n\n"
            "The link works once. Using it signs out every browser that is signed in to your "
            "account.\n\nIf you did not ask for this, ignore this mail: your password stays as it is.\n")


def find_link(token: str) -> PasswordReset | None:
    if not token or len(token) > 100:
        return None
    return db.session.execute(
        select(PasswordReset).where(PasswordReset.token_hash == _hash(token))).scalar_one_or_none()


def link_state(link: PasswordReset | None, now: datetime) -> str:
    if link is None:
        return reset_links.USED  # unknown tokens read like spent ones: nothing to tell apart
    return reset_links.link_state(expires_at=link.expires_at, used_at=link.used_at, now=now)


def reset_password(link: PasswordReset, new_password: str, now: datetime) -> User:
    """Set the new password, spend this link and every other open one, end every login session."""
    user = db.session.get(User, link.user_id)
    # Compare-and-set: of two submissions racing with one link, only one changes the password.
    spent = db.session.execute(
        update(PasswordReset).where(PasswordReset.id == link.id, PasswordReset.used_at.is_(None))
        .values(used_at=now)).rowcount
    if not spent:
        db.session.rollback()
        raise LinkSpent()
    user.password_hash = hash_password(new_password)
    spend_open_links(user, now)
    revoke_all_login_sessions(user)
    db.session.commit()
    return user


def spend_open_links(user: User, now: datetime) -> None:
    """Links already mailed stop working once the password or the address changes; caller commits."""
    db.session.execute(update(PasswordReset)
                       .where(PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))
                       .values(used_at=now))


class LinkSpent(Exception):
    """The link was used (or replaced) between showing the form and submitting it."""
