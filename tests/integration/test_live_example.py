"""examples/live_client.py, the README's 30-line script, runs a room with a person on the room page."""
import subprocess
import sys
import threading
import queue
from datetime import timedelta
from pathlib import Path

from sqlalchemy import update

from tests.integration.test_rooms_socket import Person, wait_for
from tests.support.live import make_token
from webapp.extensions import db
from webapp.models import Room, utcnow

SCRIPT = Path(__file__).resolve().parents[2] / "examples" / "live_client.py"


def test_the_example_script_runs_a_room_with_a_person_on_the_page(live_server):
    _, token = make_token(live_server.app, "script")
    script = subprocess.Popen([sys.executable, str(SCRIPT), live_server.url, token], stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in script.stdout], daemon=True).start()
    try:
        first = lines.get(timeout=10)
        assert first.startswith("Room ") and f"{live_server.url}/r/" in first, first
        code = first.split()[1].rstrip(":")
        person = Person(live_server, "reader")
        person.join(code)
        page = person.connect(code)
        wait_for(page, 'data-status="running"', seconds=8)  # the script started when Reader came
        with live_server.app.app_context():  # pretend the 25 minutes are nearly over
            db.session.execute(update(Room).where(Room.code == code).values(phase_ends_at=utcnow() + timedelta(seconds=1)))
            db.session.commit()
        wait_for(page, 'data-status="completed"', seconds=8)
        assert script.wait(timeout=10) == 0
        output = "".join(iter(lambda: lines.get(timeout=1) if not lines.empty() else None, None))
        assert "Reader joined; starting" in first + output
        assert "Done:" in output and "'Reader'" in output
        page.close()
    finally:
        if script.poll() is None:
            script.kill()
