"""Who may tick: one lock holder at a time, across processes and hosts.

- With REDIS_URL, a Redis lease: `SET <prefix>:clock:leader <token> NX PX 3000`, renewed every
  second by its holder and released by compare-and-delete; when the holder dies the key expires
  and a standby (trying ten times a second) takes over at most 3.1 s after the holder's last
  renewal, i.e. within 3 s of its death give or take that poll. A holder that cannot renew
  stops ticking by itself before its lease can have expired (see RedisLease.held).
- Otherwise the database: an exclusive `flock` on `<database file>.ticker.lock` (SQLite) or
  `pg_try_advisory_lock` on a held connection (PostgreSQL), both freed when the process dies.

Every lock has the same small interface: `acquire()` and `keep()` never block for long,
`held` says whether this process may tick right now, `release()` lets go.
"""
from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import secrets
import time

from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

log = logging.getLogger(__name__)

RETRY_LOCK_EVERY = 5  # keep() calls (seconds) between attempts of a database lock's standby
ADVISORY_KEY = int.from_bytes(hashlib.sha256(b"focusroom-ticker").digest()[:8], "big", signed=True)
LEASE_MS = 3000
RENEW_EVERY = 1.0  # seconds
# The holder counts its lease as gone this long before Redis would expire it, so two clocks never
# both believe they lead (clock drift between hosts does not matter: both times are the holder's).
LEASE_SAFETY = 0.5

_RENEW = ("if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) "
          "else return 0 end")
_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"


def make_lock(config, instance_path: str):
    """The lock this deployment uses, decided once at start-up."""
    if config.get("REDIS_URL"):
        return RedisLease(config["REDIS_URL"], f"{config.get('REDIS_PREFIX', 'focusroom')}:clock:leader")
    return TickerLock(config["SQLALCHEMY_DATABASE_URI"], instance_path)


class TickerLock:
    """Held by the one process allowed to tick. `acquire()` never blocks."""

    def __init__(self, database_url: str, instance_path: str):
        self.url = database_url
        self.instance_path = instance_path
        self._file = None
        self._connection = None
        self._engine = None
        self._standby_checks = 0

    @property
    def held(self) -> bool:
        return self._file is not None or self._connection is not None

    def acquire(self) -> bool:
        if self.held:
            return True
        if self.url.startswith("postgresql"):
            return self._acquire_advisory()
        return self._acquire_file()

    def still_held(self) -> bool:
        """PostgreSQL: the lock lives as long as its connection; check that it is alive."""
        if self._connection is None:
            return self.held
        try:
            self._connection.execute(text("SELECT 1"))
            return True
        except Exception:
            log.warning("ticker lock connection lost; standing by")
            self.release()
            return False

    def release(self) -> None:
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None
        if self._connection is not None:
            try:
                # Unlock explicitly: the server frees a closed session's locks a moment after the
                # client has moved on, so a successor asking at once could still be refused.
                self._connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_KEY})
            except Exception:
                pass
            try:
                self._connection.close()
            except Exception:
                pass
            self._connection = None
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    def lock_path(self) -> str | None:
        database = self.url.split("///", 1)[1] if "///" in self.url else ""
        if not database or database == ":memory:" or database.startswith("file::memory"):
            return None  # a private in-memory database: no other process can share it
        return database.split("?", 1)[0] + ".ticker.lock"

    def _acquire_file(self) -> bool:
        path = self.lock_path()
        handle = open(path, "a+") if path else None
        if handle is None:
            self._file = open(os.devnull, "a+")
            return True
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        self._file = handle
        return True

    def _acquire_advisory(self) -> bool:
        self._engine = self._engine or create_engine(self.url, poolclass=NullPool)
        connection = self._engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        got = connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_KEY}).scalar()
        if got:
            self._connection = connection
            return True
        connection.close()
        return False

    check_seconds = 1.0

    def keep(self) -> bool:
        """Called every `check_seconds`: check the held lock, or (now and then) try to get it."""
        if self.held:
            return self.still_held()
        self._standby_checks += 1
        return self._standby_checks % RETRY_LOCK_EVERY == 0 and self.acquire()


class RedisLease:
    """A lease in Redis, shared by every host that reaches the same Redis."""

    check_seconds = 0.1  # a standby's SET NX costs Redis next to nothing

    def __init__(self, url: str, key: str, lease_ms: int = LEASE_MS):
        import redis
        self.key, self.lease_ms = key, lease_ms
        self.token = f"{os.uname().nodename}:{os.getpid()}:{secrets.token_hex(8)}"
        self._redis = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1, socket_keepalive=True)
        self._valid_until = 0.0
        self._renewed_at = 0.0
        self._complained_at = float("-inf")

    @property
    def held(self) -> bool:
        return time.monotonic() < self._valid_until

    def acquire(self) -> bool:
        if self.held:
            return True
        started = time.monotonic()
        try:
            got = self._redis.set(self.key, self.token, nx=True, px=self.lease_ms)
        except Exception as error:
            if time.monotonic() - self._complained_at > 30:  # a standby asks ten times a second
                self._complained_at = time.monotonic()
                log.warning("clock lease: Redis unreachable (%s)", error)
            return False
        if got:
            self._granted(started)
        return bool(got)

    def keep(self) -> bool:
        """Renew about every second while held; try to take over otherwise."""
        if not self.held:
            return self.acquire()
        started = time.monotonic()
        if started - self._renewed_at < RENEW_EVERY:
            return True
        try:
            renewed = self._redis.eval(_RENEW, 1, self.key, self.token, self.lease_ms)
        except Exception as error:  # keep ticking until the lease may have run out, not longer
            log.warning("clock lease: could not renew (%s)", error)
            return self.held
        if renewed:
            self._granted(started)
        else:
            log.warning("clock lease lost to another clock")
            self._valid_until = 0.0
        return bool(renewed)

    def still_held(self) -> bool:
        return self.held

    def release(self) -> None:
        self._valid_until = 0.0
        try:
            self._redis.eval(_RELEASE, 1, self.key, self.token)
        except Exception:
            pass  # it expires by itself
        self._redis.close()

    def _granted(self, asked_at: float) -> None:
        # Counted from before the request went out: Redis started the lease no earlier than that.
        self._renewed_at = asked_at
        self._valid_until = asked_at + self.lease_ms / 1000 - LEASE_SAFETY
