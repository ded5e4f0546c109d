"""Password rules and hashing (scrypt, memory-hard, via Werkzeug)."""
import gzip
from functools import lru_cache
from pathlib import Path

from werkzeug.security import check_password_hash, generate_password_hash

MIN_LENGTH = 8
MAX_LENGTH = 128
_COMMON_FILE = Path(__file__).resolve().parent.parent / "data" / "common-passwords.txt.gz"


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    with gzip.open(_COMMON_FILE, "rt", encoding="utf-8") as handle:
        return frozenset(line.strip() for line in handle if line.strip())


def password_problem(password: str, *, username: str | None = None) -> str | None:
    """The reason a password is refused, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters."
    if len(password) > MAX_LENGTH:
        return f"Use at most {MAX_LENGTH} characters."
    if password.lower().strip() in _common_passwords():
        return "This password is among the most common ones; choose a less guessable one."
    if username and password.lower() == username.lower():
        return "Your password must differ from your username."
    return None


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        # Spend the same effort as a real check, so timing does not reveal missing accounts.
        check_password_hash(_DUMMY_HASH, password)
        return False
    return check_password_hash(password_hash, password)


_DUMMY_HASH = generate_password_hash("focusroom-dummy-password", method="scrypt")
