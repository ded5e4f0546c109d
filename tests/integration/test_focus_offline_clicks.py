"""Interruptions clicked offline and sent later by the outbox: recorded at the moments the page saw
(checked), and the solo countdown held as the click would have held it then."""
from datetime import timedelta

import pytest

from tests.conftest import csrf_token_from
from tests.integration.test_focus_solo_pomodoro import ada, connect, tick  # noqa: F401 (fixture)
from webapp.extensions import db
from webapp.focus import services
from webapp.models import FocusSession, Interruption, utcnow
from webapp.rules.solo import SoloCycle


def solo_started(ada, minutes_ago, **cycle):
    t0 = utcnow().replace(microsecond=0) - timedelta(minutes=minutes_ago)
    room = services.start_solo(ada, target_minutes=cycle.pop("target_minutes", 25), cycle=SoloCycle(**cycle) if cycle else None,
                               now=t0)
    connect(room, t0)
    return t0, room, db.session.query(FocusSession).one()


def test_a_click_replayed_during_the_same_focus_holds_the_countdown_from_the_click(ada):
    t0, room, record = solo_started(ada, minutes_ago=5)
    clicked = t0 + timedelta(seconds=60)
    interruption = services.log_clicked_interruption(ada, type="phone", started_at=clicked)
    db.session.refresh(room)
    assert (interruption.start_time, interruption.end_time, interruption.source) == (clicked, None, "live")
    assert interruption.session_id == record.id
    assert (room.status, room.remaining_seconds) == ("paused", 24 * 60)  # what the page showed offline


def test_a_click_and_im_back_replayed_together_move_the_deadline_by_the_time_away(ada):
    t0, room, record = solo_started(ada, minutes_ago=5)
    interruption = services.log_clicked_interruption(ada, type="noise", started_at=t0 + timedelta(seconds=60),
                                                     ended_at=t0 + timedelta(seconds=150))
    db.session.refresh(room)
    assert interruption.duration == 90
    assert (room.status, room.phase_ends_at) == ("running", t0 + timedelta(seconds=25 * 60 + 90))


def test_a_click_in_a_focus_that_has_ended_since_is_kept_in_it_and_the_break_goes_on(ada):
    t0, room, record = solo_started(ada, minutes_ago=5, target_minutes=1, rounds=2)
    tick(room, t0 + timedelta(seconds=60))
    db.session.refresh(record)
    assert record.end_time == t0 + timedelta(seconds=60) and room.phase == "short_break"
    interruption = services.log_clicked_interruption(ada, type="family", started_at=t0 + timedelta(seconds=45))
    db.session.refresh(room)
    assert interruption.session_id == record.id
    assert (interruption.start_time, interruption.end_time, interruption.duration) == (
        t0 + timedelta(seconds=45), record.end_time, 15)
    assert (room.phase, room.status) == ("short_break", "running")


def test_the_clients_moments_are_checked(ada):
    t0, room, record = solo_started(ada, minutes_ago=5)
    with pytest.raises(services.Invalid) as refused:
        services.log_clicked_interruption(ada, type="phone", started_at=utcnow() + timedelta(minutes=5))
    assert "future" in refused.value.fields["started_at"]
    with pytest.raises(services.Conflict):
        services.log_clicked_interruption(ada, type="phone", started_at=t0 - timedelta(hours=2))
    assert db.session.query(Interruption).count() == 0
    a_bit_ahead = services.log_clicked_interruption(ada, type="phone", started_at=utcnow() + timedelta(seconds=20))
    assert a_bit_ahead.start_time <= utcnow()  # a fast clock: now at the latest


def test_the_outbox_replays_a_click_over_http_once(client, ada):
    t0, room, record = solo_started(ada, minutes_ago=5)
    csrf = csrf_token_from(client.get(f"/r/{room.code}").get_data(as_text=True))
    data = {"csrf_token": csrf, "type": "phone", "started_at": (t0 + timedelta(seconds=60)).isoformat()}
    answers = [client.post("/focus/interrupted", data=data, headers={"Idempotency-Key": "click-1"})
               for _ in range(2)]
    assert [a.status_code for a in answers] == [302, 302]
    assert db.session.query(Interruption).one().start_time == t0 + timedelta(seconds=60)
    refused = client.post("/focus/interrupted", data={**data, "started_at": (t0 - timedelta(hours=3)).isoformat()},
                          headers={"Idempotency-Key": "click-2"})
    assert refused.status_code == 409 and "No session was running" in refused.get_data(as_text=True)
    future = client.post("/focus/interrupted", data={**data, "started_at": (utcnow() + timedelta(hours=1)).isoformat()},
                         headers={"Idempotency-Key": "click-3"})
    assert future.status_code == 422 and "check the device" in future.get_data(as_text=True)
    assert db.session.query(Interruption).count() == 1


def test_im_back_said_offline_arrives_after_its_click_and_lets_the_countdown_run_from_then(client, ada):
    t0, room, record = solo_started(ada, minutes_ago=5)
    csrf = csrf_token_from(client.get(f"/r/{room.code}").get_data(as_text=True))
    click = {"csrf_token": csrf, "type": "phone", "started_at": (t0 + timedelta(seconds=60)).isoformat()}
    back = {"csrf_token": csrf, "ended_at": (t0 + timedelta(seconds=150)).isoformat()}
    assert client.post("/focus/interrupted", data=click, headers={"Idempotency-Key": "click-1"}).status_code == 302
    for _ in range(2):  # sent twice: once
        assert client.post("/focus/back", data=back, headers={"Idempotency-Key": "back-1"}).status_code == 302
    db.session.refresh(room)
    interruption = db.session.query(Interruption).one()
    assert (interruption.start_time, interruption.end_time, interruption.duration) == (
        t0 + timedelta(seconds=60), t0 + timedelta(seconds=150), 90)
    assert (room.status, room.phase_ends_at) == ("running", t0 + timedelta(seconds=25 * 60 + 90))
    # Nothing open any more (it ended with its session, say): "I'm back" has nothing to do, and says nothing.
    assert client.post("/focus/back", data=back, headers={"Idempotency-Key": "back-2"}).status_code == 302
    future = {**back, "ended_at": (utcnow() + timedelta(hours=1)).isoformat()}
    assert client.post("/focus/back", data=future, headers={"Idempotency-Key": "back-3"}).status_code == 422
