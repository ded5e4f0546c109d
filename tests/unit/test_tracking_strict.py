"""Strict mode's grace window, "What pulled you away?", and detected interruptions."""
import pytest

from tests.support import factories
from tests.support.tracking import at, end_work, join, make_room, record_of, start_work
from webapp.extensions import db
from tests.support import hooks
from webapp.tracking import prompts
from webapp.tracking.flood import flood_guard


@pytest.fixture(autouse=True)
def _fresh_flood_guard():
    flood_guard.reset()


@pytest.fixture
def host(app):
    return factories.make_user("host")


@pytest.fixture
def strict_room(host):
    return make_room(host, strict_mode=True, grace_seconds=30, idle_threshold_seconds=15)


def report(room, participant, kind, seconds):
    hooks.client_report(room, participant, kind, at(seconds))
    db.session.commit()


def tick(seconds):
    rooms = hooks.tick(at(seconds))
    db.session.commit()
    return rooms


def test_away_for_the_whole_grace_window_fails_the_phase_for_everyone_to_see(strict_room, host):
    alice = join(strict_room, factories.make_user("alice"))
    start_work(strict_room, 0)
    report(strict_room, alice, "hidden", 10)
    assert tick(39.999) == set()
    assert hooks.participant_figures(strict_room, alice, at(39.999))["status"] == "away"
    assert tick(40) == {strict_room.id}
    assert hooks.participant_figures(strict_room, alice, at(40))["status"] == "failed"
    report(strict_room, alice, "visible", 50)  # coming back too late changes nothing
    assert hooks.participant_figures(strict_room, alice, at(51))["status"] == "failed"
    assert prompts.prompt_for(strict_room, alice, at(51)) == prompts.Prompt("failed")
    assert prompts.answer(strict_room, alice, "phone", at(52)) is None
    end_work(strict_room, 100)
    record = record_of(alice)
    assert record.status == "failed" and record.focus_score is not None
    assert (record.elapsed_ms, record.active_ms) == (100_000, 10_000 + 15_000)


def test_coming_back_in_time_and_answering_logs_an_interruption_instead(strict_room):
    alice = join(strict_room, factories.make_user("alice"))
    start_work(strict_room, 0)
    report(strict_room, alice, "hidden", 10)
    tick(25)
    report(strict_room, alice, "visible", 35)
    assert prompts.prompt_for(strict_room, alice, at(36)) == prompts.Prompt("ask", away_seconds=25)
    interruption = prompts.answer(strict_room, alice, "phone", at(38))
    db.session.commit()
    assert (interruption.type, interruption.source, interruption.start_time, interruption.end_time,
            interruption.duration) == ("phone", "live", at(10), at(35), 25)
    assert prompts.prompt_for(strict_room, alice, at(39)) is None
    tick(80)
    assert hooks.participant_figures(strict_room, alice, at(80)).get("status") != "failed"
    end_work(strict_room, 100)
    assert record_of(alice).status == "completed"
    assert [i.type for i in record_of(alice).interruptions] == ["phone"]


def test_an_answer_before_the_visible_report_arrives_still_counts(strict_room):
    alice = join(strict_room, factories.make_user("alice"))
    start_work(strict_room, 0)
    report(strict_room, alice, "hidden", 10)
    assert prompts.prompt_for(strict_room, alice, at(20)).state == "ask"
    interruption = prompts.answer(strict_room, alice, "other", at(20))
    db.session.commit()
    assert (interruption.type, interruption.duration) == ("unknown", 10)
    assert record_of(alice).mode == "active"


def test_unknown_answers_are_refused(strict_room):
    alice = join(strict_room, factories.make_user("alice"))
    start_work(strict_room, 0)
    with pytest.raises(prompts.UnknownAnswer):
        prompts.answer(strict_room, alice, "aliens", at(5))


def test_without_strict_mode_nobody_fails_and_nobody_is_asked(host):
    room = make_room(host, grace_seconds=30)
    alice = join(room, factories.make_user("alice"))
    start_work(room, 0)
    report(room, alice, "hidden", 10)
    tick(500)
    assert hooks.participant_figures(room, alice, at(500))["status"] == "away"
    assert prompts.prompt_for(room, alice, at(501)) is None


def test_a_paused_room_fails_nobody(strict_room):
    alice = join(strict_room, factories.make_user("alice"))
    start_work(strict_room, 0)
    report(strict_room, alice, "hidden", 10)
    strict_room.status = "paused"
    hooks.room_paused(strict_room, at(20))
    db.session.commit()
    tick(300)
    assert record_of(alice).status == "running"


def test_a_minute_away_is_recorded_as_an_unknown_detected_interruption(host):
    room = make_room(host)
    alice = join(room, factories.make_user("alice"))
    start_work(room, 0)
    report(room, alice, "hidden", 10)
    report(room, alice, "visible", 69)  # 59 s: not recorded
    report(room, alice, "hidden", 100)
    report(room, alice, "visible", 160)  # 60 s: recorded
    report(room, alice, "hidden", 200)
    end_work(room, 300)  # still hidden at the end: recorded up to the end
    spans = [(i.type, i.source, i.start_time, i.duration) for i in record_of(alice).interruptions]
    assert spans == [("unknown", "detected", at(100), 60), ("unknown", "detected", at(200), 100)]


def test_answering_after_a_long_spell_relabels_the_detected_interruption(host):
    room = make_room(host, strict_mode=True, grace_seconds=120)
    alice = join(room, factories.make_user("alice"))
    start_work(room, 0)
    report(room, alice, "hidden", 10)
    report(room, alice, "visible", 100)
    prompts.answer(room, alice, "family", at(101))
    db.session.commit()
    assert [(i.type, i.source, i.duration) for i in record_of(alice).interruptions] == [("family", "detected", 90)]


def test_a_blink_away_is_not_worth_a_question(strict_room):
    alice = join(strict_room, factories.make_user("alice"))
    start_work(strict_room, 0)
    report(strict_room, alice, "hidden", 10)
    report(strict_room, alice, "visible", 14.9)
    assert prompts.prompt_for(strict_room, alice, at(15)) is None
    report(strict_room, alice, "hidden", 20)
    report(strict_room, alice, "visible", 25)
    assert prompts.prompt_for(strict_room, alice, at(26)) == prompts.Prompt("ask", away_seconds=5)
