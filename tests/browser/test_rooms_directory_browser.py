"""The rooms directory in Chromium: a search survives Back, whether Back leaves a room or an
earlier search."""
import pytest
from playwright.sync_api import expect

from tests.support.factories import make_user
from webapp.models import utcnow
from webapp.rooms import liveness, presence, services

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def rooms(live_server):
    with live_server.app.app_context():
        # The hosts "sit" in their rooms through this process, which must then heartbeat like a
        # web process serving sockets, or the ticker counts them out as a dead process's.
        liveness.current().start()
        host = make_user("dirhost", display_name="Dana")
        for name in ("Chemistry exam prep", "Novel writing"):
            room = services.create_room(host, {"name": name, "is_public": True}, utcnow())
            presence.connect(room, host.id, utcnow())


def search(page, text):
    box = page.get_by_role("searchbox", name="Search rooms by name")
    box.fill("")
    box.press_sequentially(text, delay=30)
    page.wait_for_url(f"**/rooms?q={text}")
    expect(page.locator(".room-card")).to_have_count(1)


def test_back_from_a_room_shows_the_search_and_its_results(live_server, rooms, page):
    page.goto(live_server.url + "/rooms")
    search(page, "chem")
    page.get_by_role("link", name="Chemistry exam prep").click()
    page.wait_for_url("**/r/*")  # the invitation: a visitor types a name there and is in
    page.go_back()
    expect(page.get_by_role("heading", name="Public rooms")).to_be_visible()  # the page, not a bare fragment
    expect(page.get_by_role("searchbox", name="Search rooms by name")).to_have_value("chem")
    expect(page.locator(".room-card")).to_have_count(1)
    expect(page.locator(".room-card")).to_contain_text("Chemistry exam prep")


def test_back_to_an_earlier_search_restores_its_text(live_server, rooms, page):
    page.goto(live_server.url + "/rooms")
    search(page, "chem")
    search(page, "novel")
    page.go_back()
    page.wait_for_url("**/rooms?q=chem")
    expect(page.get_by_role("searchbox", name="Search rooms by name")).to_have_value("chem")
    expect(page.locator(".room-card")).to_contain_text("Chemistry exam prep")
