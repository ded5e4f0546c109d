"""One derivation for live and final figures, and a server outage at a phase's end, with an
injected clock, through the rooms' timer service (deadlines, skips) and tracking's hooks."""
import pytest

from tests.support import factories
from tests.support.tracking import at, join, make_room, record_of
from webapp.extensions import db
from webapp.rooms import services, ticking, timer_service
from tests.support import hooks
from webapp.tracking import ticking as tracking_ticking
from webapp.tracking.flood import flood_guard


@pytest.fixture(autouse=True)
def _fresh_flood_guard():
    flood_guard.reset()
    yield
    flood_guard.reset()


@pytest.fixture
def host(app):
    return factories.make_user("host")


def timed_room(host, **settings):
    """A room whose idle timer matches its settings, as the rooms service creates it."""
    room = make_room(host, **settings)
    timer_service.initialize(room)
    db.session.commit()
    return room


def report(room, participant, kind, seconds):
    hooks.client_report(room, participant, kind, at(seconds))
    db.session.commit()


def leave(room, participant, seconds):
    """What presence does when someone's last socket closes."""
    participant.connections, participant.left_at = 0, at(seconds)
    hooks.participant_disconnected(room, participant, at(seconds))
    db.session.commit()


def arrive(room, participant, seconds):
    participant.connections = 1
    hooks.participant_connected(room, participant, at(seconds))
    db.session.commit()


def shown(figures):
    return (figures["elapsed_seconds"], figures["active_seconds"], figures["idle_seconds"],
            figures["away_seconds"], figures["tab_switches"], figures["available_seconds"])


def stored(record):
    return (record.elapsed_ms // 1000, record.active_ms // 1000, (record.elapsed_ms - record.active_ms) // 1000,
            min(record.away_ms // 1000, (record.elapsed_ms - record.active_ms) // 1000), record.tab_switches,
            record.available_ms // 1000)


@pytest.mark.parametrize("moment", [25, 40, 59])
def test_the_live_figures_at_a_moment_are_the_final_figures_of_a_phase_ended_then(host, moment):
    room = timed_room(host, idle_threshold_seconds=15, work_minutes=1)
    alice = join(room, host)
    bob = join(room, factories.make_user("bob"))
    carol = join(room, factories.make_user("carol"), connections=0)
    services.control(room, host, "start", at(0))
    report(room, alice, "activity", 5)
    report(room, alice, "hidden", 8)
    report(room, alice, "visible", 12)
    leave(room, bob, 10)  # gone for good: his record ends when he left
    arrive(room, carol, 20)  # a late joiner
    people = (alice, bob, carol)
    live = {p.user_id: hooks.participant_figures(room, p, at(moment)) for p in people}

    services.control(room, host, "skip", at(moment))  # the phase ends right then

    for person in people:
        record = record_of(person)
        assert record.end_time is not None
        assert shown(live[person.user_id]) == stored(record), person.user_id
        assert live[person.user_id]["score_so_far"] == record.focus_score
    assert record_of(bob).status == "abandoned" and live[bob.user_id]["elapsed_seconds"] == 10
    assert live[carol.user_id]["available_seconds"] == moment - 20


def test_idle_never_reads_as_fully_active_for_long(host):
    """The list went out at the idle flip (15 s, 100 % active) and stayed so for the rest of the
    round; a room with someone idle or away is re-published every few seconds with figures at now."""
    room = timed_room(host, idle_threshold_seconds=15, work_minutes=1)
    alice = join(room, host)
    services.control(room, host, "start", at(0))
    assert hooks.tick(at(15)) == {room.id}
    db.session.commit()
    figures = hooks.participant_figures(room, alice, at(25))
    assert (figures["status"], figures["active_share"]) == ("idle", 0.6)
    refreshed = [second for second in range(16, 60) if room.id in hooks.tick(at(second))]
    db.session.commit()
    assert refreshed and max(b - a for a, b in zip([15, *refreshed], [*refreshed, 60])) <= 5


def test_a_phase_that_ended_while_the_server_was_down_judges_people_as_they_were_before(host):
    room = timed_room(host, idle_threshold_seconds=300, work_minutes=25, rounds=1)
    alice = join(room, host)
    bob = join(room, factories.make_user("bob"))
    services.control(room, host, "start", at(0))
    for second in range(100, 601, 100):
        report(room, alice, "activity", second)
        if second == 300:
            leave(room, bob, 300)  # bob really left, before the outage
        ticking.tick(at(second + 0.5))
    # The server dies at 600 s. The deadline (1500 s) passes while it is down; at 2000 s it starts
    # again, counts out the sockets that died with it, and its ticker catches up.
    for person in (alice, bob):
        if person.connections:
            leave(room, person, 2000)
    arrive(room, alice, 2000.2)  # her page reconnects before the first tick: after the phase
    dave = join(room, factories.make_user("dave"), connections=0)
    arrive(room, dave, 2000.3)  # and someone new arrives: the phase is over, whatever the room row says
    ticking.tick(at(2000.5))
    assert record_of(dave) is None

    alice_record, bob_record = record_of(alice), record_of(bob)
    assert (alice_record.status, alice_record.end_time) == ("completed", at(600))
    assert (alice_record.elapsed_ms, alice_record.active_ms, alice_record.available_ms) == (600_000,) * 3
    assert alice_record.focus_score == 100  # not 40 and "abandoned" for the server's downtime
    assert (bob_record.status, bob_record.end_time, bob_record.elapsed_ms) == ("abandoned", at(300), 300_000)


def test_a_phase_the_ticker_ends_on_time_counts_up_to_its_deadline(host):
    room = timed_room(host, idle_threshold_seconds=15, work_minutes=1, rounds=1)
    alice = join(room, host)
    services.control(room, host, "start", at(0))
    ticking.tick(at(30.5))
    ticking.tick(at(60.5))
    record = record_of(alice)
    assert (record.status, record.end_time, record.elapsed_ms, record.active_ms) == ("completed", at(60), 60_000, 15_000)


def test_big_rooms_showing_statuses_only_are_not_refreshed_for_figures(host, monkeypatch):
    from webapp.rooms import views
    monkeypatch.setattr(views, "FIGURES_IN_LIST_UP_TO", 1)
    tracking_ticking._drifting_rooms_statement.cache_clear()  # built once, with the limit of the time
    try:
        room = timed_room(host, idle_threshold_seconds=15, work_minutes=1)
        join(room, host)
        join(room, factories.make_user("bob"))
        services.control(room, host, "start", at(0))
        hooks.tick(at(16))
        db.session.commit()
        assert hooks.tick(at(20)) == set()
    finally:
        tracking_ticking._drifting_rooms_statement.cache_clear()
