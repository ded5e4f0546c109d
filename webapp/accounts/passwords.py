"""Password rules and hashing (scrypt, memory-hard, via Werkzeug).

A hash or a check costs about 94 ms of CPU. Under gevent every request and socket of the worker
shares one thread, so doing it there would freeze them all for that long (a burst of logins, a
second of frozen rooms). Under gevent it runs in gevent's native thread pool instead: hashlib's
scrypt releases the GIL, so the event loop goes on meanwhile. Elsewhere it is a direct call.
"""
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
    return off_the_event_loop(generate_password_hash, password, "scrypt")


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        # Spend the same effort as a real check, so timing does not reveal missing accounts.
        off_the_event_loop(check_password_hash, _DUMMY_HASH, password)
        return False
    return off_the_event_loop(check_password_hash, password_hash, password)


def off_the_event_loop(function, *args):
    """`function(*args)`, in gevent's native thread pool when this process runs under gevent."""
    if _under_gevent():
        import gevent
        return gevent.get_hub().threadpool.apply(function, args)
    return function(*args)


def _under_gevent() -> bool:
    try:
        from gevent import monkey
    except ImportError:
        return False
    return monkey.is_module_patched("threading")


_DUMMY_HASH = generate_password_hash("focusroom-dummy-password", method="scrypt")
