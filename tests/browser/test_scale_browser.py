"""Two browsers on two web processes (gunicorn, gevent) share one room through Redis; the clock
runs as a process of its own. Needs PostgreSQL and Redis (see tests/support/cluster.py)."""
import re
import time

import pytest
from playwright.sync_api import expect

from tests.browser.test_rooms_browser import seconds_shown, sign_in
from tests.support.browser import collect_console_errors
from tests.support.cluster import scale_cluster
from tests.support.factories import make_user

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    with scale_cluster(tmp_path_factory.mktemp("cluster-browser")) as running:
        yield running


def test_a_host_on_one_web_process_and_a_guest_on_another_share_the_room(cluster, browser):
    with cluster.app.app_context():
        make_user("scalehost", display_name="Hosta")
    host_context, guest_context = browser.new_context(), browser.new_context()
    host, guest = host_context.new_page(), guest_context.new_page()
    host_errors, guest_errors = collect_console_errors(host), collect_console_errors(guest)

    sign_in(host, cluster.a, "scalehost")  # the host's browser talks to web process A
    host.goto(cluster.a.url + "/rooms/new")
    host.get_by_label("Room name").fill("Across processes")
    host.get_by_role("button", name="Create the room").click()
    code = re.search(r"/r/([A-Z0-9]{6})$", host.url).group(1)
    expect(host.locator(f"#room-{code}-connection")).to_have_attribute("data-state", "open")

    guest.goto(f"{cluster.b.url}/r/{code}")  # the guest's, to web process B
    guest.get_by_label("Your name").fill("Gia")  # the invitation joins in one step
    guest.get_by_role("button", name="Join the room").click()
    expect(guest.locator(f"#room-{code}-connection")).to_have_attribute("data-state", "open")
    expect(host.locator(f"#room-{code}-participants")).to_contain_text("Gia")  # B -> Redis -> A
    expect(guest.locator(f"#room-{code}-participants")).to_contain_text("Hosta")

    host.locator("body").press("Space")  # the start, published by A, reaches B
    for page in (host, guest):
        expect(page.locator(f"#room-{code}-timer")).to_have_attribute("data-status", "running")
    time.sleep(1.2)
    assert abs(seconds_shown(host, code) - seconds_shown(guest, code)) <= 1
    host.get_by_role("button", name="Pause", exact=True).click()
    expect(guest.locator(f"#room-{code}-timer")).to_have_attribute("data-status", "paused")
    assert host_errors == [] and guest_errors == []
    host_context.close()
    guest_context.close()
