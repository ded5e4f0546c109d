"""The server-owned timer on Room rows and the tick, with an injected clock (no sleeping)."""
from collections import defaultdict
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select, update

from webapp import events, realtime
from webapp.extensions import db
from webapp.models import Participant, Room
from webapp.rooms import presence, publishing, services, ticking, timer_service
from webapp.rooms import views as room_views

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


@pytest.fixture
def calls(app, monkeypatch):
    """Every event the rooms code announces, in order, as (name, at, extra)."""
    recorded = []
    quiet_listeners(monkeypatch)
    events.listen(events.WorkPhaseStarted, lambda e: recorded.append(("work_phase_started", e.at, None)))
    events.listen(events.WorkPhaseEnded, lambda e: recorded.append(("work_phase_ended", e.at, e.finished)))
    events.listen(events.RoomPaused, lambda e: recorded.append(("room_paused", e.at, None)))
    events.listen(events.RoomResumed, lambda e: recorded.append(("room_resumed", e.at, None)))
    events.listen(events.ParticipantConnected, lambda e: recorded.append(("connected", e.at, e.participant.user_id)))
    events.listen(events.ParticipantDisconnected,
                  lambda e: recorded.append(("disconnected", e.at, e.participant.user_id)))
    return recorded


def quiet_listeners(monkeypatch):
    """Only this test's listeners hear the rooms' events (tracking's are set aside)."""
    monkeypatch.setattr(events, "_listeners", defaultdict(list))


@pytest.fixture
def host(make_user):
    return make_user("host")


def control(room, host, action, seconds):
    return services.control(room, host, action, at(seconds))


def test_start_stores_a_deadline_not_a_counter(make_room, host, calls):
    room = make_room(host, now=at(0), work_minutes=25)
    control(room, host, "start", 10)
    room = db.session.get(Room, room.id)
    assert (room.status, room.phase, room.phase_ends_at) == ("running", "work", at(10 + 25 * 60))
    assert room.started_at == room.phase_started_at == at(10)
    assert room.timer_version == 1
    assert calls == [("work_phase_started", at(10), None)]


def test_the_tick_ends_a_phase_at_its_deadline_and_auto_starts_the_break(make_room, host, calls):
    room = make_room(host, now=at(0), work_minutes=1, short_break_minutes=1, auto_start_breaks=True)
    control(room, host, "start", 0)
    ticking.tick(at(59))
    assert db.session.get(Room, room.id).phase == "work"
    ticking.tick(at(60.4))
    room = db.session.get(Room, room.id)
    assert (room.status, room.phase, room.round, room.work_phases_done) == ("running", "short_break", 1, 1)
    assert room.phase_ends_at == at(120) and room.phase_started_at == at(60)
    assert calls[-1] == ("work_phase_ended", at(60), True)


def test_a_break_waits_for_the_host_without_auto_start(make_room, host, calls):
    room = make_room(host, now=at(0), work_minutes=1, auto_start_breaks=False)
    control(room, host, "start", 0)
    ticking.tick(at(61))
    room = db.session.get(Room, room.id)
    assert (room.status, room.phase, room.remaining_seconds) == ("idle", "short_break", 300)
    control(room, host, "start", 100)
    assert db.session.get(Room, room.id).phase_ends_at == at(400)
    assert [c[0] for c in calls] == ["work_phase_started", "work_phase_ended"]  # breaks open no record


def test_after_an_outage_the_tick_catches_up_exactly(make_room, host, calls):
    room = make_room(host, now=at(0), work_minutes=2, short_break_minutes=1, long_break_minutes=3,
                     long_break_every=2, rounds=3, auto_start_breaks=True, auto_start_work=True)
    control(room, host, "start", 0)
    # work 0-120, short 120-180, work 180-300, long 300-480, work 480-600 (last): complete at 600
    ticking.tick(at(310))
    room = db.session.get(Room, room.id)
    assert (room.phase, room.round, room.phase_ends_at, room.work_phases_done) == ("long_break", 2, at(480), 2)
    ticking.tick(at(10_000))
    room = db.session.get(Room, room.id)
    assert (room.status, room.ended_at, room.work_phases_done) == ("completed", at(600), 3)
    assert calls == [("work_phase_started", at(0), None), ("work_phase_ended", at(120), True),
                     ("work_phase_started", at(180), None), ("work_phase_ended", at(300), True),
                     ("work_phase_started", at(480), None), ("work_phase_ended", at(600), True)]


def test_a_doubled_or_late_tick_changes_nothing(make_room, host, calls):
    room = make_room(host, now=at(0), work_minutes=1)
    control(room, host, "start", 0)
    assert [r.id for r in ticking.tick(at(61)).advanced] == [room.id]
    version = db.session.get(Room, room.id).timer_version
    assert ticking.tick(at(61)).advanced == [] and ticking.tick(at(60.5)).advanced == []
    assert db.session.get(Room, room.id).timer_version == version
    assert [c[0] for c in calls].count("work_phase_ended") == 1


def test_a_racing_writer_loses_cleanly(make_room, host, calls):
    room = make_room(host, now=at(0), work_minutes=1)
    control(room, host, "start", 0)
    room = db.session.get(Room, room.id)
    # Another process advanced the room after we read it.
    db.session.execute(update(Room).where(Room.id == room.id).values(timer_version=Room.timer_version + 1)
                       .execution_options(synchronize_session=False))
    with pytest.raises(timer_service.StaleRoom):
        timer_service.advance(room, at(61))
    db.session.rollback()
    assert db.session.get(Room, room.id).phase == "work"
    assert [c[0] for c in calls] == ["work_phase_started"]


def test_pause_and_resume_keep_exactly_what_was_left(make_room, host, calls):
    room = make_room(host, now=at(0), work_minutes=25)
    control(room, host, "start", 0)
    control(room, host, "pause", 600)
    room = db.session.get(Room, room.id)
    assert (room.status, room.phase_ends_at, room.remaining_seconds) == ("paused", None, 900)
    ticking.tick(at(5000))  # a paused room does not move
    control(room, host, "resume", 7000)
    assert db.session.get(Room, room.id).phase_ends_at == at(7900)
    assert [c[0] for c in calls] == ["work_phase_started", "room_paused", "room_resumed"]


def test_pausing_after_an_unseen_deadline_ends_the_phase_first(make_room, host, calls):
    room = make_room(host, now=at(0), work_minutes=1, auto_start_breaks=True)
    control(room, host, "start", 0)
    control(room, host, "pause", 90)  # the tick never ran: the break began at 60
    room = db.session.get(Room, room.id)
    assert (room.phase, room.status, room.remaining_seconds) == ("short_break", "paused", 270)
    assert calls[1] == ("work_phase_ended", at(60), True)


def test_skip_reset_and_end(make_room, host, calls):
    room = make_room(host, now=at(0), work_minutes=25, rounds=2)
    control(room, host, "start", 0)
    control(room, host, "skip", 100)
    room = db.session.get(Room, room.id)
    assert (room.phase, room.status, room.work_phases_done) == ("short_break", "running", 0)
    assert calls[-1] == ("work_phase_ended", at(100), False)
    control(room, host, "skip", 150)
    assert db.session.get(Room, room.id).phase == "work"
    assert calls[-1] == ("work_phase_started", at(150), None)
    control(room, host, "end", 200)
    room = db.session.get(Room, room.id)
    assert (room.status, room.ended_at) == ("completed", at(200))
    assert calls[-1] == ("work_phase_ended", at(200), False)
    with pytest.raises(services.TimerRefused, match="already over"):
        control(room, host, "end", 210)
    control(room, host, "reset", 220)
    room = db.session.get(Room, room.id)
    assert (room.status, room.phase, room.round, room.remaining_seconds, room.started_at) == ("idle", "work", 1, 1500, None)


def test_running_rooms_get_the_time_every_second_and_changes_reach_everyone(app, make_room, host):
    room = make_room(host, now=at(0), work_minutes=1)
    idle_room = make_room(host, now=at(0))
    hub = realtime.get_hub()
    everyone = hub.subscribe([publishing.room_topic(room.id)])
    host_only = hub.subscribe([publishing.user_topic(room.id, host.id)])
    idle_listener = hub.subscribe([publishing.room_topic(idle_room.id)])
    control(room, host, "start", 0)
    change = everyone.get(0)
    assert 'data-status="running"' in change and f'id="room-{room.code}-participants"' in change
    assert "Work, round 1 of 4, 1 min." in change  # the screen-reader announcement
    assert "Pause" in host_only.get(0)
    ticking.tick(at(1))
    assert everyone.get(0) is None  # the tick itself sends no time: its own job does
    ticking.send_time(at(1))
    time_update = everyone.get(0)
    assert time_update.startswith(f'<div id="room-{room.code}-clock"') and len(time_update) < 400
    assert 'data-server-now-ms="%d"' % (at(1).timestamp() * 1000) in time_update
    assert 'data-ends-at-ms="%d"' % (at(60).timestamp() * 1000) in time_update
    assert idle_listener.get(0) is None
    ticking.send_time(at(60))
    assert everyone.get(0) is None  # a room at its deadline gets no time update, but the change:
    ticking.tick(at(60))
    assert 'data-phase="short_break"' in everyone.get(0)


def test_empty_idle_rooms_are_archived_after_two_hours_and_free_their_code(make_room, host, monkeypatch):
    quiet = make_room(host, now=at(0))
    busy = make_room(host, now=at(0))
    solo = services.create_room(host, {"name": "Me"}, at(0), is_solo=True)
    db.session.execute(update(Participant).where(Participant.room_id == busy.id).values(connections=1))
    db.session.commit()
    ticking.tick(at(7199))
    assert db.session.get(Room, quiet.id).archived_at is None
    assert ticking.tick(at(7200)).archived == 1
    assert db.session.get(Room, quiet.id).archived_at == at(7200)
    assert db.session.get(Room, busy.id).archived_at is None and db.session.get(Room, solo.id).archived_at is None
    monkeypatch.setattr(services, "new_code", lambda: quiet.code)
    reused = services.create_room(host, {"name": "Reused"}, at(7300))
    assert reused.code == quiet.code
    assert services.find_room(quiet.code.lower()).id == reused.id


def test_the_host_role_passes_to_the_longest_present_after_the_grace(app, make_room, host, make_user):
    room = make_room(host, now=at(0))
    early, late = make_user("early"), make_user("late")
    for user, joined in ((late, 30), (early, 10)):
        services.join(room, user, at(joined))
    for user in (host, early, late):
        presence.connect(room, user.id, at(40))
    presence.disconnect(room, early.id, at(50))
    presence.connect(room, early.id, at(55))  # came back: present since 50, later than "late"
    presence.disconnect(room, host.id, at(100))
    ticking.tick(at(105))
    assert db.session.get(Room, room.id).host_id == host.id  # within the grace (a reload)
    ticking.tick(at(111))
    assert db.session.get(Room, room.id).host_id == late.id


def test_connections_are_counted_and_the_last_close_means_left(make_room, host, calls):
    room = make_room(host, now=at(0))
    presence.connect(room, host.id, at(1))
    presence.connect(room, host.id, at(2))  # a second tab
    participant, last = presence.disconnect(room, host.id, at(3))
    assert participant.connections == 1 and not last
    participant, last = presence.disconnect(room, host.id, at(4))
    assert participant.connections == 0 and last and participant.left_at == at(4)
    assert presence.disconnect(room, host.id, at(5))[0].connections == 0  # never negative
    assert calls == [("connected", at(1), host.id), ("disconnected", at(4), host.id)]
    assert presence.connect(room, 999_999, at(6)) is None


def test_a_restart_counts_everyone_out(make_room, host, calls):
    room = make_room(host, now=at(0))
    presence.connect(room, host.id, at(1))
    assert presence.reset_all(at(50)) == 1
    participant = db.session.execute(select(Participant)).scalar_one()
    assert (participant.connections, participant.left_at) == (0, at(50))
    assert calls[-1] == ("disconnected", at(50), host.id)


def test_tracking_can_ask_for_a_participant_list_republish(app, make_room, host, monkeypatch):
    room = make_room(host, now=at(0))
    presence.connect(room, host.id, at(0))
    quiet_listeners(monkeypatch)
    events.listen(events.TickRan, lambda ran: ran.lists_to_publish.add(room.id))
    monkeypatch.setattr(room_views, "FIGURE_SOURCES",
                        [lambda room, people, now: {p.id: {"status": "idle", "elapsed_seconds": 60, "active_seconds": 20,
                                                           "idle_seconds": 40, "tab_switches": 0, "active_share": 0.33,
                                                           "focus_score": None} for p in people}])
    listener = realtime.get_hub().subscribe([publishing.room_topic(room.id)])
    ticking.tick(at(1))
    message = listener.get(0)
    assert f'id="room-{room.code}-participants"' in message and "status-idle" in message
