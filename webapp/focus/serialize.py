"""The JSON shapes of the API (fixed by issue 5); times are ISO 8601 in UTC."""
from __future__ import annotations

from datetime import datetime

from ..models import FocusSession, Interruption
from .services import figures
from .times import iso


def session_json(session: FocusSession, now: datetime | None = None) -> dict:
    tallies = figures(session, now)
    return {
        "id": session.id,
        "start_time": iso(session.start_time),
        "end_time": iso(session.end_time),
        "duration_seconds": session.duration_seconds,
        "status": session.status,
        "source": session.source,
        "room_code": session.room.code if session.room is not None else None,
        "task_id": session.task_id,
        "note": session.note or "",
        "elapsed_seconds": tallies["elapsed_seconds"],
        "active_seconds": tallies["active_seconds"],
        "idle_seconds": tallies["idle_seconds"],
        "tab_switches": tallies["tab_switches"],
        "focus_score": session.focus_score,
    }


def interruption_json(interruption: Interruption) -> dict:
    return {
        "id": interruption.id,
        "session_id": interruption.session_id,
        "type": interruption.type,
        "description": interruption.description or "",
        "start_time": iso(interruption.start_time),
        "end_time": iso(interruption.end_time),
        "duration": interruption.duration,
    }
