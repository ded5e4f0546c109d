"""What people see: statuses in words, tracking's refinements, the timer's headline."""
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest

from webapp.rooms import views

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def room(**fields):
    base = dict(code="K7QM2X", status="idle", phase="work", round=1, rounds=4, phase_ends_at=None,
                remaining_seconds=1500.0, work_phases_done=0, timer_version=3, host_id=1, work_minutes=25,
                short_break_minutes=5, long_break_minutes=15, long_break_every=4, auto_start_breaks=True,
                auto_start_work=False)
    return SimpleNamespace(**{**base, **fields})


def person(connections=1, is_paused=False, user_id=2):
    return SimpleNamespace(id=9, user_id=user_id, connections=connections, is_paused=is_paused,
                           user=SimpleNamespace(name="Ada", is_guest=True))


@pytest.mark.parametrize("room_fields, person_fields, status", [
    ({}, {}, "waiting"),
    ({"status": "running", "phase": "work"}, {}, "focusing"),
    ({"status": "running", "phase": "long_break"}, {}, "on_break"),
    ({"status": "paused"}, {}, "paused"),
    ({"status": "running"}, {"is_paused": True}, "paused"),
    ({"status": "completed"}, {}, "waiting"),
    ({"status": "running"}, {"connections": 0}, "left"),
])
def test_own_status(room_fields, person_fields, status):
    assert views.own_status(room(**room_fields), person(**person_fields)) == status


@pytest.mark.parametrize("mine, tracked, shown", [
    ({"connections": 1}, "idle", "idle"),
    ({"connections": 1}, None, "focusing"),
    ({"connections": 0}, "away", "left"),
    ({"connections": 0}, "failed", "failed"),
])
def test_tracking_refines_the_status(monkeypatch, mine, tracked, shown):
    figures = {"status": tracked, "focus_score": 70} if tracked else {"focus_score": 70}
    monkeypatch.setattr(views, "FIGURE_SOURCES", [lambda r, people, now: {p.id: dict(figures) for p in people}])
    view = views.participant_view(room(status="running", host_id=2), person(**mine), NOW)
    assert view.status == shown and view.figures == {"focus_score": 70} and view.is_host


def test_status_words():
    assert views.ParticipantView(1, 1, "A", "on_break", False, False).status_label == "on break"


@pytest.mark.parametrize("fields, headline", [
    ({}, "Waiting for the host to start"),
    ({"status": "running", "phase_ends_at": NOW + timedelta(minutes=3)}, "Focus time"),
    ({"status": "running", "phase": "short_break", "phase_ends_at": NOW + timedelta(minutes=3)},
     "Short break: time to rest"),
    ({"status": "paused", "remaining_seconds": 90.0}, "Work paused"),
    ({"phase": "long_break", "remaining_seconds": 900.0}, "Up next: long break"),
    ({"status": "completed", "remaining_seconds": 0.0}, "Session complete. Well done!"),
])
def test_timer_headline(fields, headline):
    assert views.timer_view(room(**fields), NOW).headline == headline


def test_timer_view_counts_down_from_the_deadline():
    view = views.timer_view(room(status="running", phase_ends_at=NOW + timedelta(seconds=59.2)), NOW)
    assert view.display_seconds == 60 and view.ends_at_ms == int((NOW.timestamp() + 59.2) * 1000)
    assert view.round_label == "1 of 4" and round(view.progress, 3) == round(1 - 59.2 / 1500, 3)
    assert views.timer_view(room(rounds=None), NOW).round_label == "1"
