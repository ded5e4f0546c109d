"""Task rules: validation, done toggle, deletion, and the time and pomodoros spent from linked sessions."""
from datetime import datetime, timezone

import pytest

from webapp.extensions import db
from webapp.focus import services
from webapp.models import FocusSession, Task

UTC = timezone.utc
NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def at(hour, minute=0):
    return datetime(2024, 5, 1, hour, minute, tzinfo=UTC)


@pytest.fixture
def alice(make_user):
    return make_user("alice")


def test_create_and_validate(alice):
    task = services.create_task(alice, title="  Write report ", estimated_pomodoros=3)
    assert (task.title, task.estimated_pomodoros, task.done) == ("Write report", 3, False)
    for title, pomodoros, field in (("", 1, "title"), ("   ", 1, "title"), ("x" * 201, 1, "title"),
                                    ("ok", 0, "estimated_pomodoros"), ("ok", 51, "estimated_pomodoros"),
                                    ("ok", "2", "estimated_pomodoros"), (None, 1, "title")):
        with pytest.raises(services.Invalid) as refused:
            services.create_task(alice, title=title, estimated_pomodoros=pomodoros)
        assert field in refused.value.fields
    assert db.session.query(Task).count() == 1


def test_done_toggle_records_when(alice):
    task = services.create_task(alice, title="T", estimated_pomodoros=1)
    services.toggle_done(alice, task.id, now=NOW)
    assert task.done and task.done_at == NOW
    services.toggle_done(alice, task.id, now=NOW)
    assert not task.done and task.done_at is None


def test_tasks_are_private(alice, make_user):
    bob = make_user("bob")
    task = services.create_task(alice, title="T", estimated_pomodoros=1)
    for action in (lambda: services.toggle_done(bob, task.id), lambda: services.delete_task(bob, task.id),
                   lambda: services.update_task(bob, task.id, title="x")):
        with pytest.raises(services.NotFound):
            action()
    assert services.tasks_with_progress(bob) == []


def test_progress_sums_linked_sessions(alice, make_user):
    task = services.create_task(alice, title="Report", estimated_pomodoros=4)
    idle_task = services.create_task(alice, title="Later", estimated_pomodoros=1)
    services.create_manual(alice, start_time=at(6), end_time=at(6, 25), task_id=task.id, now=NOW)
    services.create_manual(alice, start_time=at(7), end_time=at(7, 30), task_id=task.id, now=NOW)
    abandoned = FocusSession(user_id=alice.id, source="solo", status="abandoned", start_time=at(8),
                             end_time=at(8, 10), duration_seconds=600, task_id=task.id)
    running = FocusSession(user_id=alice.id, source="solo", status="running", start_time=at(11), task_id=task.id)
    db.session.add_all([abandoned, running])
    db.session.commit()
    progress = {p.task.id: p for p in services.tasks_with_progress(alice)}
    assert (progress[task.id].seconds_spent, progress[task.id].pomodoros_done, progress[task.id].sessions) == (
        25 * 60 + 30 * 60 + 600, 2, 4)
    assert (progress[idle_task.id].seconds_spent, progress[idle_task.id].pomodoros_done) == (0, 0)


def test_done_tasks_sort_last_and_are_not_offered_for_new_sessions(alice):
    first = services.create_task(alice, title="First", estimated_pomodoros=1)
    second = services.create_task(alice, title="Second", estimated_pomodoros=1)
    services.toggle_done(alice, first.id, now=NOW)
    assert [p.task.id for p in services.tasks_with_progress(alice)] == [second.id, first.id]
    assert services.task_choices(alice) == [second]
    assert first in services.task_choices(alice, include_id=first.id)


def test_deleting_a_task_keeps_its_sessions(alice):
    task = services.create_task(alice, title="T", estimated_pomodoros=1)
    session = services.create_manual(alice, start_time=at(6), end_time=at(7), task_id=task.id, now=NOW)
    services.delete_task(alice, task.id)
    db.session.expire_all()
    assert db.session.get(FocusSession, session.id).task_id is None
