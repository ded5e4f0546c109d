"""Password rules and hashing (scrypt, memory-hard, via Werkzeug).

A hash or a check costs about 94 ms of CPU. Under gevent every request and socket of the worker
shares one thread, so doing it there would freeze them all for that long (a burst of logins, a
second of frozen rooms). Under gevent it runs in a small native thread pool instead: hashlib's
scrypt releases the GIL, so the event loop goes on meanwhile. Elsewhere it is a direct call.

The pool is our own and leaves the event loop a core: with gevent's shared pool (10 threads) a
burst of 40 sign-ups ran 10 hashes at once on a 2-core machine, the loop's thread got a sixth of
a CPU for two seconds and the ticker skipped a job (bench/soak.py). Sign-ups in a burst now wait
their turn (about 94 ms each per thread) instead of stalling every room on the process.
"""
import gzip
import os
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
    """`function(*args)`, in the hashing pool's native threads when this process runs under gevent."""
    if _under_gevent():
        return _hashing_pool().apply(function, args)
    return function(*args)


_pool = None
_pool_pid = None


def hashing_threads() -> int:
    """One thread per core but one, at least one: the remaining core is the event loop's."""
    configured = os.environ.get("PASSWORD_HASH_THREADS")
    if configured:
        return max(1, int(configured))
    return max(1, _cores() - 1)


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))  # what this process may use, not the host's count
    except AttributeError:
        return os.cpu_count() or 1


def _hashing_pool():
    """Made lazily, so a gunicorn worker makes its own after the fork (a pool's threads do not
    survive one)."""
    global _pool, _pool_pid
    if _pool is None or _pool_pid != os.getpid():
        from gevent.threadpool import ThreadPool
        _pool, _pool_pid = ThreadPool(hashing_threads()), os.getpid()
    return _pool


def _under_gevent() -> bool:
    try:
        from gevent import monkey
    except ImportError:
        return False
    return monkey.is_module_patched("threading")


_DUMMY_HASH = generate_password_hash("focusroom-dummy-password", method="scrypt")
