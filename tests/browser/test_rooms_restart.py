"""kill -9 the server mid-session: after a restart the timer is where the clock says it is,
and the open page reconnects and catches up by itself."""
import os
import re
import signal
import socket
import subprocess
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import update

from tests.conftest import build_app
from tests.support.factories import DEFAULT_PASSWORD, make_user
from webapp.extensions import db
from webapp.models import Room, utcnow
from webapp.rooms import services

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Gunicorn:
    """The production server (gunicorn, one gevent worker, ticker inside) in its own process group."""

    def __init__(self, database: Path, port: int, log: Path):
        self.port, self.log = port, log
        self.env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "SECRET_KEY": "test-secret-key",
                    "RUN_TICKER": "1", "FOCUSROOM_ENV": "development", "WEB_CONCURRENCY": "1"}
        self.process = None

    def start(self) -> "Gunicorn":
        with open(self.log, "a") as log:
            self.process = subprocess.Popen(
                [str(ROOT / ".venv/bin/gunicorn"), "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{self.port}",
                 "wsgi:app"], cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/health", timeout=1) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.2)
        raise AssertionError("gunicorn did not start:\n" + self.log.read_text()[-3000:])

    def kill_9(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=5)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


def test_the_timer_survives_kill_9(tmp_path, browser):
    app = build_app("sqlite", tmp_path)  # creates the schema in tmp_path/test.sqlite3
    with app.app_context():
        host = make_user("phoenix", display_name="Phoenix")
        code = services.create_room(host, {"name": "Crash test", "auto_start_breaks": True}, utcnow()).code
    server = Gunicorn(tmp_path / "test.sqlite3", free_port(), tmp_path / "gunicorn.log").start()
    url = f"http://127.0.0.1:{server.port}"
    try:
        page = browser.new_context().new_page()
        page.goto(url + "/login")
        page.get_by_label("Username or email").fill("phoenix")
        page.get_by_label("Password").fill(DEFAULT_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.goto(f"{url}/r/{code}")
        expect(page.locator(f"#room-{code}-connection")).to_have_attribute("data-state", "open")
        page.get_by_role("button", name="Start work").click()
        expect(page.locator(f"#room-{code}-timer")).to_have_attribute("data-status", "running")

        # The work phase is about to end; the server dies before its deadline.
        deadline = utcnow() + timedelta(seconds=4)
        with app.app_context():
            db.session.execute(update(Room).where(Room.code == code).values(phase_ends_at=deadline))
            db.session.commit()
        expect(page.locator(f"#room-{code}-timer .countdown")).to_have_text(re.compile(r"^00:0[0-4]$"))
        server.kill_9()
        expect(page.locator(f"#room-{code}-connection")).to_have_attribute("data-state", "reconnecting")
        time.sleep(max(0.0, (deadline - utcnow()).total_seconds()) + 3)  # the deadline passes while down

        server.start()
        expect(page.locator(f"#room-{code}-connection")).to_have_attribute("data-state", "open", timeout=45_000)
        timer = page.locator(f"#room-{code}-timer")
        expect(timer).to_have_attribute("data-phase", "short_break")
        expect(timer).to_have_attribute("data-status", "running")
        expected = 5 * 60 - (utcnow() - deadline).total_seconds()
        minutes, seconds = page.locator(f"#room-{code}-timer .countdown").inner_text().split(":")
        assert abs(int(minutes) * 60 + int(seconds) - expected) <= 1.5
        with app.app_context():  # the break began exactly at the old deadline, not at the restart
            room = db.session.execute(db.select(Room).where(Room.code == code)).scalar_one()
            assert room.phase_started_at == deadline
            assert room.phase_ends_at - room.phase_started_at == timedelta(minutes=5)

        # A graceful stop (SIGTERM) closes the socket with 1012, so the page will reconnect.
        page.evaluate("() => document.addEventListener('focusroom:socket-closed', "
                      "e => { window.firstCloseCode = window.firstCloseCode || e.detail.closeCode; })")
        server.stop()
        page.wait_for_function("() => window.firstCloseCode !== undefined")
        assert page.evaluate("() => window.firstCloseCode") == 1012  # later retries fail with 1006
        expect(page.locator(f"#room-{code}-connection")).to_have_attribute("data-state", "reconnecting")
    finally:
        server.stop()
