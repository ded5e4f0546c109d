"""Away spells: detected interruptions, the strict-mode failure rule, "What pulled you away?".

An away spell runs from the moment a tab was hidden (or the connection lost) to the moment the
person came back, paused, or the phase ended. The latest one is kept on the record so the person
can say what it was; a spell of a minute or more is recorded as an `unknown` interruption by
itself (source `detected`) for the person to relabel or dismiss later.
"""
from __future__ import annotations

from sqlalchemy import Update, update

from ..models import FocusSession, Interruption, Room, from_epoch_ms
from ..rules.accounting import AWAY, Presence
from .presence import MIN_GRACE_MS
from .sqlfold import in_its_room, is_open, now_parameter

DETECTED_AWAY_MS = 60_000

# What the prompt offers, in order, and the interruption type each answer logs.
ANSWERS = {"phone": "phone", "family": "family", "noise": "noise", "self": "self",
           "urgent_task": "urgent_task", "other": "unknown"}
ANSWER_LABELS = {"phone": "Phone", "family": "Family", "noise": "Noise", "self": "Myself",
                 "urgent_task": "Urgent task", "other": "Other"}


def close_away_spell(record: FocusSession, before: Presence, after: Presence) -> None:
    """If going from `before` to `after` ended an away spell, remember it (and record a long one)."""
    if before.mode != AWAY or after.mode == AWAY or before.away_since_ms is None:
        return
    start, end = before.away_since_ms, after.counted_until_ms
    record.last_away_from_ms, record.last_away_until_ms = start, end
    if end - start >= DETECTED_AWAY_MS:
        add_interruption(record, "unknown", "detected", start, end)


def add_interruption(record: FocusSession, kind: str, source: str, start_ms: int, end_ms: int) -> Interruption:
    interruption = Interruption(user_id=record.user_id, type=kind, source=source, description="",
                                start_time=from_epoch_ms(start_ms), end_time=from_epoch_ms(end_ms),
                                duration=max(0, end_ms - start_ms) // 1000)
    record.interruptions.append(interruption)
    return interruption


def detected_for_spell(record: FocusSession, start_ms: int) -> Interruption | None:
    start = from_epoch_ms(start_ms)
    return next((i for i in record.interruptions if i.source == "detected" and i.start_time == start), None)


def failures_statement() -> Update:
    """One UPDATE (run with {"now_ms": ...}): in strict rooms, everyone away for the grace window
    or longer has failed the phase."""
    now = now_parameter()
    return (update(FocusSession)
            .where(is_open(), FocusSession.mode == AWAY,
                   # Implied by the exact test below (activity comes before going away, and no
                   # grace window is shorter); it lets the index skip everyone away only briefly.
                   FocusSession.last_activity_ms <= now - MIN_GRACE_MS,
                   in_its_room(), Room.strict_mode.is_(True), FocusSession.status == "running",
                   FocusSession.away_since_ms + Room.grace_seconds * 1000 <= now)
            .values(status="failed")
            .returning(FocusSession.room_id))
