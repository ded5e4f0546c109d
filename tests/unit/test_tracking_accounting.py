"""Accounting through the hooks and the tick, with an injected clock: the threshold edge, pauses,
breaks, late, doubled and missed ticks, a restart, abandoned phases, and the score at the end."""
import pytest

from tests.support import factories
from tests.support.tracking import StatementCounter, at, end_work, join, make_room, record_of, start_work
from webapp.extensions import db
from webapp.rules.score import focus_score
from tests.support import hooks
from webapp.tracking.flood import flood_guard


@pytest.fixture(autouse=True)
def _fresh_flood_guard():
    flood_guard.reset()
    yield
    flood_guard.reset()


@pytest.fixture
def room(app):
    host = factories.make_user("host")
    return make_room(host, idle_threshold_seconds=15)


@pytest.fixture
def alice(room):
    return join(room, factories.make_user("alice"))


def report(room, participant, kind, seconds):
    changed = hooks.client_report(room, participant, kind, at(seconds))
    db.session.commit()
    return changed


def tick(seconds):
    rooms = hooks.tick(at(seconds))
    db.session.commit()
    return rooms


def figures(room, participant, seconds):
    return hooks.participant_figures(room, participant, at(seconds))


def tallies(record):
    return (record.elapsed_ms // 1000, record.active_ms // 1000, record.idle_ms // 1000, record.tab_switches)


# --- the idle threshold -------------------------------------------------------------------------

def test_exactly_at_the_threshold_the_person_is_idle(room, alice):
    start_work(room, 0)
    report(room, alice, "activity", 10)
    assert tick(24.999) == set()
    assert "status" not in figures(room, alice, 24.999)
    assert tick(25) == {room.id}
    assert figures(room, alice, 25)["status"] == "idle"
    assert tallies(record_of(alice)) == (25, 25, 0, 0)


def test_input_after_idle_makes_the_person_focusing_again(room, alice):
    start_work(room, 0)
    tick(20)
    assert report(room, alice, "activity", 30) is True
    shown = figures(room, alice, 31)
    assert "status" not in shown
    assert (shown["elapsed_seconds"], shown["active_seconds"], shown["idle_seconds"]) == (31, 16, 15)


def test_a_tick_five_seconds_late_counts_the_same(room, alice):
    start_work(room, 0)
    tick(20)  # the flip was due at 15
    late = tallies(record_of(alice))
    assert late == (20, 15, 5, 0)
    assert figures(room, alice, 20)["active_seconds"] == 15


def test_doubled_and_missed_ticks_change_nothing(room, alice):
    bob = join(room, factories.make_user("bob"))
    start_work(room, 0)
    report(room, bob, "hidden", 3)
    for seconds in (16, 16, 16.0, 40, 40):
        tick(seconds)
    shown = [figures(room, person, 40) for person in (alice, bob)]
    assert [(f["elapsed_seconds"], f["active_seconds"], f["idle_seconds"], f["tab_switches"])
            for f in shown] == [(40, 15, 25, 0), (40, 3, 37, 1)]
    end_work(room, 60)
    assert tallies(record_of(alice)) == (60, 15, 45, 0)
    assert tallies(record_of(bob)) == (60, 3, 57, 1)


# --- away, pauses and breaks --------------------------------------------------------------------

def test_a_hidden_tab_is_away_and_a_tab_switch(room, alice):
    start_work(room, 0)
    assert report(room, alice, "hidden", 5) is True
    shown = figures(room, alice, 12)
    assert shown["status"] == "away" and shown["tab_switches"] == 1
    assert (shown["active_seconds"], shown["idle_seconds"], shown["away_seconds"]) == (5, 7, 7)
    assert report(room, alice, "visible", 12) is True
    assert "status" not in figures(room, alice, 13)


def test_room_pause_and_personal_pause_are_not_counted(room, alice):
    start_work(room, 0)
    room.status = "paused"
    hooks.room_paused(room, at(10))
    db.session.commit()
    tick(100)
    room.status = "running"
    hooks.room_resumed(room, at(200))
    db.session.commit()
    alice.is_paused = True
    hooks.participant_paused(room, alice, True, at(205))
    db.session.commit()
    tick(400)
    alice.is_paused = False
    hooks.participant_paused(room, alice, False, at(500))
    db.session.commit()
    end_work(room, 510)
    assert tallies(record_of(alice)) == (25, 25, 0, 0)


def test_breaks_are_not_counted_and_the_next_phase_has_its_own_record(room, alice):
    start_work(room, 0)
    end_work(room, 60)
    first = record_of(alice)
    tick(200)
    report(room, alice, "hidden", 210)
    assert tallies(first) == (60, 15, 45, 0)
    start_work(room, 300)
    second = record_of(alice)
    assert second.id != first.id and second.round == first.round
    assert figures(room, alice, 301)["focus_score"] == first.focus_score


def test_a_resumed_room_counts_someone_who_left_as_away(room, alice):
    start_work(room, 0)
    room.status = "paused"
    hooks.room_paused(room, at(5))
    alice.connections = 0
    hooks.participant_disconnected(room, alice, at(6))
    room.status = "running"
    hooks.room_resumed(room, at(10))
    db.session.commit()
    assert record_of(alice).mode == "away"


# --- writes: event-driven and throttled ---------------------------------------------------------

def test_repeated_activity_is_not_written(room, alice):
    start_work(room, 0)
    with StatementCounter(db.engine) as counter:
        report(room, alice, "activity", 1)
        report(room, alice, "activity", 2)
    assert counter.writes() == []
    with StatementCounter(db.engine) as counter:
        report(room, alice, "activity", 5)
    assert len(counter.writes()) == 1


def test_a_flood_of_reports_is_ignored(room, alice):
    start_work(room, 0)
    results = [report(room, alice, kind, 1 + n * 0.01) for n, kind in enumerate(["hidden", "visible"] * 15)]
    assert results.count(True) == 20
    assert record_of(alice).tab_switches == 10


def test_a_late_joiner_gets_a_record_from_when_they_arrive(room, alice):
    start_work(room, 0)
    bob = join(room, factories.make_user("bob"), connections=0)
    assert bob.current_session is None
    bob.connections = 1
    hooks.participant_connected(room, bob, at(100))
    db.session.commit()
    end_work(room, 160)
    assert tallies(record_of(bob)) == (60, 15, 45, 0)
    assert record_of(bob).start_time == at(100)


# --- the end of a phase -------------------------------------------------------------------------

def test_the_score_at_the_end_follows_the_formula(room, alice):
    room.work_minutes = 2
    start_work(room, 0)
    for second in range(5, 30, 5):
        report(room, alice, "activity", second)
    report(room, alice, "hidden", 30)
    report(room, alice, "visible", 45)
    for second in range(50, 100, 5):
        report(room, alice, "activity", second)
    end_work(room, 120)
    record = record_of(alice)
    expected = focus_score(elapsed_seconds=120, active_seconds=30 + 65, idle_seconds=15 + 10,
                           tab_switches=1, target_seconds=120)
    assert tallies(record) == (120, 95, 25, 1)
    assert record.focus_score == expected.score == 76  # 100 * 95/120 - (2 + 25/30) = 76.3
    assert (record.status, record.end_time, record.duration_seconds) == ("completed", at(120), 120)
    assert figures(room, alice, 130)["focus_score"] == 76


def test_someone_who_left_and_never_came_back_abandoned_when_they_left(room, alice):
    start_work(room, 0)
    report(room, alice, "hidden", 100)
    alice.connections = 0
    hooks.participant_disconnected(room, alice, at(101))
    db.session.commit()
    tick(200)
    end_work(room, 1500)
    record = record_of(alice)
    assert (record.status, record.end_time, record.duration_seconds) == ("abandoned", at(100), 100)
    assert tallies(record) == (100, 15, 85, 1)
    assert record.interruptions == []


def test_someone_who_came_back_completes(room, alice):
    start_work(room, 0)
    alice.connections = 0
    hooks.participant_disconnected(room, alice, at(100))
    alice.connections = 1
    hooks.participant_connected(room, alice, at(130))
    db.session.commit()
    end_work(room, 200)
    record = record_of(alice)
    assert record.status == "completed" and record.away_ms == 30_000


def test_a_phase_reset_at_once_leaves_no_record(room, alice):
    start_work(room, 0)
    end_work(room, 0.5, finished=False)
    db.session.refresh(alice)
    assert alice.current_session is None


def test_a_restart_in_the_middle_changes_nothing(tmp_path):
    """The state lives in the rows: a new process (new app, new sessions) carries on exactly.
    (SQLite only: a second PostgreSQL app would reset the shared test schema.)"""
    database_kind = "sqlite"
    from tests.conftest import build_app

    def run(restart: bool):
        app = build_app(database_kind, tmp_path / ("r" if restart else "u"))
        with app.app_context():
            host = factories.make_user()
            room = make_room(host, idle_threshold_seconds=15)
            alice = join(room, host)
            start_work(room, 0)
            report(room, alice, "hidden", 20)
            tick(25)
            room_id, alice_id = room.id, alice.id
        if restart:
            db_engine_dispose(app)
            flood_guard.reset()
            app = build_app(database_kind, tmp_path / "r")
        with app.app_context():
            from webapp.models import Participant, Room
            room, alice = db.session.get(Room, room_id), db.session.get(Participant, alice_id)
            tick(40)
            report(room, alice, "visible", 47)
            tick(70)
            end_work(room, 90)
            result = tallies(record_of(alice)), record_of(alice).focus_score
            db.session.remove()
        db_engine_dispose(app)
        return result

    (tmp_path / "r").mkdir()
    (tmp_path / "u").mkdir()
    assert run(restart=True) == run(restart=False) == ((90, 30, 60, 1), 0)


def db_engine_dispose(app):
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_a_report_after_the_deadline_counts_at_the_deadline(room, alice):
    """The ticker ends the phase up to a second late; nothing after the deadline is counted."""
    start_work(room, 0)
    room.phase_ends_at = at(60)
    db.session.commit()
    report(room, alice, "hidden", 60.8)
    end_work(room, 60)
    record = record_of(alice)
    assert (record.elapsed_ms, record.tab_switches, record.end_time) == (60_000, 1, at(60))
