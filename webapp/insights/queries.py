"""The database side of insights: indexed range reads and SQL aggregates, one user at a time.

Every read is bounded by (user_id, start_time) and served by ix_focus_sessions_user_start or
ix_interruptions_user_start, so its cost follows the rows in the range, never the whole table
or the user's whole history. Only the columns the analytics need are fetched.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import NamedTuple

from sqlalchemy import DateTime, String, case, func, select, type_coerce

from ..extensions import db
from ..models import FocusSession, Interruption, Task
from ..rules.analytics import InterruptionSpan


def _sessions_in(user_id: int, start: datetime, end: datetime):
    return (FocusSession.user_id == user_id, FocusSession.start_time >= start,
            FocusSession.start_time < end)


def _interruptions_in(user_id: int, start: datetime, end: datetime):
    return (Interruption.user_id == user_id, Interruption.start_time >= start,
            Interruption.start_time < end)


class LoadedSession(NamedTuple):
    """Reads exactly like rules.analytics.SessionSpan, but a range holds thousands of these and a
    tuple builds several times faster than the frozen dataclass."""
    start: datetime
    end: datetime | None
    focus_score: int | None = None
    active_seconds: int | None = None
    elapsed_seconds: int | None = None


class _Ends(NamedTuple):
    start: datetime
    end: datetime | None
    duration_seconds = InterruptionSpan.duration_seconds  # the rule itself, not a copy


class LoadedInterruption(NamedTuple):
    """Reads exactly like rules.analytics.InterruptionSpan. Its duration is worked out once, by
    InterruptionSpan's own rule, instead of once per statistic (four times per page)."""
    type: str
    start: datetime
    end: datetime | None
    duration_seconds: int


def loaded_interruption(kind: str, start: datetime, end: datetime | None) -> LoadedInterruption:
    return LoadedInterruption(kind, start, end, _Ends(start, end).duration_seconds)


def _utc_reader():
    """(column wrapper, parser) turning stored naive UTC into aware UTC as cheaply as possible.

    These reads are the hot path of every chart (thousands of rows per range). SQLite hands back
    text, so the database appends the offset and one C-level fromisoformat does the rest: several
    times cheaper than the generic TypeDecorator hook plus datetime.replace. Other drivers return
    datetimes already.
    """
    if db.engine.dialect.name == "sqlite":
        return (lambda column: type_coerce(column, String()).concat("+00:00")), datetime.fromisoformat
    utc = timezone.utc
    return (lambda column: type_coerce(column, DateTime())), (lambda moment: moment.replace(tzinfo=utc))


def _rows(statement) -> list:
    return db.session.connection().execute(statement).all()


def session_spans(user_id: int, start: datetime, end: datetime) -> list[LoadedSession]:
    """Sessions that start in [start, end), as the analytics rules take them."""
    raw, aware = _utc_reader()
    rows = _rows(select(raw(FocusSession.start_time), raw(FocusSession.end_time), FocusSession.focus_score)
                 .where(*_sessions_in(user_id, start, end)).order_by(FocusSession.start_time))
    return [LoadedSession(aware(began), aware(ended) if ended else None, score)
            for began, ended, score in rows]


def interruption_spans(user_id: int, start: datetime, end: datetime) -> list[LoadedInterruption]:
    """Interruptions that start in [start, end)."""
    raw, aware = _utc_reader()
    rows = _rows(select(Interruption.type, raw(Interruption.start_time), raw(Interruption.end_time))
                 .where(*_interruptions_in(user_id, start, end)).order_by(Interruption.start_time))
    return [loaded_interruption(kind, aware(began), aware(ended) if ended else None)
            for kind, began, ended in rows]


def session_aggregates(user_id: int, start: datetime, end: datetime) -> dict:
    """Average focus score over scored sessions; active share over sessions with counted time."""
    counted = FocusSession.elapsed_ms > 0
    row = db.session.execute(
        select(func.avg(FocusSession.focus_score), func.count(FocusSession.focus_score),
               func.sum(case((counted, FocusSession.active_ms), else_=0)),
               func.sum(case((counted, FocusSession.elapsed_ms), else_=0)))
        .where(*_sessions_in(user_id, start, end))).one()
    average, scored, active_ms, elapsed_ms = row
    return {
        "average_focus_score": round(float(average), 1) if scored else None,
        "scored_sessions": int(scored or 0),
        "active_share": round(int(active_ms) / int(elapsed_ms), 4) if elapsed_ms else None,
    }


def checkin_answers(user_id: int, start: datetime, end: datetime) -> list[str]:
    """One check-in answer per solo cycle started in the range (a cycle's records share it)."""
    return list(db.session.execute(
        select(func.min(FocusSession.checkin))
        .where(*_sessions_in(user_id, start, end), FocusSession.checkin.is_not(None))
        .group_by(FocusSession.room_id)).scalars())


def first_session_start(user_id: int) -> datetime | None:
    """When the user's first session began: MIN over the index, one lookup."""
    return db.session.execute(
        select(func.min(FocusSession.start_time)).where(FocusSession.user_id == user_id)).scalar()


def has_any_session(user_id: int) -> bool:
    return db.session.execute(
        select(FocusSession.id).where(FocusSession.user_id == user_id).limit(1)).first() is not None


# --- export: the range's rows in full -----------------------------------------------------------

SESSION_EXPORT_COLUMNS = (
    FocusSession.id, FocusSession.start_time, FocusSession.end_time, FocusSession.source,
    FocusSession.status, FocusSession.focus_score, FocusSession.active_ms, FocusSession.elapsed_ms,
    FocusSession.tab_switches, FocusSession.note, Task.title.label("task"),
)


def session_rows(user_id: int, start: datetime, end: datetime) -> list:
    """Every exported field of the sessions that start in the range, oldest first."""
    return list(db.session.execute(
        select(*SESSION_EXPORT_COLUMNS).outerjoin(Task, Task.id == FocusSession.task_id)
        .where(*_sessions_in(user_id, start, end)).order_by(FocusSession.start_time)))


def interruption_rows(user_id: int, start: datetime, end: datetime) -> list:
    """Interruptions that start in the range, oldest first."""
    return list(db.session.execute(
        select(Interruption.id, Interruption.session_id, Interruption.type, Interruption.source,
               Interruption.start_time, Interruption.end_time, Interruption.description)
        .where(*_interruptions_in(user_id, start, end)).order_by(Interruption.start_time)))


def interruptions_of_sessions(user_id: int, session_ids: list[int]) -> list:
    """(session_id, type, start, end) of the given sessions' interruptions, whenever they began."""
    if not session_ids:
        return []
    rows = []
    for chunk_start in range(0, len(session_ids), 500):  # stay under bound-parameter limits
        chunk = session_ids[chunk_start:chunk_start + 500]
        rows.extend(db.session.execute(
            select(Interruption.session_id, Interruption.type, Interruption.start_time,
                   Interruption.end_time)
            .where(Interruption.user_id == user_id, Interruption.session_id.in_(chunk))))
    return rows
