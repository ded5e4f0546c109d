"""Helpers for tracking tests: rooms in a work phase, participants, and an injected clock."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from webapp.extensions import db
from webapp.models import FocusSession, Participant, Room
from tests.support import hooks

START = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
_codes = iter(range(10**6))


def at(seconds: float) -> datetime:
    """The injected clock: `seconds` after START."""
    return START + timedelta(seconds=seconds)


def make_room(host, **settings) -> Room:
    code = f"T{next(_codes):05d}".replace("0", "A").replace("1", "B")
    room = Room(code=code, name=settings.pop("name", "Tracking room"), host_id=host.id, created_by_id=host.id,
                **settings)
    db.session.add(room)
    db.session.flush()
    return room


def join(room: Room, user, connections: int = 1) -> Participant:
    participant = Participant(room=room, user_id=user.id, connections=connections, joined_at=START)
    db.session.add(participant)
    db.session.flush()
    return participant


def start_work(room: Room, seconds: float = 0) -> None:
    """What the rooms timer does when a work phase starts: the room runs, then the hook."""
    room.status, room.phase = "running", "work"
    room.started_at = room.started_at or at(seconds)
    room.phase_started_at = at(seconds)
    hooks.work_phase_started(room, at(seconds))
    db.session.commit()


def end_work(room: Room, seconds: float, finished: bool = True) -> None:
    hooks.work_phase_ended(room, at(seconds), finished=finished)
    room.phase = "short_break"
    room.work_phases_done += 1 if finished else 0
    db.session.commit()


def record_of(participant: Participant) -> FocusSession:
    db.session.refresh(participant)
    return participant.current_session


class StatementCounter:
    """Counts SQL statements sent to the database (an executemany counts as one)."""

    def __init__(self, engine):
        self.engine, self.statements = engine, []

    def _on_execute(self, conn, cursor, statement, parameters, context, executemany):
        self.statements.append(statement)

    def __enter__(self):
        from sqlalchemy import event
        event.listen(self.engine, "before_cursor_execute", self._on_execute)
        return self

    def __exit__(self, *exc):
        from sqlalchemy import event
        event.remove(self.engine, "before_cursor_execute", self._on_execute)

    def writes(self) -> list[str]:
        return [s for s in self.statements if s.lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE"))]
