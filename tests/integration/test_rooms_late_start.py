"""The next solo phase started on a page without a network: the outbox sends
POST /r/<code>/control/start with `at` (the click's moment) and an Idempotency-Key; the phase runs
from that moment, checked (rules/late_start.py), once, and the interruptions logged in it follow."""
from datetime import timedelta

import pytest

from tests.conftest import csrf_token_from
from tests.integration.test_focus_solo_pomodoro import ada, connect, tick  # noqa: F401 (fixture)
from webapp.extensions import db
from webapp.focus import services
from webapp.models import FocusSession, Interruption, Room, utcnow
from webapp.rules import late_start
from webapp.rules.solo import SoloCycle

WAITING_CYCLE = SoloCycle(work_minutes=1, short_break_minutes=1, rounds=2,
                          auto_start_breaks=False, auto_start_work=False)


def solo_waiting(ada, minutes_ago=5):
    """A solo cycle of two 1-minute focuses whose phases all wait to be started; its first focus
    started `minutes_ago`, so its break has been waiting since a minute after that."""
    t0 = utcnow().replace(microsecond=0) - timedelta(minutes=minutes_ago)
    room = services.start_solo(ada, target_minutes=1, cycle=WAITING_CYCLE, now=t0)
    connect(room, t0)
    return t0, room


def start_at(client, room, moment, key, token=None):
    token = token or csrf_token_from(client.get(f"/r/{room.code}").get_data(as_text=True))
    return client.post(f"/r/{room.code}/control/start", data={"csrf_token": token, "at": moment.isoformat()},
                       headers={"Idempotency-Key": key})


def fresh(room):
    db.session.expire_all()
    return db.session.get(Room, room.id)


def test_a_start_sent_later_runs_the_phase_from_the_click_once(client, ada):
    t0, room = solo_waiting(ada)
    tick(room, t0 + timedelta(seconds=60))
    assert (fresh(room).status, fresh(room).phase, fresh(room).phase_started_at) == (
        "idle", "short_break", t0 + timedelta(seconds=60))
    first = start_at(client, room, t0 + timedelta(seconds=90), "start-1")
    assert first.status_code == 200
    room = fresh(room)
    assert (room.status, room.phase, room.phase_ends_at) == ("running", "short_break", t0 + timedelta(seconds=150))
    version = room.timer_version

    again = start_at(client, room, t0 + timedelta(seconds=90), "start-1")  # the outbox sent it twice
    assert again.status_code == 200 and again.headers["Idempotent-Replayed"] == "true"
    assert again.get_data() == first.get_data()
    assert fresh(room).timer_version == version

    other_body = start_at(client, room, t0 + timedelta(seconds=95), "start-1")
    assert other_body.status_code == 422 and "different request" in other_body.get_data(as_text=True)
    assert fresh(room).timer_version == version


def test_at_exactly_the_deadline_the_tick_has_not_seen_yet_ends_that_phase_then(client, ada):
    t0, room = solo_waiting(ada)
    deadline = t0 + timedelta(seconds=60)
    assert start_at(client, room, deadline, "k").status_code == 200  # no tick ran: the page ended the focus itself
    room = fresh(room)
    assert (room.status, room.phase, room.phase_ends_at) == ("running", "short_break", deadline + timedelta(seconds=60))
    assert db.session.query(FocusSession).one().end_time == deadline


@pytest.mark.parametrize("offset, message", [
    (59, late_start.RUNNING_THEN),  # before the deadline: the focus was still running
    (10 * 60, late_start.FUTURE),  # five minutes ahead of now
])
def test_a_start_before_its_phase_could_begin_or_in_the_future_is_refused_whole(client, ada, offset, message):
    t0, room = solo_waiting(ada)
    version = fresh(room).timer_version
    answer = start_at(client, room, t0 + timedelta(seconds=offset), "k")
    assert answer.status_code == 422 and message in answer.get_data(as_text=True).replace("&#39;", "'")
    assert fresh(room).timer_version == version and fresh(room).phase == "work"
    again = start_at(client, room, t0 + timedelta(seconds=90), "k")  # a refusal is not kept: fixed, it goes
    assert again.status_code == 200 and fresh(room).phase == "short_break"


def test_before_the_waiting_phase_began_is_too_early(client, ada):
    t0, room = solo_waiting(ada)
    tick(room, t0 + timedelta(seconds=60))
    answer = start_at(client, room, t0 + timedelta(seconds=59), "k")
    assert answer.status_code == 422 and late_start.TOO_EARLY in answer.get_data(as_text=True)
    assert fresh(room).status == "idle"


def test_a_finished_session_or_a_shared_room_or_a_bad_moment_is_a_422(client, ada, make_user):
    t0, room = solo_waiting(ada)
    token = csrf_token_from(client.get(f"/r/{room.code}").get_data(as_text=True))
    bad = client.post(f"/r/{room.code}/control/start", data={"csrf_token": token, "at": "yesterday"},
                      headers={"Idempotency-Key": "bad"})
    assert bad.status_code == 422 and "not a time" in bad.get_data(as_text=True)
    pause = client.post(f"/r/{room.code}/control/pause", data={"csrf_token": token, "at": utcnow().isoformat()})
    assert pause.status_code == 422 and "Only a start" in pause.get_data(as_text=True)
    services.end_solo(ada)
    over = start_at(client, room, utcnow(), "over", token)
    assert over.status_code == 422 and "already over" in over.get_data(as_text=True)

    from webapp.rooms import services as rooms
    shared = rooms.create_room(ada, {"name": "Study", "work_minutes": 1, "auto_start_breaks": False}, utcnow())
    refused = start_at(client, shared, utcnow(), "shared", token)
    assert refused.status_code == 422 and "Rooms with other people" in refused.get_data(as_text=True)


def test_a_focus_started_offline_then_its_interruption_land_where_the_page_had_them(client, ada):
    t0, room = solo_waiting(ada, minutes_ago=10)
    token = csrf_token_from(client.get(f"/r/{room.code}").get_data(as_text=True))
    client.post(f"/r/{room.code}/control/skip", data={"csrf_token": token})  # the break too is waiting
    started = utcnow().replace(microsecond=0) - timedelta(minutes=3)
    # The break was skipped just now, so a focus clicked three minutes ago could not have started.
    assert start_at(client, room, started, "focus-2", token).status_code == 422
    room = fresh(room)
    room.phase_started_at = t0 + timedelta(seconds=120)  # as if the break had been skipped back then
    room.participants[0].connections = 0  # the page is offline: no socket, yet its person is there
    db.session.commit()
    assert start_at(client, room, started, "focus-2b", token).status_code == 200
    replay = [("/focus/interrupted", {"type": "phone", "started_at": started + timedelta(seconds=20)}, "int-1"),
              ("/focus/back", {"ended_at": started + timedelta(seconds=50)}, "back-1")]
    for _ in range(2):  # the same outbox replayed twice
        for path, fields, key in replay:
            data = {"csrf_token": token, **{name: value.isoformat() if hasattr(value, "isoformat") else value
                                            for name, value in fields.items()}}
            assert client.post(path, data=data, headers={"Idempotency-Key": key}).status_code == 302
    room = fresh(room)
    assert (room.phase, room.round) == ("work", 2)
    assert room.phase_ends_at == started + timedelta(seconds=60 + 30)  # the focus, plus the time away
    interruption = db.session.query(Interruption).one()
    record = db.session.get(FocusSession, interruption.session_id)
    assert record.start_time == started and interruption.duration == 30  # a record though no socket was open
