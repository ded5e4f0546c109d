"""Hashing a password (~94 ms of scrypt) must not freeze a gevent worker's other greenlets."""
import subprocess
import sys
import textwrap
import threading

from webapp.accounts import passwords

UNDER_GEVENT = textwrap.dedent("""
    from gevent import monkey; monkey.patch_all()
    import gevent, time
    from webapp.accounts.passwords import hash_password, verify_password

    beats = []
    def heartbeat():  # another greenlet: a socket, a request
        while True:
            beats.append(time.perf_counter()); gevent.sleep(0.005)
    beater = gevent.spawn(heartbeat); gevent.sleep(0.02)
    started = time.perf_counter()
    stored = hash_password("a quiet morning 42")
    ok = verify_password(stored, "a quiet morning 42") and not verify_password(stored, "wrong one")
    took = time.perf_counter() - started
    during = [b for b in beats if b > started]
    gaps = [later - earlier for earlier, later in zip(during, during[1:])]
    print(ok, round(took, 3), len(during), round(max(gaps, default=took), 3))
""")


def test_under_gevent_the_event_loop_keeps_running_while_a_password_is_hashed():
    out = subprocess.run([sys.executable, "-c", UNDER_GEVENT], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    ok, took, beats, longest_gap = out.stdout.split()
    assert ok == "True"
    # Three scrypt runs take a few hundred ms; the other greenlet ran all along, never stalled
    # for as long as one whole hash (inline, it would not run at all until the end). Relative to
    # the run's own length, so a loaded machine slows both sides alike.
    assert int(beats) >= 10 and float(longest_gap) < float(took) / 3, out.stdout


def test_without_gevent_it_is_a_direct_call(monkeypatch):
    threads = []

    def fake_hash(password, method):
        threads.append(threading.current_thread())
        return f"{method}${password}"
    monkeypatch.setattr(passwords, "generate_password_hash", fake_hash)
    assert passwords.hash_password("x") == "scrypt$x"
    assert threads == [threading.current_thread()]


def test_hashing_leaves_the_event_loop_a_core(monkeypatch):
    monkeypatch.delenv("PASSWORD_HASH_THREADS", raising=False)
    monkeypatch.setattr(passwords, "_cores", lambda: 2)
    assert passwords.hashing_threads() == 1  # 40 sign-ups at once cannot starve the loop's core
    monkeypatch.setattr(passwords, "_cores", lambda: 1)
    assert passwords.hashing_threads() == 1
    monkeypatch.setattr(passwords, "_cores", lambda: 8)
    assert passwords.hashing_threads() == 7
    monkeypatch.setenv("PASSWORD_HASH_THREADS", "3")
    assert passwords.hashing_threads() == 3


BURST_UNDER_GEVENT = textwrap.dedent("""
    import os; os.environ["PASSWORD_HASH_THREADS"] = "1"
    from gevent import monkey; monkey.patch_all()
    import gevent
    from webapp.accounts import passwords

    real_sleep = monkey.get_original("time", "sleep")
    running, most = [0], [0]
    def counted(password, method):  # runs in the pool's native threads
        running[0] += 1; most[0] = max(most[0], running[0])
        real_sleep(0.02)  # long enough for a second thread, if there were one, to start another
        running[0] -= 1
        return "x"
    passwords.generate_password_hash = counted
    gevent.joinall([gevent.spawn(passwords.hash_password, "p") for _ in range(6)])
    print(most[0])
""")


def test_a_burst_of_hashes_runs_one_per_pool_thread():
    out = subprocess.run([sys.executable, "-c", BURST_UNDER_GEVENT], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "1", out.stdout
