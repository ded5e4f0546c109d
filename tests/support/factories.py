"""Factories that build exactly the rows a test needs."""
import itertools

from webapp.accounts.passwords import hash_password
from webapp.extensions import db
from webapp.models import User

_counter = itertools.count(1)
DEFAULT_PASSWORD = "correct horse battery"
# Hashing with scrypt costs ~50 ms; tests reuse one hash for the default password.
_default_hash = None


def make_user(username: str | None = None, *, password: str = DEFAULT_PASSWORD, timezone: str = "UTC",
              display_name: str | None = None, **fields) -> User:
    global _default_hash
    n = next(_counter)
    username = (username or f"user{n}").lower()
    if password == DEFAULT_PASSWORD:
        _default_hash = _default_hash or hash_password(DEFAULT_PASSWORD)
        password_hash = _default_hash
    else:
        password_hash = hash_password(password)
    user = User(username=username, email=f"{username}@example.com", password_hash=password_hash,
                display_name=display_name or username.title(), timezone=timezone, **fields)
    db.session.add(user)
    db.session.commit()
    return user


def make_guest(display_name: str = "Guest Person") -> User:
    user = User(display_name=display_name, is_guest=True)
    db.session.add(user)
    db.session.commit()
    return user
