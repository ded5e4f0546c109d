"""On a train, the next solo focus starts without the network (auto-start off): the page runs it
from the click, keeps the click in the outbox and survives a reload; back online the server runs
the focus from that same moment, the interruption logged in it arrives once, and replaying the
same outbox again changes nothing."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.test_offline_log_browser import counts, publish_deadline_in, shoot_all, start_short_solo
from webapp.extensions import db
from webapp.models import FocusSession, Interruption, Room
from webapp.models.types import to_epoch_ms

pytestmark = pytest.mark.browser


def room_row(live_server, code):
    with live_server.app.app_context():
        room = db.session.scalar(select(Room).where(Room.code == code))
        ends_at_ms = to_epoch_ms(room.phase_ends_at) if room.phase_ends_at else None
        return room.status, room.phase, room.round, ends_at_ms, room.timer_version


def test_offline_the_next_focus_starts_from_the_click_and_the_server_agrees_later(live_server, page, context):
    code = start_short_solo(live_server, page, "sol")  # focuses wait to be started
    timer, panel = page.locator(".room-timer"), page.locator("#live-now")
    page.wait_for_timeout(1500)  # focus 1 lasts long enough to be kept in the history
    page.locator(".room-controls").get_by_role("button", name="Skip to the break").click()
    expect(timer).to_have_attribute("data-phase", "short_break")
    publish_deadline_in(live_server, code, 4)
    page.wait_for_function("() => Number(document.querySelector('.room-timer').dataset.endsAtMs) - Date.now() < 6000")

    context.set_offline(True)  # the break ends on the page: focus 2 waits for a start
    expect(timer).to_have_attribute("data-phase", "work", timeout=10000)
    expect(timer).to_have_attribute("data-status", "idle")
    expect(page.locator(".room-controls")).to_be_hidden()  # its Pause and Skip act on the break gone by
    start = page.locator(f"#room-{code}-offline-start").get_by_role("button", name="Start focus 2")
    shoot_all(page, "offline-solo-start-waiting")
    clicked_ms = page.evaluate("Date.now()")
    start.click()
    expect(timer).to_have_attribute("data-status", "running")
    expect(timer.locator(".timer-phase")).to_contain_text("Focus 2 of 2")
    expect(page.locator(f"#room-{code}-offline-start")).to_have_count(0)
    outbox = page.locator("#outbox")
    expect(outbox.locator(".outbox-item.is-waiting")).to_contain_text("Start focus 2")
    expect(outbox).to_contain_text("Waiting to sync")
    shoot_all(page, "offline-solo-started")

    page.wait_for_timeout(1000)
    panel.get_by_role("button", name="Phone").click()  # logged during the focus started offline
    expect(timer).to_have_attribute("data-status", "paused")
    page.wait_for_timeout(2000)
    panel.get_by_role("button", name="I'm back").click()
    expect(timer).to_have_attribute("data-status", "running")
    expect(outbox.locator(".outbox-item.is-waiting")).to_have_count(3)
    local_end = int(timer.get_attribute("data-ends-at-ms"))

    page.reload()  # still offline: the focus the page started outlives a reload
    expect(timer).to_have_attribute("data-status", "running")
    expect(timer).to_have_attribute("data-round", "2")
    assert int(timer.get_attribute("data-ends-at-ms")) == local_end
    minutes, seconds = page.locator(".countdown").inner_text().split(":")
    left = (local_end - page.evaluate("Date.now()")) / 1000
    assert abs(int(minutes) * 60 + int(seconds) - left) <= 2, (minutes, seconds, left)
    # The server has not heard of it: focus 2 waits there (or the break is still to be ticked over).
    assert room_row(live_server, code)[:2] in {("idle", "work"), ("running", "short_break")}
    sent = page.evaluate("window.focusroomOutbox.items()")

    context.set_offline(False)  # replayed in order: the start, then the interruption and "I'm back"
    expect(page.locator("#outbox")).to_have_count(0, timeout=15000)
    status, phase, round_, ends_at_ms, version = room_row(live_server, code)
    assert (status, phase, round_) == ("running", "work", 2)
    assert abs(ends_at_ms - local_end) <= 2000, (ends_at_ms - local_end)
    assert counts(live_server, "sol")[:2] == (2, 1)  # the skipped focus 1 and focus 2; one interruption
    with live_server.app.app_context():
        interruption = db.session.scalar(select(Interruption))
        assert interruption.type == "phone" and 1 <= interruption.duration <= 5
        focus_2 = db.session.get(FocusSession, interruption.session_id)
        assert focus_2.round == 2 and abs(to_epoch_ms(focus_2.start_time) - clicked_ms) <= 1000
    expect(page.locator(".connection")).to_have_attribute("data-state", "open", timeout=20000)
    page.wait_for_function("() => Number.isInteger(Number(document.querySelector('.room-timer').dataset.version))")
    assert abs(int(timer.get_attribute("data-ends-at-ms")) - local_end) <= 2000  # no jump

    # The same outbox sent again (the answers lost on the way): nothing changes.
    page.evaluate("""items => Promise.all(items.map(i => window.focusroomOutbox.put(i)))
                     .then(() => window.focusroomOutbox.replay())""", sent)
    expect(page.locator("#outbox")).to_have_count(0)
    assert room_row(live_server, code) == (status, phase, round_, ends_at_ms, version)
    assert counts(live_server, "sol")[:2] == (2, 1)
    page.goto(live_server.url + "/history")
    expect(page.locator("body")).to_contain_text("Phone")


def test_a_refused_offline_start_stays_listed_with_the_servers_message(live_server, page, context):
    code = start_short_solo(live_server, page, "rey")
    page.locator(".room-controls").get_by_role("button", name="Skip to the break").click()
    expect(page.locator(".room-timer")).to_have_attribute("data-phase", "short_break")
    publish_deadline_in(live_server, code, 3)
    page.wait_for_function("() => Number(document.querySelector('.room-timer').dataset.endsAtMs) - Date.now() < 5000")
    context.set_offline(True)
    expect(page.locator(".room-timer")).to_have_attribute("data-status", "idle", timeout=10000)
    page.locator(f"#room-{code}-offline-start").get_by_role("button", name="Start focus 2").click()
    with live_server.app.app_context():  # meanwhile the laptop ended the session
        from webapp.focus import services
        from webapp.models import User
        services.end_solo(db.session.scalar(select(User).where(User.username == "rey")))
    context.set_offline(False)
    refused = page.locator("#outbox .outbox-item.is-refused")
    expect(refused).to_contain_text("Not accepted: This session is already over", timeout=15000)


def test_offline_the_servers_own_start_button_is_kept_too(live_server, page, context):
    """The phase ended while online (the server's Start shows); the network goes before the click."""
    code = start_short_solo(live_server, page, "uma")
    timer = page.locator(".room-timer")
    page.locator(".room-controls").get_by_role("button", name="Skip to the break").click()
    expect(timer).to_have_attribute("data-phase", "short_break")
    publish_deadline_in(live_server, code, 1)
    expect(timer).to_have_attribute("data-status", "idle", timeout=10000)
    page.wait_for_function("() => Number.isInteger(Number(document.querySelector('.room-timer').dataset.version))")
    context.set_offline(True)
    page.locator(".room-controls").get_by_role("button", name="Start focus 2").click()
    expect(timer).to_have_attribute("data-status", "running")
    expect(page.locator("#outbox .outbox-item.is-waiting")).to_contain_text("Start focus 2")
    local_end = int(timer.get_attribute("data-ends-at-ms"))
    context.set_offline(False)
    expect(page.locator("#outbox")).to_have_count(0, timeout=15000)
    status, phase, round_, ends_at_ms, _ = room_row(live_server, code)
    assert (status, phase, round_) == ("running", "work", 2) and abs(ends_at_ms - local_end) <= 2000
