"""A phone app (the stock python-socketio client) and a script (a plain JSON WebSocket) run a room
with a person in a real browser who joins by the code: one room, one timer, everyone sees everyone."""
import pytest
from playwright.sync_api import expect

from tests.integration.test_live_socketio import SioClient
from tests.support.browser import collect_console_errors
from tests.support.live import LiveClient, Schemas, make_token

pytestmark = pytest.mark.browser


def test_a_phone_a_script_and_a_browser_share_a_room(live_server, browser):
    schemas = Schemas(live_server.url)
    phone_id, phone_token = make_token(live_server.app, "phone")
    _, script_token = make_token(live_server.app, "script")
    phone = SioClient(live_server.url, schemas, phone_token)
    script = LiveClient(live_server, schemas, script_token)
    context = browser.new_context()
    page = context.new_page()
    errors = collect_console_errors(page)
    try:
        phone.send("create_session", {"name": "Phone sprint", "work_minutes": 25})
        code = phone.wait_for("session_created")["room_code"]
        script.send("join_session", {"room_code": code})
        script.wait_for("session_joined")

        # A person types the code on the home page's box, gives a name and is in.
        page.goto(f"{live_server.url}/rooms/join?code={code.lower()}")
        page.get_by_label("Your name").fill("Bea")
        page.get_by_role("button", name="Join the room").click()
        expect(page.locator(f"#room-{code}-connection")).to_have_attribute("data-state", "open")
        joined = phone.wait_for("participant_joined", name="Bea")
        script.wait_for("participant_joined", user_id=joined["participant"]["user_id"])
        expect(page.locator(f"#room-{code}-participants")).to_contain_text("Phone")

        # The phone starts the timer: the page runs it, both clients get the time every second.
        phone.send("start_session")
        expect(page.locator(f"#room-{code}-timer")).to_have_attribute("data-status", "running")
        phone.wait_for("time_update")
        script.wait_for("time_update")

        # The phone pauses only its person: the browser's list says so.
        phone.send("update_status", {"status": "paused"})
        row = page.locator(f"#room-{code}-participants li", has_text="Phone")
        expect(row).to_contain_text("paused")
        script.wait_for("participant_status_updated", user_id=phone_id, status="paused")
        assert errors == []
    finally:
        phone.close()
        script.close()
        context.close()
