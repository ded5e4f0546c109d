"""The record tells the truth, through the real rooms and focus services: scores against the time
people could have focused, one running record per person, interruptions closed with their phase."""
import re
from datetime import timedelta

import pytest

from webapp.extensions import db
from webapp.focus import services as focus_log
from webapp.models import FocusSession, Room, utcnow
from webapp.rooms import presence, services
from tests.support import hooks
from webapp.tracking.flood import flood_guard


@pytest.fixture(autouse=True)
def _fresh_flood_guard():
    flood_guard.reset()
    yield
    flood_guard.reset()


@pytest.fixture
def host(make_user):
    return make_user("hostess", display_name="Hostess")


@pytest.fixture
def member(make_user):
    return make_user("member", display_name="Member")


def records_by_user(room):
    db.session.expire_all()
    return {r.user_id: r for r in db.session.query(FocusSession).filter_by(room_id=room.id)}


def running_records(user):
    db.session.expire_all()
    return db.session.query(FocusSession).filter_by(user_id=user.id, status="running").all()


# --- 1. scored against the time they could have focused -----------------------------------------

def test_a_late_joiner_and_a_skipped_phase_are_scored_against_the_time_they_had(
        client, auth, make_room, host, member):
    room = make_room(host, name="Deep work", work_minutes=25, rounds=1, idle_threshold_seconds=300)
    began = utcnow() - timedelta(minutes=30)
    services.join(room, member, began)
    presence.connect(room, host.id, began)
    services.control(room, host, "start", began)
    presence.connect(room, member.id, began + timedelta(seconds=750))  # 12:30 into the phase
    people = {p.user_id: p for p in room.participants}
    for second in range(200, 1001, 200):  # both keep working; the idle threshold is 5 min
        for user in (host, member):
            hooks.client_report(room, people[user.id], "activity", began + timedelta(seconds=second))
        db.session.commit()
    services.control(room, host, "skip", began + timedelta(seconds=1000))  # cut short at 16:40

    records = records_by_user(room)
    hosts, members = records[host.id], records[member.id]
    assert (hosts.elapsed_ms, hosts.available_ms, hosts.focus_score) == (1_000_000, 1_000_000, 100)
    assert (members.elapsed_ms, members.available_ms, members.focus_score) == (250_000, 250_000, 100)
    assert hosts.target_seconds == 1500 and "abandoned" not in (hosts.status, members.status)

    auth.login("hostess")
    html = client.get(f"/r/{room.code}/results").get_data(as_text=True)
    assert html.count('class="score-value tabular score-good">100<') == 2
    assert "4 min 10 s focused; available 4 min 10 s of 25 min" in html
    assert "16 min focused; available 16 min of 25 min" in html
    assert "from when they joined a phase to when it ended" in html


def test_the_summary_after_a_phase_shows_the_available_time(client, auth, make_room, host):
    room = make_room(host, name="Deep work", work_minutes=25, rounds=2, idle_threshold_seconds=300)
    began = utcnow() - timedelta(minutes=10)
    presence.connect(room, host.id, began)
    services.control(room, host, "start", began)
    services.control(room, host, "skip", began + timedelta(seconds=240))
    auth.login("hostess")
    page = client.get(f"/r/{room.code}").get_data(as_text=True)
    summary = re.search(r'<section id="room-\w+-summary".*?</section>', page, re.S).group(0)
    assert "4 min focused; available 4 min of 25 min" in summary
    assert 'class="score-value tabular score-good">100<' in summary


# --- 3. one running record per person -----------------------------------------------------------

def test_joining_a_rooms_work_phase_ends_a_running_solo_session_first(make_room, host, member):
    solo = focus_log.start_solo(member, target_minutes=50, now=utcnow() - timedelta(minutes=5))
    presence.connect(solo, member.id, utcnow() - timedelta(minutes=5))
    (solo_record,) = running_records(member)
    room = make_room(host, work_minutes=25)
    presence.connect(room, host.id, utcnow() - timedelta(minutes=2))
    services.control(room, host, "start", utcnow() - timedelta(minutes=2))
    services.join(room, member, utcnow())
    presence.connect(room, member.id, utcnow())

    (running,) = running_records(member)
    assert running.room_id == room.id
    solo_record = db.session.get(FocusSession, solo_record.id)
    assert solo_record.end_time is not None and solo_record.status != "running"
    assert 290 <= solo_record.elapsed_ms // 1000 <= 305
    assert db.session.get(Room, solo.id).status == "completed"  # the room of one is over too
    assert focus_log.active_solo_room(member) is None


def test_joining_a_rooms_work_phase_ends_an_api_session_by_the_logs_own_rule(make_room, host, member):
    now = utcnow()  # one moment for every step: a loaded machine must not stretch the session
    started = focus_log.start_session(member, target_minutes=25, now=now - timedelta(minutes=3))
    room = make_room(host, now=now, work_minutes=25)
    presence.connect(room, host.id, now)
    services.control(room, host, "start", now)
    services.join(room, member, now)
    presence.connect(room, member.id, now)

    (running,) = running_records(member)
    assert running.room_id == room.id
    ended = db.session.get(FocusSession, started.id)
    assert ended.end_time is not None and ended.status != "running" and 179 <= ended.duration_seconds <= 181


def test_moving_to_another_rooms_work_phase_leaves_the_first_one(make_room, host, member, make_user):
    first, second = make_room(host, name="First"), make_room(make_user("other"), name="Second")
    for room in (first, second):
        presence.connect(room, room.host_id, utcnow() - timedelta(minutes=4))
        services.control(room, room.host, "start", utcnow() - timedelta(minutes=4))
        services.join(room, member, utcnow() - timedelta(minutes=4))
    presence.connect(first, member.id, utcnow() - timedelta(minutes=3))
    presence.connect(second, member.id, utcnow())

    (running,) = running_records(member)
    assert running.room_id == second.id
    left = next(r for r in db.session.query(FocusSession).filter_by(user_id=member.id, room_id=first.id))
    assert left.end_time is not None and left.status == "abandoned"


def test_starting_a_shared_phase_with_someone_in_a_solo_session_keeps_one_running(make_room, host):
    room = make_room(host, work_minutes=25)
    solo = focus_log.start_solo(host, target_minutes=25, now=utcnow() - timedelta(minutes=1))
    presence.connect(solo, host.id, utcnow() - timedelta(minutes=1))
    presence.connect(room, host.id, utcnow())
    services.control(room, host, "start", utcnow())
    (running,) = running_records(host)
    assert running.room_id == room.id


# --- 3. open interruptions close with the phase -------------------------------------------------

def test_an_interruption_still_open_when_the_phase_ends_ends_with_it(make_room, host):
    room = make_room(host, work_minutes=1, rounds=1)
    began = utcnow().replace(microsecond=0) - timedelta(seconds=90)  # records keep milliseconds
    presence.connect(room, host.id, began)
    services.control(room, host, "start", began)
    (record,) = running_records(host)
    interruption = focus_log.log_interruption(host, record.id, type="phone", now=began + timedelta(seconds=40))
    from webapp.rooms import ticking
    ticking.tick(began + timedelta(seconds=61))  # the ticker, a second after the deadline
    db.session.expire_all()
    record = db.session.get(FocusSession, record.id)
    interruption = db.session.get(type(interruption), interruption.id)
    assert record.end_time == began + timedelta(seconds=60)
    assert (interruption.end_time, interruption.duration) == (record.end_time, 20)


def test_a_solo_timer_whose_page_never_connected_ends_too(make_room, host, member):
    solo = focus_log.start_solo(member, target_minutes=25, now=utcnow() - timedelta(minutes=1))
    room = make_room(host, work_minutes=25)
    presence.connect(room, host.id, utcnow())
    services.control(room, host, "start", utcnow())
    services.join(room, member, utcnow())
    presence.connect(room, member.id, utcnow())
    (running,) = running_records(member)
    assert running.room_id == room.id
    assert db.session.get(Room, solo.id).status == "completed" and focus_log.active_solo_room(member) is None
    presence.connect(solo, member.id, utcnow())  # the solo tab opens late: nothing starts there
    assert len(running_records(member)) == 1
