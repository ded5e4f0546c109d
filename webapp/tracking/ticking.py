"""The tick: three set-based statements, however many people are focusing (and a fourth look-up
every few seconds: the rooms whose lists show figures drifting with time).

1. Rows whose last activity is now older than their room's idle threshold turn idle (folded to now).
2. In strict rooms, rows away for the grace window or longer fail their phase.
3. Rows not folded for CHECKPOINT_MS are folded to now, so stored totals are never far behind
   what the timestamps say (readers that do not fold, e.g. the history, see recent figures).

Each reads only open rows it may change, through one partial index (models/focus.py) on
(mode, last_activity_ms), with a bound on last_activity_ms implied by its exact test; and each
returns the room ids it touched, so no extra SELECT is needed to know what to re-publish.
Everything is derived from stored timestamps, so a late, missed or doubled tick changes nothing:
folding to the same moment twice is a no-op, and a late fold counts exactly what `fold` counts.
"""
from __future__ import annotations

from datetime import datetime
from functools import cache

from sqlalchemy import func, select, update

from ..extensions import db
from ..models import FocusSession, Participant
from ..rooms import views as room_views
from ..rules.accounting import ACTIVE, AWAY, IDLE
from .presence import MIN_IDLE_THRESHOLD_MS, ms
from .sqlfold import COUNTING_MODES, fold_values, in_its_room, is_open, now_parameter, room_threshold_ms
from .strict import failures_statement

CHECKPOINT_MS = 30_000
# The shares of people idle or away change every second, but the list is published on changes of
# state: without a refresh it kept showing the moment someone turned idle (15 s of 15 active: 100 %)
# for the rest of the phase. Their rooms' lists are re-published this often, with figures at now.
LIVE_FIGURES_EVERY_SECONDS = 5


def tick(now: datetime) -> set[int]:
    """Run the tick's statements at `now`; the ids of rooms whose participant list changed."""
    parameters = {"now_ms": ms(now)}
    changed: set[int] = set()
    # The statements below bypass the ORM, and re-reading the records afterwards would drop changes
    # not yet sent (the phase ends of this tick, the interruptions they closed): send them first.
    db.session.flush()
    connection = db.session.connection()  # Core: the ORM's per-statement bookkeeping buys nothing here
    for statement in _statements():
        changed.update(room_id for (room_id,) in connection.execute(statement, parameters) if room_id is not None)
    if ms(now) // 1000 % LIVE_FIGURES_EVERY_SECONDS == 0:
        changed.update(connection.execute(_drifting_rooms_statement()).scalars())
    _expire_loaded_records()
    return changed


@cache
def _statements() -> tuple:
    # Built once: building and hashing these expressions costs more than running them on 1,000 rows.
    return idle_statement(), failures_statement(), checkpoint_statement()


@cache
def _drifting_rooms_statement():
    return drifting_rooms_statement()


def idle_statement():
    """Run with {"now_ms": ...}: active rows whose last activity is a threshold old turn idle."""
    threshold, now = room_threshold_ms(), now_parameter()
    return (update(FocusSession)
            .where(is_open(), FocusSession.mode == ACTIVE,
                   # No room's threshold is shorter, so this bound lets the index skip everyone
                   # who was active in the last few seconds; the exact test follows.
                   FocusSession.last_activity_ms <= now - MIN_IDLE_THRESHOLD_MS,
                   in_its_room(), FocusSession.last_activity_ms + threshold <= now,
                   FocusSession.counted_until_ms < now)
            .values(fold_values(now, threshold))
            .returning(FocusSession.room_id))


def checkpoint_statement():
    """Run with {"now_ms": ...}: rows still counting and not folded for CHECKPOINT_MS are folded."""
    now = now_parameter()
    return (update(FocusSession)
            .where(is_open(), FocusSession.mode.in_(COUNTING_MODES),
                   # Implied by the exact test below, since a row's last activity is never after
                   # the moment it is counted to; it lets the index skip everyone recently active.
                   FocusSession.last_activity_ms <= now - CHECKPOINT_MS,
                   FocusSession.counted_until_ms <= now - CHECKPOINT_MS, in_its_room())
            .values(fold_values(now, room_threshold_ms()))
            .returning(FocusSession.room_id))


def drifting_rooms_statement():
    """The rooms where someone's figures drift while nothing happens (idle or away in a phase), and
    whose list shows figures at all (big rooms show statuses only)."""
    present = (select(func.count(Participant.id))
               .where(Participant.room_id == FocusSession.room_id, Participant.connections > 0)
               .correlate(FocusSession).scalar_subquery())
    return (select(FocusSession.room_id).distinct()
            .where(is_open(), FocusSession.mode.in_((IDLE, AWAY)), FocusSession.room_id.is_not(None),
                   present <= room_views.FIGURES_IN_LIST_UP_TO))


def _expire_loaded_records() -> None:
    """The UPDATEs bypassed the ORM: records already loaded in this session must be re-read."""
    session = db.session()
    for instance in list(session.identity_map.values()):
        if isinstance(instance, FocusSession):
            session.expire(instance)
