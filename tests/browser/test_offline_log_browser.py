"""The focus log on a train: offline, an interruption, a manual entry and a ticked task wait in the
outbox (IndexedDB) and survive a reload; back online they reach the history exactly once, even when
the same outbox is sent again; a refused entry stays, with the server's message, until discarded."""
import json
import re
import time
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from tests.browser.test_focus_log_browser import SHOTS, shoot, sign_in
from tests.browser.test_pwa_browser import keep_for_offline
from webapp.extensions import db
from webapp.focus import services
from webapp.models import FocusSession, Interruption, Room, Task, User, utcnow
from webapp.models.types import to_epoch_ms

pytestmark = pytest.mark.browser


def counts(live_server, username):
    with live_server.app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        sessions = db.session.scalar(select(func.count()).select_from(FocusSession).where(FocusSession.user_id == user.id))
        interruptions = db.session.scalar(select(func.count()).select_from(Interruption)
                                          .where(Interruption.user_id == user.id))
        done = [task.done for task in db.session.scalars(select(Task).where(Task.user_id == user.id))]
        return sessions, interruptions, done


def add_entry(page, start, end):
    page.get_by_label("Start").fill(start)
    page.get_by_label("End").fill(end)
    page.get_by_role("button", name="Add session").click()


def test_offline_log_syncs_exactly_once(live_server, page, context):
    sign_in(live_server, page, "otto")
    with live_server.app.app_context():
        otto = db.session.scalar(select(User).where(User.username == "otto"))
        services.create_task(otto, title="Essay", estimated_pomodoros=1)
    for path in ("/history/new", "/tasks"):  # visited once online: kept for offline use
        keep_for_offline(page, live_server.url, path)
    page.goto(live_server.url + "/focus")
    page.get_by_role("button", name="Start focusing").click()
    expect(page).to_have_url(re.compile(r"/r/[A-Z0-9]{6}$"))
    expect(page.locator(".connection")).to_have_attribute("data-state", "open")

    context.set_offline(True)
    page.locator("#live-now").get_by_role("button", name="Phone").click()
    outbox = page.locator("#outbox")
    expect(outbox.locator(".outbox-item")).to_have_count(1)
    expect(outbox).to_contain_text("Interruption: Phone")
    expect(outbox).to_contain_text("Waiting to sync")

    page.goto(live_server.url + "/history/new")  # the kept copy, without a network
    add_entry(page, "2024-05-01T09:00", "2024-05-01T09:45")
    expect(outbox.locator(".outbox-item")).to_have_count(2)
    add_entry(page, "2024-05-02T10:00", "2024-05-02T09:00")  # the server will refuse this one
    expect(outbox.locator(".outbox-item")).to_have_count(3)
    expect(outbox).to_contain_text("Manual entry: 2024-05-01 09:00 – 2024-05-01 09:45")
    page.goto(live_server.url + "/tasks")
    page.get_by_role("button", name="Mark done: Essay").click()
    expect(outbox.locator(".outbox-item")).to_have_count(4)
    page.reload()
    expect(outbox.locator(".outbox-item.is-waiting")).to_have_count(4)
    expect(outbox).to_contain_text("Task marked done: Essay")
    shoot(page, "offline-outbox")
    assert counts(live_server, "otto") == (1, 0, [False])  # only the solo session so far
    sent = page.evaluate("window.focusroomOutbox.items()")

    context.set_offline(False)  # `online`: the outbox replays in order
    expect(outbox.locator(".outbox-item")).to_have_count(1)
    refused = outbox.locator(".outbox-item.is-refused")
    expect(refused).to_contain_text("Not accepted: The end must be after the start.")
    shoot(page, "offline-refused")
    assert counts(live_server, "otto") == (2, 1, [True])

    # The same outbox sent again (say the answers were lost on the way): still exactly once.
    page.evaluate("""items => Promise.all(items.map(i => window.focusroomOutbox.put(i)))
                     .then(() => window.focusroomOutbox.replay())""", sent)
    expect(outbox.locator(".outbox-item")).to_have_count(1)
    assert counts(live_server, "otto") == (2, 1, [True])

    refused.get_by_role("button", name="Discard").click()
    expect(page.locator("#outbox")).to_have_count(0)
    page.goto(live_server.url + "/history")
    expect(page.locator("body")).to_contain_text("Phone")


def test_the_solo_timer_runs_offline_and_survives_a_reload(live_server, page, context):
    sign_in(live_server, page, "tara")
    page.goto(live_server.url + "/focus")
    page.get_by_role("button", name="Start focusing").click()
    expect(page).to_have_url(re.compile(r"/r/[A-Z0-9]{6}$"))
    expect(page.locator(".connection")).to_have_attribute("data-state", "open")
    room_path = page.url.removeprefix(live_server.url)
    keep_for_offline(page, live_server.url, room_path)  # a person's own solo room is kept
    expect(page.locator(".connection")).to_have_attribute("data-state", "open")
    page.wait_for_function("() => document.querySelector('.countdown').textContent !== '25:00'")

    def seconds_left():
        minutes, seconds = page.locator(".countdown").inner_text().split(":")
        return int(minutes) * 60 + int(seconds), page.evaluate("Date.now()")

    context.set_offline(True)
    before, at = seconds_left()
    page.reload()
    expect(page.locator(".room-timer")).to_have_attribute("data-status", "running")
    page.wait_for_function("() => document.querySelector('.countdown').textContent !== ''")
    after, later = seconds_left()
    elapsed = (later - at) / 1000
    assert before - elapsed - 2 <= after <= before - elapsed + 2, (before, after, elapsed)
    expect(page.locator(".connection")).to_have_attribute("data-state", "offline")


def test_an_offline_edit_that_lost_to_another_device_says_so(live_server, page, context):
    from datetime import datetime, timezone
    sign_in(live_server, page, "lena")
    with live_server.app.app_context():
        lena = db.session.scalar(select(User).where(User.username == "lena"))
        entry = services.create_manual(lena, start_time=datetime(2024, 5, 1, 8, tzinfo=timezone.utc),
                                       end_time=datetime(2024, 5, 1, 8, 25, tzinfo=timezone.utc), note="First")
        entry_id = entry.id
    keep_for_offline(page, live_server.url, f"/history/{entry_id}/edit")
    context.set_offline(True)
    page.get_by_label("Note").fill("Edited on the train")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator("#outbox .outbox-item.is-waiting")).to_have_count(1)
    with live_server.app.app_context():  # meanwhile, the laptop saves its own edit
        lena = db.session.scalar(select(User).where(User.username == "lena"))
        services.update_session(lena, entry_id, note="Edited on the laptop")
    context.set_offline(False)
    refused = page.locator("#outbox .outbox-item.is-refused")
    expect(refused.locator(".outbox-state")).to_have_text(re.compile(r"^Not accepted: Changed on another device at \d\d:\d\d, after this edit: "
                                               r"the newer version was kept\.$"))
    shoot(page, "offline-edit-lost")
    with live_server.app.app_context():
        assert db.session.get(FocusSession, entry_id).note == "Edited on the laptop"


PHASE_CASES = json.loads((Path(__file__).parents[1] / "fixtures" / "timer_phases.json").read_text())["cases"]


def test_the_page_phase_rule_passes_the_server_rule_cases(page):
    """static/js/phases.js against the cases rules/timer.py and rules/solo.py pass
    (tests/unit/test_timer_phase_fixtures.py): the page goes on exactly as the server would."""
    page.set_content("<!doctype html><title>phases</title>")
    page.add_script_tag(path=str(Path(__file__).parents[2] / "static" / "js" / "phases.js"))
    results = page.evaluate("""cases => cases.map(c => {
        const s = c.state, base = 1700000000000;
        const state = {status: s.status, phase: s.phase, round: s.round, remaining_ms: s.remaining * 1000,
                       ends_at_ms: s.ends_at === null ? null : base + s.ends_at * 1000};
        const out = FocusroomPhases.advance(state, c.config, base + c.now * 1000), n = out.state;
        return {status: n.status, phase: n.phase, round: n.round, ended: out.ended.length,
                ends_at: n.ends_at_ms === null ? null : (n.ends_at_ms - base) / 1000,
                remaining: n.status === "running" ? null : n.remaining_ms / 1000,
                phase_words: FocusroomPhases.phaseWords(n.status, n.phase, n.round, c.config.rounds),
                headline: FocusroomPhases.headline(n.status, n.phase, n.round, c.config.rounds)};
    })""", PHASE_CASES)
    for case, got in zip(PHASE_CASES, results):
        expected = dict(case["expected"])
        if expected["status"] == "running":
            expected["remaining"] = None
        assert got == expected, case["name"]


def shoot_all(page, name):
    """shoot()'s phone, desktop and desktop-dark, plus the phone in dark."""
    shoot(page, name)
    page.set_viewport_size({"width": 390, "height": 844})
    page.emulate_media(color_scheme="dark")
    page.wait_for_timeout(400)
    page.screenshot(path=str(SHOTS / f"{name}-phone-dark.png"), full_page=True, caret="initial")
    page.emulate_media(color_scheme="light")
    page.set_viewport_size({"width": 1280, "height": 800})


def publish_deadline_in(live_server, code, seconds):
    """Bring the running focus's end close, as a real change: a new timer version, published to the page."""
    from webapp.rooms import publishing
    with live_server.app.app_context():
        room = db.session.scalar(select(Room).where(Room.code == code, Room.archived_at.is_(None)))
        room.phase_ends_at = utcnow() + timedelta(seconds=seconds)
        room.timer_version += 1
        db.session.commit()
        publishing.publish_timer_change(room, utcnow(), announce=False)


def start_short_solo(live_server, page, username):
    """A solo cycle of two 1-minute focuses with 1-minute breaks (breaks start by themselves, focuses
    wait), its page kept for offline use; returns the room's code."""
    sign_in(live_server, page, username)
    page.goto(live_server.url + "/focus")
    page.get_by_label("Focus minutes").fill("1")
    page.locator("summary", has_text="Your rhythm").click()
    page.get_by_label("Focuses in this session").fill("2")
    page.get_by_label("Short break minutes").fill("1")
    page.get_by_role("button", name="Start focusing").click()
    expect(page).to_have_url(re.compile(r"/r/[A-Z0-9]{6}$"))
    room_path = page.url.removeprefix(live_server.url)
    keep_for_offline(page, live_server.url, room_path)
    expect(page.locator(".connection")).to_have_attribute("data-state", "open")
    return room_path.rsplit("/", 1)[1]


def test_offline_the_solo_timer_goes_on_to_its_break_and_the_server_agrees_later(live_server, page, context):
    code = start_short_solo(live_server, page, "pia")
    timer = page.locator(".room-timer")
    publish_deadline_in(live_server, code, 4)
    page.wait_for_function("() => Number(document.querySelector('.room-timer').dataset.endsAtMs) - Date.now() < 6000")

    context.set_offline(True)  # airplane mode with the page open: nobody sends it the next phase
    expect(page.locator(".connection")).to_have_attribute("data-state", "offline")
    expect(timer).to_have_attribute("data-phase", "short_break", timeout=10000)
    expect(timer).to_have_attribute("data-version", re.compile(r"^\d+\.5$"))  # the page's own, not the server's
    expect(timer).to_have_attribute("data-status", "running")  # breaks start by themselves
    expect(timer.locator(".timer-phase")).to_have_text(re.compile(r"^\s*Short break · next: focus 2 of 2\s*$"))
    expect(timer.locator(".timer-headline")).to_have_text("Break: step away from the screen")
    expect(page.locator(".countdown")).to_have_text(re.compile(r"^00:5\d|01:00$"))
    local_end = int(timer.get_attribute("data-ends-at-ms"))
    expect(page.locator(".room-controls")).to_have_class(re.compile(r"\bis-stale\b"))  # they act on the server's timer
    shoot_all(page, "offline-solo-break")

    page.reload()  # still offline: the page's own phase outlives a reload
    expect(timer).to_have_attribute("data-phase", "short_break")
    expect(timer.locator(".timer-phase")).to_contain_text("Short break · next: focus 2 of 2")
    assert int(timer.get_attribute("data-ends-at-ms")) == local_end

    context.set_offline(False)  # the socket reconnects; the server's whole state replaces the page's
    expect(page.locator(".connection")).to_have_attribute("data-state", "open", timeout=20000)
    page.wait_for_function("() => Number.isInteger(Number(document.querySelector('.room-timer').dataset.version))")
    expect(timer).to_have_attribute("data-phase", "short_break")
    assert abs(int(timer.get_attribute("data-ends-at-ms")) - local_end) <= 1  # the same deadline: no jump
    expect(page.locator(".room-controls")).not_to_have_class(re.compile(r"\bis-stale\b"))


def test_online_but_unanswered_a_change_waits_in_the_outbox_and_arrives_once(live_server, page):
    """The browser says online, but the request fails (the network drops it, a proxy answers 504):
    the change waits to sync instead of being lost; a 4xx is the server's answer and is shown."""
    sign_in(live_server, page, "nora")
    with live_server.app.app_context():
        nora = db.session.scalar(select(User).where(User.username == "nora"))
        services.create_task(nora, title="Essay", estimated_pomodoros=1)
    page.goto(live_server.url + "/history/new")
    outbox = page.locator("#outbox")

    def drop_posts(route):
        if route.request.method == "POST":
            route.abort("internetdisconnected")
        else:
            route.continue_()
    page.route("**/history/new", drop_posts)
    add_entry(page, "2024-05-01T09:00", "2024-05-01T09:45")
    expect(outbox.locator(".outbox-item.is-waiting")).to_have_count(1)
    expect(outbox).to_contain_text("Manual entry: 2024-05-01 09:00 – 2024-05-01 09:45")
    assert counts(live_server, "nora") == (0, 0, [False])

    page.unroute("**/history/new")
    # Back online, with the entry still waiting: the next one goes in line behind it, and is sent
    # right after it; the server refuses this one, and it stays listed with the server's message.
    add_entry(page, "2024-05-02T10:00", "2024-05-02T09:00")
    refused = outbox.locator(".outbox-item.is-refused")
    expect(refused).to_contain_text("Not accepted: The end must be after the start.")
    expect(outbox.locator(".outbox-item")).to_have_count(1)
    assert counts(live_server, "nora") == (1, 0, [False])
    refused.get_by_role("button", name="Discard").click()
    expect(page.locator("#outbox")).to_have_count(0)
    add_entry(page, "2024-05-02T10:00", "2024-05-02T09:00")  # nothing waits: the form says why, as always
    expect(page.locator(".field-error, .form-error").first).to_contain_text("The end must be after the start.")
    expect(page.locator("#outbox")).to_have_count(0)

    # The toggle reached the server, but the answer was lost (a proxy's 504): kept, and replayed
    # under the same key it gets the first answer, so the task is not ticked twice (undone).
    page.goto(live_server.url + "/tasks")

    def lose_the_answer(route):
        route.fetch()
        route.fulfill(status=504, body="Gateway Timeout")
    page.route("**/tasks/*/done", lose_the_answer)
    page.get_by_role("button", name="Mark done: Essay").click()
    expect(outbox.locator(".outbox-item.is-waiting")).to_contain_text("Task marked done: Essay")
    assert counts(live_server, "nora") == (1, 0, [True])
    page.unroute("**/tasks/*/done")
    page.reload()
    expect(page.locator("#outbox")).to_have_count(0)
    assert counts(live_server, "nora") == (1, 0, [True])
    page.goto(live_server.url + "/history")
    expect(page.locator("body")).to_contain_text("09:45")


def test_offline_an_interruption_holds_the_solo_countdown_and_arrives_at_its_moment(live_server, page, context):
    sign_in(live_server, page, "ines")
    page.goto(live_server.url + "/focus")
    page.get_by_role("button", name="Start focusing").click()
    expect(page).to_have_url(re.compile(r"/r/[A-Z0-9]{6}$"))
    code = page.url.rsplit("/", 1)[1]
    keep_for_offline(page, live_server.url, f"/r/{code}")
    expect(page.locator(".connection")).to_have_attribute("data-state", "open")
    timer, panel, countdown = page.locator(".room-timer"), page.locator("#live-now"), page.locator(".countdown")
    page.wait_for_function("() => document.querySelector('.countdown').textContent !== '25:00'")

    context.set_offline(True)
    clicked_phone = (time.time(),)
    panel.get_by_role("button", name="Phone").click()  # as online: the countdown waits
    clicked_phone += (time.time(),)
    expect(timer).to_have_attribute("data-status", "paused")
    expect(panel).to_contain_text("Interrupted: Phone")
    expect(panel).to_contain_text("waiting to sync")
    expect(timer.locator(".timer-headline")).to_have_text("Paused: the countdown waits for you.")
    frozen = countdown.inner_text()
    page.wait_for_timeout(1500)
    expect(countdown).to_have_text(frozen)
    shoot_all(page, "offline-solo-interrupted")

    page.reload()  # still offline: still interrupted, still held
    expect(panel).to_contain_text("Interrupted: Phone")
    expect(timer).to_have_attribute("data-status", "paused")
    expect(countdown).to_have_text(frozen)
    page.wait_for_timeout(2000)
    clicked_back = (time.time(),)
    panel.get_by_role("button", name="I'm back").click()
    clicked_back += (time.time(),)
    expect(timer).to_have_attribute("data-status", "running")
    expect(panel.get_by_role("button", name="Phone")).to_be_visible()
    expect(page.locator("#outbox .outbox-item.is-waiting")).to_have_count(2)
    local_end = int(timer.get_attribute("data-ends-at-ms"))

    context.set_offline(False)  # replayed in order: the server holds its countdown as the page did
    expect(page.locator("#outbox")).to_have_count(0, timeout=15000)
    with live_server.app.app_context():
        ines = db.session.scalar(select(User).where(User.username == "ines"))
        interruption = db.session.scalar(select(Interruption).where(Interruption.user_id == ines.id))
        room = db.session.scalar(select(Room).where(Room.code == code))
        held = (interruption.end_time - interruption.start_time).total_seconds()
        # The time it really lasted: between the two clicks as this test saw them (not the replay's).
        shortest, longest = clicked_back[0] - clicked_phone[1], clicked_back[1] - clicked_phone[0]
        assert interruption.type == "phone" and shortest - 0.5 <= held <= longest + 0.5, (held, shortest, longest)
        assert held >= 3
        assert abs(to_epoch_ms(room.phase_ends_at) - local_end) <= 5  # the deadline the page showed
    expect(page.locator(".connection")).to_have_attribute("data-state", "open", timeout=20000)
    page.wait_for_function("() => Number.isInteger(Number(document.querySelector('.room-timer').dataset.version))")
    assert abs(int(timer.get_attribute("data-ends-at-ms")) - local_end) <= 5  # no jump
    assert counts(live_server, "ines")[1] == 1


def test_online_an_interruption_that_does_not_arrive_still_holds_the_countdown(live_server, page):
    sign_in(live_server, page, "ivo")
    page.goto(live_server.url + "/focus")
    page.get_by_role("button", name="Start focusing").click()
    expect(page).to_have_url(re.compile(r"/r/[A-Z0-9]{6}$"))
    expect(page.locator(".connection")).to_have_attribute("data-state", "open")
    # The click does not wait for the socket's first message (the server's whole state): if that
    # comes after it, the page holds its countdown again (test_a_kept_interruption_still_holds...).
    timer, panel = page.locator(".room-timer"), page.locator("#live-now")
    page.route("**/focus/interrupted", lambda route: route.fulfill(status=502, body="Bad Gateway"))
    panel.get_by_role("button", name="Noise").click()
    expect(page.locator("#outbox .outbox-item.is-waiting")).to_contain_text("Interruption: Noise")
    expect(timer).to_have_attribute("data-status", "paused")
    expect(panel).to_contain_text("Interrupted: Noise")
    assert counts(live_server, "ivo")[1] == 0

    page.unroute("**/focus/interrupted")  # the proxy is back: the outbox tries again by itself, soon
    expect(page.locator("#outbox")).to_have_count(0, timeout=15000)
    expect(panel.get_by_role("button", name="I'm back")).to_be_visible()  # now the server's own panel
    expect(panel).not_to_contain_text("waiting to sync")
    expect(timer).to_have_attribute("data-status", "paused")
    assert counts(live_server, "ivo")[1] == 1


def test_a_kept_interruption_still_holds_when_the_servers_whole_state_arrives(live_server, page):
    """The server's whole state (an answer to "sync", a reconnection) knows nothing of a kept click:
    the page holds its countdown again from the click, and the server agrees when the click arrives."""
    sign_in(live_server, page, "ida")
    page.add_init_script("document.addEventListener('htmx:wsAfterMessage',"
                         " () => { window.wsMessages = (window.wsMessages || 0) + 1; })")
    page.goto(live_server.url + "/focus")
    page.get_by_role("button", name="Start focusing").click()
    expect(page).to_have_url(re.compile(r"/r/[A-Z0-9]{6}$"))
    page.wait_for_function("() => (window.wsMessages || 0) >= 1")
    timer, panel = page.locator(".room-timer"), page.locator("#live-now")
    page.route("**/focus/interrupted", lambda route: route.fulfill(status=502, body="Bad Gateway"))
    panel.get_by_role("button", name="Family").click()
    expect(page.locator("#outbox .outbox-item.is-waiting")).to_contain_text("Interruption: Family")
    expect(timer).to_have_attribute("data-status", "paused")
    held_left = int(timer.get_attribute("data-remaining-ms"))

    seen = page.evaluate("window.wsMessages")
    page.evaluate("window.Focusroom.roomSocketSend({type: 'sync'})")  # the server: "running"
    page.wait_for_function("n => window.wsMessages > n", arg=seen)
    page.wait_for_timeout(300)
    expect(timer).to_have_attribute("data-status", "paused")
    assert int(timer.get_attribute("data-remaining-ms")) == held_left  # held as of the click, still
    shown = page.locator(".countdown").inner_text()
    page.wait_for_timeout(1100)
    assert page.locator(".countdown").inner_text() == shown  # not counting down
    assert counts(live_server, "ida")[1] == 0

    panel.get_by_role("button", name="I'm back").click()  # kept too, behind its interruption
    expect(timer).to_have_attribute("data-status", "running")
    local_end = int(timer.get_attribute("data-ends-at-ms"))
    seen = page.evaluate("window.wsMessages")
    page.evaluate("window.Focusroom.roomSocketSend({type: 'sync'})")  # the server: running, never held
    page.wait_for_function("n => window.wsMessages > n", arg=seen)
    page.wait_for_timeout(300)
    expect(timer).to_have_attribute("data-status", "running")
    assert int(timer.get_attribute("data-ends-at-ms")) == local_end  # the held seconds still added

    page.unroute("**/focus/interrupted")
    expect(page.locator("#outbox")).to_have_count(0, timeout=15000)
    page.wait_for_function("() => Number.isInteger(Number(document.querySelector('.room-timer').dataset.version))")
    expect(timer).to_have_attribute("data-status", "running")
    assert abs(int(timer.get_attribute("data-ends-at-ms")) - local_end) <= 1000  # the server agrees
    assert counts(live_server, "ida")[1] == 1


def test_a_kept_interruption_never_holds_a_later_focus_the_server_runs(live_server, page):
    """A click kept in focus 1 (the proxy fails) while the server moves on to focus 2 (here by hand,
    as a host's other device could): the page shows focus 2 running, never held from focus 1's moment."""
    code = start_short_solo(live_server, page, "kip")
    timer, panel = page.locator(".room-timer"), page.locator("#live-now")
    page.route("**/focus/interrupted", lambda route: route.fulfill(status=502, body="Bad Gateway"))
    panel.get_by_role("button", name="Phone").click()
    expect(page.locator("#outbox .outbox-item.is-waiting")).to_contain_text("Interruption: Phone")
    expect(timer).to_have_attribute("data-status", "paused")

    from webapp.rooms import publishing
    with live_server.app.app_context():
        room = db.session.scalar(select(Room).where(Room.code == code))
        room.round, room.phase, room.status = 2, "work", "running"
        room.phase_ends_at, room.timer_version = utcnow() + timedelta(seconds=50), room.timer_version + 1
        db.session.commit()
        publishing.publish_timer_change(room, utcnow(), announce=False)
    expect(timer).to_have_attribute("data-round", "2")
    page.wait_for_timeout(1500)  # the clock's messages come and go: each shows the server's state again
    expect(timer).to_have_attribute("data-status", "running")
    assert float(timer.get_attribute("data-version")).is_integer()


def tasks_done(live_server, username):
    with live_server.app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        return {task.title: task.done for task in db.session.scalars(select(Task).where(Task.user_id == user.id))}


def shoot_both_schemes(page, name):
    """shoot() (phone and desktop light, desktop dark) plus the phone in dark."""
    shoot(page, name)
    page.set_viewport_size({"width": 390, "height": 844})
    page.emulate_media(color_scheme="dark")
    page.wait_for_timeout(400)  # Pico's colour transitions
    page.screenshot(path=str(SHOTS / f"{name}-phone-dark.png"), full_page=True, caret="initial")
    page.emulate_media(color_scheme="light")
    page.set_viewport_size({"width": 1280, "height": 800})


def test_a_task_ticked_offline_shows_at_once_and_then_takes_the_servers_state(live_server, page, context):
    sign_in(live_server, page, "tess")
    with live_server.app.app_context():
        tess = db.session.scalar(select(User).where(User.username == "tess"))
        services.create_task(tess, title="Essay", estimated_pomodoros=2)
        services.create_task(tess, title="Slides", estimated_pomodoros=1)
    keep_for_offline(page, live_server.url, "/tasks")
    essay, slides = page.locator(".task-row", has_text="Essay"), page.locator(".task-row", has_text="Slides")

    context.set_offline(True)
    page.get_by_role("button", name="Mark done: Essay").click()  # shown ticked at once, marked as waiting
    expect(essay.get_by_role("button", name="Mark not done: Essay")).to_have_attribute("aria-pressed", "true")
    expect(essay).to_contain_text("waiting to sync")
    expect(slides).not_to_contain_text("waiting to sync")
    page.get_by_role("button", name="Mark done: Slides").click()  # ticked, then unticked: as it was
    page.get_by_role("button", name="Mark not done: Slides").click()
    expect(page.locator("#outbox .outbox-item.is-waiting")).to_have_count(3)
    expect(page.locator("#outbox")).to_contain_text("Task marked not done: Slides")

    page.reload()  # the kept page, and the outbox in IndexedDB: still as the person left it
    expect(essay.get_by_role("button", name="Mark not done: Essay")).to_have_attribute("aria-pressed", "true")
    expect(essay).to_contain_text("waiting to sync")
    expect(slides.get_by_role("button", name="Mark done: Slides")).to_have_attribute("aria-pressed", "false")
    shoot_both_schemes(page, "offline-task-ticked")
    assert tasks_done(live_server, "tess") == {"Essay": False, "Slides": False}

    with live_server.app.app_context():  # meanwhile, the laptop ticks Slides
        tess = db.session.scalar(select(User).where(User.username == "tess"))
        slides_id = db.session.scalar(select(Task.id).where(Task.user_id == tess.id, Task.title == "Slides"))
        services.toggle_done(tess, slides_id)

    context.set_offline(False)  # replayed: the page then shows what the server holds
    expect(page.locator("#outbox")).to_have_count(0)
    expect(slides.get_by_role("button", name="Mark not done: Slides")).to_have_attribute("aria-pressed", "true")
    expect(essay.get_by_role("button", name="Mark not done: Essay")).to_have_attribute("aria-pressed", "true")
    expect(page.locator(".task-row.is-waiting")).to_have_count(0)
    expect(page.locator(".task-list")).not_to_contain_text("waiting to sync")
    assert tasks_done(live_server, "tess") == {"Essay": True, "Slides": True}

    page.get_by_role("button", name="Mark not done: Essay").click()  # the server's rows work as before
    expect(essay.get_by_role("button", name="Mark done: Essay")).to_have_attribute("aria-pressed", "false")
    assert tasks_done(live_server, "tess") == {"Essay": False, "Slides": True}
