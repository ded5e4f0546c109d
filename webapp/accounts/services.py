"""Account rules: sign-up (also from a guest identity), credentials, profile changes."""
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import User, utcnow
from .passwords import hash_password, verify_password
from .recovery import spend_open_links
from .sessions import revoke_all_login_sessions
from .timezones import is_valid_timezone


class AccountError(ValueError):
    """A problem with one field: `field` names it, the message is user-facing."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def find_by_login(login: str) -> User | None:
    login = (login or "").strip().lower()
    if not login:
        return None
    return db.session.execute(
        select(User).where(User.is_guest.is_(False),
                           or_(User.username == login, func.lower(User.email) == login))
    ).scalar_one_or_none()


def authenticate(login: str, password: str) -> User | None:
    """The user whose credentials these are, or None (never says which part was wrong)."""
    user = find_by_login(login)
    stored = user.password_hash if user else None
    _release_connection()
    if not verify_password(stored, password):
        return None
    return user


def _release_connection() -> None:
    """End a read-only transaction before waiting on a hash, so the wait holds no pooled connection.

    Under gevent a hash waits its turn in a small thread pool (passwords.py); a burst of 40
    logins each holding a connection meanwhile emptied the pool, and the ticker, waiting for
    one, skipped its jobs (bench/soak.py). Only a session with nothing pending is ended."""
    session = db.session()  # the request's Session (scoped_session has no in_transaction)
    if session.in_transaction() and not (session.new or session.dirty or session.deleted):
        session.commit()


def register(*, username: str, email: str, password: str, timezone: str | None,
             guest: User | None = None) -> User:
    """Create an account, or turn the given guest into one (keeping its history)."""
    username = username.strip().lower()
    email = email.strip().lower()
    # Hashed before the first query: waiting for a hashing thread then holds no pooled connection
    # (see _release_connection); a taken name costs one wasted hash, like a wrong password does.
    _release_connection()
    password_hash = hash_password(password)
    if db.session.execute(select(User.id).where(User.username == username)).first():
        raise AccountError("username", "That username is taken.")
    if db.session.execute(select(User.id).where(func.lower(User.email) == email)).first():
        raise AccountError("email", "An account with that email exists already. Sign in instead?")
    user = guest if guest is not None and guest.is_guest else User(display_name=username)
    if user is guest:
        # The guest's cookies were its only credential; from now on the password is. Old copies
        # of them must not open the new account (the caller signs this browser in afresh).
        revoke_all_login_sessions(user)
    user.username = username
    user.email = email
    user.password_hash = password_hash
    user.is_guest = False
    if not user.display_name or guest is None:
        user.display_name = username
    if is_valid_timezone(timezone):
        user.timezone = timezone
    db.session.add(user)
    db.session.commit()
    return user


def create_guest(display_name: str, timezone: str | None) -> User:
    guest = User(display_name=display_name.strip()[:50], is_guest=True,
                 timezone=timezone if is_valid_timezone(timezone) else "UTC")
    db.session.add(guest)
    db.session.commit()
    return guest


def update_profile(user: User, *, display_name: str, bio: str, timezone: str) -> None:
    if not is_valid_timezone(timezone):
        raise AccountError("timezone", "Choose a time zone from the list.")
    user.display_name = display_name.strip()
    user.bio = (bio or "").strip()
    user.timezone = timezone
    db.session.commit()


def change_password(user: User, *, current: str, new: str) -> None:
    """Set a new password and end every login session with it, this browser's included (the
    caller signs this browser in again). API tokens are separate credentials and stay."""
    if not verify_password(user.password_hash, current):
        raise AccountError("current", "That is not your current password.")
    user.password_hash = hash_password(new)
    revoke_all_login_sessions(user)
    spend_open_links(user, utcnow())
    db.session.commit()


def change_email(user: User, *, email: str, current: str, now) -> None:
    """A new sign-in address, confirmed with the password. Reset links mailed to the old address
    stop working."""
    email = email.strip().lower()
    if not verify_password(user.password_hash, current):
        raise AccountError("current", "That is not your current password.")
    if email == (user.email or "").lower():
        raise AccountError("email", "That is already your email address.")
    if db.session.execute(select(User.id).where(func.lower(User.email) == email, User.id != user.id)).first():
        raise AccountError("email", "Another account uses that email address.")
    user.email = email
    spend_open_links(user, now)
    _commit_unique(user, "email", "Another account uses that email address.")


def change_username(user: User, *, username: str) -> None:
    """A new username (the profile address changes with it); unique like at sign-up."""
    username = username.strip().lower()
    if username == user.username:
        raise AccountError("username", "That is already your username.")
    if db.session.execute(select(User.id).where(User.username == username, User.id != user.id)).first():
        raise AccountError("username", "That username is taken.")
    user.username = username
    _commit_unique(user, "username", "That username is taken.")


def _commit_unique(user: User, field: str, message: str) -> None:
    """Commit; a twin request that took the same value first makes this a field error, not a 500."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise AccountError(field, message) from None
