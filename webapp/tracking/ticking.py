"""The tick: a constant number of set-based statements, however many people are focusing.

1. rows whose last activity is now older than their room's idle threshold turn idle (folded);
2. in strict rooms, rows away for the grace window or longer fail their phase;
3. rows not folded for CHECKPOINT_MS are folded to now, so stored totals are never far behind.

Everything is derived from stored timestamps, so a late, missed or doubled tick changes nothing:
folding to the same moment twice is a no-op, and a late fold counts exactly what `fold` counts.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import update

from ..extensions import db
from ..models import FocusSession
from ..rules.accounting import ACTIVE
from .presence import ms
from .sqlfold import COUNTING_MODES, fold_values, is_open, moment, room_threshold_ms
from .strict import failures_statement

CHECKPOINT_MS = 30_000


def tick(now: datetime) -> set[int]:
    """Run the tick's statements at `now`; the ids of rooms whose participant list changed."""
    now_ms = ms(now)
    changed: set[int] = set()
    for statement in (idle_statement(now_ms), failures_statement(now_ms), checkpoint_statement(now_ms)):
        result = db.session.execute(statement, execution_options={"synchronize_session": False})
        changed.update(room_id for (room_id,) in result if room_id is not None)
    _expire_loaded_records()
    return changed


def idle_statement(now_ms: int):
    threshold = room_threshold_ms()
    now = moment(now_ms)
    return (update(FocusSession)
            .where(is_open(), FocusSession.mode == ACTIVE, FocusSession.counted_until_ms < now,
                   FocusSession.last_activity_ms + threshold <= now)
            .values(fold_values(now, threshold))
            .returning(FocusSession.room_id))


def checkpoint_statement(now_ms: int):
    now = moment(now_ms)
    return (update(FocusSession)
            .where(is_open(), FocusSession.mode.in_(COUNTING_MODES),
                   FocusSession.counted_until_ms + CHECKPOINT_MS <= now)
            .values(fold_values(now, room_threshold_ms()))
            .returning(FocusSession.room_id))


def _expire_loaded_records() -> None:
    """The UPDATEs bypassed the ORM: records already loaded in this session must be re-read."""
    session = db.session()
    for instance in list(session.identity_map.values()):
        if isinstance(instance, FocusSession):
            session.expire(instance)
