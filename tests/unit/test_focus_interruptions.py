"""Interruption rules: live logging, "I'm back", entries afterwards, edits, detection, ownership."""
from datetime import datetime, timezone

import pytest

from webapp.extensions import db
from webapp.focus import services
from webapp.models import Interruption

UTC = timezone.utc
NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def at(hour, minute=0, second=0):
    return datetime(2024, 5, 1, hour, minute, second, tzinfo=UTC)


@pytest.fixture
def alice(make_user):
    return make_user("alice")


@pytest.fixture
def bob(make_user):
    return make_user("bob")


@pytest.fixture
def ended(alice):
    return services.create_manual(alice, start_time=at(8), end_time=at(9), now=NOW)


def test_live_interruption_starts_now_and_im_back_computes_duration(alice):
    session = services.start_session(alice, now=at(11))
    live = services.log_interruption(alice, session.id, type="phone", description="Mum", now=at(11, 10))
    assert (live.source, live.start_time, live.end_time, live.duration) == ("live", at(11, 10), None, None)
    back = services.end_interruption(alice, live.id, now=at(11, 12, 30))
    assert (back.end_time, back.duration) == (at(11, 12, 30), 150)
    with pytest.raises(services.Conflict, match="already ended"):
        services.end_interruption(alice, live.id, now=at(11, 13))


def test_live_logging_only_in_an_active_session(alice, ended):
    with pytest.raises(services.Conflict, match="only works during an active session"):
        services.log_interruption(alice, ended.id, type="phone", now=NOW)
    assert db.session.query(Interruption).count() == 0


def test_one_open_interruption_at_a_time(alice):
    session = services.start_session(alice, now=at(11))
    services.log_interruption(alice, session.id, type="phone", now=at(11, 10))
    with pytest.raises(services.Conflict, match="I'm back"):
        services.log_interruption(alice, session.id, type="noise", now=at(11, 11))


def test_ending_the_session_closes_an_open_interruption_at_its_end(alice):
    session = services.start_session(alice, now=at(11))
    live = services.log_interruption(alice, session.id, type="self", now=at(11, 20))
    services.end_session(alice, session.id, now=at(11, 25))
    assert (live.end_time, live.duration) == (at(11, 25), 300)
    assert services.figures(session)["idle_seconds"] == 300


def test_im_back_after_the_session_ended_stops_at_the_session_end(alice):
    session = services.start_session(alice, now=at(11))
    live = services.log_interruption(alice, session.id, type="self", now=at(11, 20))
    session.status, session.end_time = "completed", at(11, 25)  # e.g. a room's phase ended elsewhere
    db.session.commit()
    assert services.end_interruption(alice, live.id, now=at(11, 40)).end_time == at(11, 25)


def test_entered_afterwards_inside_the_session(alice, ended):
    entry = services.log_interruption(alice, ended.id, type="noise", start_time=at(8, 10), end_time=at(8, 14),
                                      now=NOW)
    assert (entry.source, entry.duration) == ("manual", 240)
    assert services.figures(ended)["idle_seconds"] == 240


@pytest.mark.parametrize("start, end, field, message", [
    (at(7, 55), at(8, 5), "start_time", "within its session"),
    (at(8, 55), at(9, 5), "end_time", "within its session"),
    (at(8, 20), at(8, 10), "end_time", "after the start"),
    (at(8, 20), at(8, 20), "end_time", "after the start"),
    (None, at(8, 10), "start_time", "start time"),
    (at(8, 10), None, "end_time", "the session has ended"),
])
def test_times_must_lie_inside_the_session(alice, ended, start, end, field, message):
    with pytest.raises(services.Invalid) as refused:
        services.log_interruption(alice, ended.id, type="noise", start_time=start, end_time=end, now=NOW)
    assert message in refused.value.fields[field]
    assert db.session.query(Interruption).count() == 0


def test_a_running_session_spans_until_now(alice):
    session = services.start_session(alice, now=at(11))
    with pytest.raises(services.Invalid):
        services.log_interruption(alice, session.id, type="noise", start_time=at(11, 5), end_time=at(11, 30),
                                  now=at(11, 10))
    opened = services.log_interruption(alice, session.id, type="noise", start_time=at(11, 5), now=at(11, 10))
    assert opened.end_time is None and opened.source == "manual"


@pytest.mark.parametrize("kind", ["bored", "", None, 3, "Phone"])
def test_unknown_types_are_refused(alice, ended, kind):
    with pytest.raises(services.Invalid) as refused:
        services.log_interruption(alice, ended.id, type=kind, start_time=at(8, 1), end_time=at(8, 2), now=NOW)
    assert "type" in refused.value.fields


def test_description_rules(alice, ended):
    for bad in ("x" * 501, 42):
        with pytest.raises(services.Invalid) as refused:
            services.log_interruption(alice, ended.id, type="self", description=bad, start_time=at(8, 1),
                                      end_time=at(8, 2), now=NOW)
        assert "description" in refused.value.fields


def test_the_session_must_be_yours(alice, bob, ended):
    with pytest.raises(services.NotFound):
        services.log_interruption(bob, ended.id, type="phone", start_time=at(8, 1), end_time=at(8, 2), now=NOW)
    mine = services.log_interruption(alice, ended.id, type="phone", start_time=at(8, 1), end_time=at(8, 2), now=NOW)
    for action in (lambda: services.end_interruption(bob, mine.id, now=NOW),
                   lambda: services.update_interruption(bob, mine.id, type="self", now=NOW),
                   lambda: services.delete_interruption(bob, mine.id),
                   lambda: services.session_interruptions(bob, ended.id)):
        with pytest.raises(services.NotFound):
            action()


def test_edit_type_description_and_times(alice, ended):
    entry = services.log_interruption(alice, ended.id, type="phone", start_time=at(8, 1), end_time=at(8, 2), now=NOW)
    services.update_interruption(alice, entry.id, type="family", description="Kids", end_time=at(8, 11), now=NOW)
    assert (entry.type, entry.description, entry.duration) == ("family", "Kids", 600)
    assert services.figures(ended)["idle_seconds"] == 600
    with pytest.raises(services.Invalid):
        services.update_interruption(alice, entry.id, type="family", end_time=at(9, 30), now=NOW)
    with pytest.raises(services.Invalid):
        services.update_interruption(alice, entry.id, end_time=None, now=NOW)
    db.session.refresh(entry)
    assert entry.end_time == at(8, 11)


def test_delete_gives_the_time_back(alice, ended):
    entry = services.log_interruption(alice, ended.id, type="phone", start_time=at(8, 1), end_time=at(8, 2), now=NOW)
    services.delete_interruption(alice, entry.id)
    assert services.session_interruptions(alice, ended.id) == []
    assert services.figures(ended)["idle_seconds"] == 0


def test_detected_interruptions_can_be_relabelled_or_dismissed(alice, ended):
    detected = services.record_detected(ended, at(8, 30), at(8, 32))
    db.session.commit()
    assert (detected.type, detected.source, detected.duration) == ("unknown", "detected", 120)
    assert services.pending_detected(alice) == [detected]
    services.update_interruption(alice, detected.id, type="phone", now=NOW)
    assert services.pending_detected(alice) == []
    other = services.record_detected(ended, at(8, 40), at(8, 41))
    db.session.commit()
    services.delete_interruption(alice, other.id)
    assert [i.id for i in services.session_interruptions(alice, ended.id)] == [detected.id]
