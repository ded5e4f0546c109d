"""Strict mode's "What pulled you away?": who is asked, and what answering does.

Someone who comes back before the grace window ends is asked; answering logs a typed interruption
spanning the time they were away, and they are not failed. Someone already failed is told so.
No commits here: the route commits once.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..models import Interruption, Participant, Room
from ..rules import accounting as rules
from ..rules.accounting import AWAY
from .presence import ms
from .services import apply, open_record
from .strict import ANSWERS, add_interruption, detected_for_spell

# How long after coming back the question is still offered.
PROMPT_WINDOW_MS = 120_000
# A blink away (a reload, a glance at another tab) is not worth a question.
MIN_AWAY_TO_ASK_MS = 5_000


class UnknownAnswer(ValueError):
    """The answer is not one of the offered choices."""


@dataclass(frozen=True)
class Prompt:
    state: str  # "ask" or "failed"
    away_seconds: int = 0


def prompt_for(room: Room, participant: Participant, now: datetime) -> Prompt | None:
    """What to show this person now that their tab is visible again, if anything."""
    record = open_record(participant)
    if not room.strict_mode or record is None:
        return None
    if record.status == "failed":
        return Prompt("failed")
    spell = _pending_spell(record, ms(now))
    if spell is None or spell[1] - spell[0] < MIN_AWAY_TO_ASK_MS:
        return None
    return Prompt("ask", away_seconds=(spell[1] - spell[0]) // 1000)


def answer(room: Room, participant: Participant, choice: str, now: datetime) -> Interruption | None:
    """Log the answer as an interruption over the away spell. None when there is nothing to log.

    Raises UnknownAnswer for a choice that was not offered.
    """
    if choice not in ANSWERS:
        raise UnknownAnswer(choice)
    record = open_record(participant)
    if record is None or record.status == "failed":
        return None
    if record.mode == AWAY:  # the answer arrived before the page's "visible": they are back
        apply(room, record, now, rules.on_visible)
    spell = _pending_spell(record, ms(now))
    if spell is None:
        return None
    record.last_away_from_ms = record.last_away_until_ms = None
    detected = detected_for_spell(record, spell[0])
    if detected is not None:
        detected.type = ANSWERS[choice]
        return detected
    return add_interruption(record, ANSWERS[choice], "live", *spell)


def _pending_spell(record, now_ms: int) -> tuple[int, int] | None:
    if record.mode == AWAY and record.away_since_ms is not None:
        return record.away_since_ms, now_ms
    if record.last_away_until_ms is not None and now_ms - record.last_away_until_ms <= PROMPT_WINDOW_MS:
        return record.last_away_from_ms, record.last_away_until_ms
    return None
