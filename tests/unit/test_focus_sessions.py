"""Session rules of the focus log: one running session, manual entries, edits, deletion, tallies."""
from datetime import datetime, timedelta, timezone

import pytest

from webapp.extensions import db
from webapp.focus import services
from webapp.models import FocusSession, Room

UTC = timezone.utc
NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def at(hour, minute=0):
    return datetime(2024, 5, 1, hour, minute, tzinfo=UTC)


@pytest.fixture
def alice(make_user):
    return make_user("alice")


@pytest.fixture
def bob(make_user):
    return make_user("bob")


def manual(user, start, end, **kw):
    return services.create_manual(user, start_time=start, end_time=end, now=NOW, **kw)


def test_start_opens_a_running_solo_session(alice):
    task = services.create_task(alice, title="Report", estimated_pomodoros=2)
    session = services.start_session(alice, target_minutes=25, task_id=task.id, now=at(9))
    assert (session.source, session.status, session.start_time, session.end_time) == ("solo", "running", at(9), None)
    assert session.target_seconds == 1500 and session.task_id == task.id


def test_a_second_active_session_is_refused_and_names_the_first(alice, bob):
    first = services.start_session(alice, now=at(9))
    with pytest.raises(services.Conflict, match="already have a running session") as refused:
        services.start_session(alice, now=at(9, 5))
    assert refused.value.session_id == first.id
    services.start_session(bob, now=at(9, 5))  # other people are not affected


def test_a_running_room_work_phase_also_counts_as_active(alice):
    room = Room(code="ABC234", name="Team")
    db.session.add(room)
    db.session.flush()
    db.session.add(FocusSession(user_id=alice.id, room_id=room.id, source="room", status="running", start_time=at(9)))
    db.session.commit()
    with pytest.raises(services.Conflict, match="in room ABC234"):
        services.start_session(alice, now=at(9, 5))


@pytest.mark.parametrize("minutes", [0, 181, -5, True, "25", 2.5])
def test_target_minutes_must_be_a_whole_number_in_range(alice, minutes):
    with pytest.raises(services.Invalid) as refused:
        services.start_session(alice, target_minutes=minutes, now=at(9))
    assert "target_minutes" in refused.value.fields
    assert db.session.query(FocusSession).count() == 0


def test_foreign_or_missing_tasks_are_refused_alike(alice, bob):
    bobs = services.create_task(bob, title="Bob's", estimated_pomodoros=1)
    for task_id in (bobs.id, 999_999, 2**70):
        with pytest.raises(services.Invalid) as refused:
            services.start_session(alice, task_id=task_id, now=at(9))
        assert refused.value.fields == {"task_id": "There is no such task."}


def test_ending_computes_duration_status_and_tallies(alice):
    session = services.start_session(alice, target_minutes=25, now=at(9))
    ended = services.end_session(alice, session.id, now=at(9, 30))
    assert (ended.status, ended.duration_seconds, ended.end_time) == ("completed", 1800, at(9, 30))
    assert services.figures(ended) == {"elapsed_seconds": 1800, "active_seconds": 1800, "idle_seconds": 0,
                                       "tab_switches": 0}
    with pytest.raises(services.Conflict, match="already ended"):
        services.end_session(alice, session.id, now=at(9, 31))


def test_ending_before_the_target_is_ended_early_and_no_pomodoro(alice):
    task = services.create_task(alice, title="Report", estimated_pomodoros=2)
    session = services.start_session(alice, target_minutes=25, task_id=task.id, now=at(9))
    assert services.end_session(alice, session.id, now=at(9, 10)).status == "ended_early"
    progress = services.tasks_with_progress(alice)[0]
    assert (progress.pomodoros_done, progress.seconds_spent) == (0, 600)  # its time still counts


def test_someone_elses_session_is_not_found(alice, bob):
    session = services.start_session(bob, now=at(9))
    for action in (lambda: services.end_session(alice, session.id, now=at(10)),
                   lambda: services.owned_session(alice, session.id),
                   lambda: services.update_session(alice, session.id, note="mine", now=NOW),
                   lambda: services.delete_session(alice, session.id)):
        with pytest.raises(services.NotFound):
            action()


def test_manual_entry_computes_its_duration(alice):
    session = manual(alice, at(8), at(8, 50), note="  Draft  ")
    assert (session.source, session.status, session.duration_seconds, session.note) == (
        "manual", "completed", 3000, "Draft")
    assert services.figures(session)["active_seconds"] == 3000
    assert session.focus_score is None


@pytest.mark.parametrize("start, end, field, message", [
    (None, at(9), "start_time", "Give a start time"),
    (at(9), None, "end_time", "Give an end time"),
    (at(9), at(9), "end_time", "after the start"),
    (at(10), at(9), "end_time", "after the start"),
    (at(11), at(13), "end_time", "future"),
    (at(13), at(14), "start_time", "future"),
    (at(9) - timedelta(hours=25), at(9), "end_time", "at most 24 hours"),
])
def test_manual_entry_time_rules(alice, start, end, field, message):
    with pytest.raises(services.Invalid) as refused:
        manual(alice, start, end)
    assert message in refused.value.fields[field]
    assert db.session.query(FocusSession).count() == 0


def test_manual_entries_may_not_overlap_other_sessions(alice, bob):
    first = manual(alice, at(8), at(9))
    with pytest.raises(services.Conflict, match="overlap") as refused:
        manual(alice, at(8, 30), at(9, 30))
    assert refused.value.session_id == first.id
    manual(alice, at(9), at(10))  # touching is fine
    manual(bob, at(8, 30), at(9, 30))  # so is someone else's time


def test_a_running_session_lasts_until_now_for_overlaps(alice):
    services.start_session(alice, now=at(11))
    with pytest.raises(services.Conflict):
        manual(alice, at(11, 10), at(11, 20))


def test_note_length_is_limited(alice):
    with pytest.raises(services.Invalid) as refused:
        manual(alice, at(8), at(9), note="x" * 2001)
    assert "note" in refused.value.fields


def test_update_changes_times_note_and_task_and_recomputes(alice):
    task = services.create_task(alice, title="Report", estimated_pomodoros=2)
    session = manual(alice, at(8), at(9))
    services.update_session(alice, session.id, start_time=at(8, 15), note="Better", task_id=task.id, now=NOW)
    assert (session.duration_seconds, session.note, session.task_id) == (2700, "Better", task.id)
    services.update_session(alice, session.id, task_id=None, now=NOW)
    assert session.task_id is None and session.note == "Better"


def test_update_validates_everything_before_writing(alice):
    session = manual(alice, at(8), at(9), note="Keep")
    with pytest.raises(services.Invalid) as refused:
        services.update_session(alice, session.id, note="Changed", end_time=at(7), now=NOW)
    assert "end_time" in refused.value.fields
    db.session.refresh(session)
    assert (session.note, session.end_time) == ("Keep", at(9))


def test_update_refuses_overlaps_with_other_sessions(alice):
    manual(alice, at(6), at(7))
    later = manual(alice, at(8), at(9))
    with pytest.raises(services.Conflict):
        services.update_session(alice, later.id, start_time=at(6, 30), now=NOW)


def test_times_of_running_and_room_sessions_cannot_be_edited(alice):
    running = services.start_session(alice, now=at(11))
    with pytest.raises(services.Conflict, match="End this session"):
        services.update_session(alice, running.id, start_time=at(10), now=NOW)
    services.update_session(alice, running.id, note="fine", now=NOW)
    room = Room(code="ROOM22", name="R")
    db.session.add(room)
    db.session.flush()
    tracked = FocusSession(user_id=alice.id, room_id=room.id, source="room", status="completed",
                           start_time=at(8), end_time=at(8, 25), duration_seconds=1500)
    db.session.add(tracked)
    db.session.commit()
    with pytest.raises(services.Conflict, match="tracked live"):
        services.update_session(alice, tracked.id, end_time=at(8, 30), now=NOW)


def test_times_cannot_move_away_from_the_sessions_interruptions(alice):
    session = manual(alice, at(8), at(9))
    services.log_interruption(alice, session.id, type="phone", start_time=at(8, 50), end_time=at(8, 55), now=NOW)
    with pytest.raises(services.Invalid) as refused:
        services.update_session(alice, session.id, end_time=at(8, 45), now=NOW)
    assert "end_time" in refused.value.fields


def test_delete_removes_the_session_and_its_interruptions(alice):
    session = manual(alice, at(8), at(9))
    services.log_interruption(alice, session.id, type="phone", start_time=at(8, 5), end_time=at(8, 6), now=NOW)
    services.delete_session(alice, session.id)
    assert db.session.query(FocusSession).count() == 0


def test_a_running_session_cannot_be_deleted(alice):
    session = services.start_session(alice, now=at(11))
    with pytest.raises(services.Conflict, match="End this session"):
        services.delete_session(alice, session.id)


def test_untracked_tallies_count_interruptions_as_idle(alice):
    session = manual(alice, at(8), at(9))
    services.log_interruption(alice, session.id, type="phone", start_time=at(8, 10), end_time=at(8, 20), now=NOW)
    services.log_interruption(alice, session.id, type="noise", start_time=at(8, 15), end_time=at(8, 25), now=NOW)
    assert services.figures(session) == {"elapsed_seconds": 3600, "active_seconds": 2700, "idle_seconds": 900,
                                         "tab_switches": 0}


def test_figures_of_a_running_session_count_up_to_now(alice):
    session = services.start_session(alice, now=at(11))
    services.log_interruption(alice, session.id, type="family", now=at(11, 10))
    assert services.figures(session, at(11, 15)) == {"elapsed_seconds": 900, "active_seconds": 600,
                                                     "idle_seconds": 300, "tab_switches": 0}


def test_list_sessions_newest_first_with_range_and_cursor(alice, bob):
    sessions = [manual(alice, at(h), at(h, 30)) for h in (6, 7, 8, 9)]
    manual(bob, at(7), at(7, 30))
    listed = services.list_sessions(alice, limit=10)
    assert [s.id for s in listed] == [s.id for s in reversed(sessions)]
    assert [s.id for s in services.list_sessions(alice, start=at(7), end=at(9))] == [sessions[2].id, sessions[1].id]
    page = services.list_sessions(alice, before=(sessions[2].start_time, sessions[2].id), limit=10)
    assert [s.id for s in page] == [sessions[1].id, sessions[0].id]
