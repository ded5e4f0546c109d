"""The ticker lock: one process ticks, a second one stands by until the first lets go."""
import subprocess
import sys
import textwrap

import pytest

from tests.conftest import DATABASES, POSTGRES_URL
from webapp.clock import TickerLock
from webapp.rooms.forms import code_problem, normalize_code


@pytest.mark.parametrize("kind", DATABASES)
def test_only_one_ticker_lock_per_database(tmp_path, kind):
    url = POSTGRES_URL if kind == "postgresql" else f"sqlite:///{tmp_path / 'app.sqlite3'}"
    first, second = TickerLock(url, str(tmp_path)), TickerLock(url, str(tmp_path))
    assert first.acquire() and first.held
    assert not second.acquire() and not second.held
    first.release()
    assert second.acquire()
    second.release()


def test_the_lock_is_held_across_processes_and_freed_when_the_holder_dies(tmp_path):
    url = f"sqlite:///{tmp_path / 'app.sqlite3'}"
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sys, time
        from webapp.clock import TickerLock
        lock = TickerLock({url!r}, ".")
        assert lock.acquire()
        print("held", flush=True)
        time.sleep(60)
        """)], stdout=subprocess.PIPE, text=True, cwd=".")
    try:
        assert holder.stdout.readline().strip() == "held"
        assert not TickerLock(url, str(tmp_path)).acquire()
    finally:
        holder.kill()  # like kill -9: the kernel releases the lock
        holder.wait()
    survivor = TickerLock(url, str(tmp_path))
    assert survivor.acquire()
    survivor.release()


def test_a_private_in_memory_database_needs_no_file_lock(tmp_path):
    lock = TickerLock("sqlite://", str(tmp_path))
    assert lock.acquire() and lock.lock_path() is None
    lock.release()


def test_codes_are_normalized_and_checked():
    assert normalize_code(" k7q-m2x ") == "K7QM2X"
    assert code_problem("K7QM2X") is None
    assert "6 letters" in code_problem("K7QM20")  # 0 is not in the alphabet
    assert code_problem("") == "Enter a room code."
