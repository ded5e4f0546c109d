"""The metrics achievements read (rules/achievements.py) for one person.

Only server-witnessed focus: records with a room (room and solo-room sessions), never manual or
imported entries. Computed only for the metrics a still-locked achievement needs, and all the
counts in ONE statement (a scalar subquery each): unlock detection runs inside the recording
transaction on every closed work phase, and at 5M sessions its cost is statements, not rows.
The statements are built once with bind parameters, so a check only binds values. The together
metrics count the facts together.py keeps as phases close, not the room history.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from functools import lru_cache

from sqlalchemy import bindparam, func, or_, select

from ..extensions import db
from ..models import Comment, FocusSession, FocusTotal, Post, Room
from ..rules import achievements as rules
from . import together, totals

STREAK_LOOKAROUND = max(a.target for a in rules.ACHIEVEMENTS if a.metric == "streak")
PERSON = bindparam("person_id")


def _counted():
    # OR of equalities, not IN: an IN of values is an "expanding" parameter that SQLAlchemy
    # rewrites on every execution (recorded.py's statement runs on every closed phase).
    return (FocusSession.room_id.is_not(None),
            or_(*(FocusSession.source == source for source in totals.COUNTED_SOURCES)),
            FocusSession.end_time.is_not(None))


def _completed_phases():
    return select(func.count()).where(
        FocusSession.user_id == PERSON, FocusSession.status == "completed", *_counted()).scalar_subquery()


def _focus_seconds():
    return select(func.coalesce(func.sum(FocusTotal.seconds), 0)).where(
        FocusTotal.user_id == PERSON, FocusTotal.period == "month").scalar_subquery()


def _shared_rooms():
    return together.shared_rooms_count(PERSON)


def _partners():
    return together.partners_count(PERSON)


def _hosted_rooms():
    """Rooms this person hosted that finished with someone else's focus recorded in them."""
    return (select(func.count(func.distinct(Room.id))).select_from(Room)
            .join(FocusSession, FocusSession.room_id == Room.id)
            .where(Room.host_id == PERSON, Room.is_solo.is_(False), Room.ended_at.is_not(None),
                   FocusSession.user_id != PERSON, FocusSession.end_time.is_not(None)).scalar_subquery())


def _forum_contributions():
    posts = select(func.count()).select_from(Post).where(Post.author_id == PERSON).scalar_subquery()
    comments = select(func.count()).select_from(Comment).where(Comment.author_id == PERSON).scalar_subquery()
    return posts + comments


COUNTS = {
    "sessions": _completed_phases,
    "focus_seconds": _focus_seconds,
    "shared_rooms": _shared_rooms,
    "partners": _partners,
    "hosted": _hosted_rooms,
    "forum": _forum_contributions,
}


@lru_cache(maxsize=64)
def _counts_statement(names: tuple[str, ...]):
    return select(*(COUNTS[name]().label(name) for name in names))


def longest_streak(user_id: int) -> int:
    return rules.longest_run(totals.focus_days(user_id))


def streak_through(user_id: int, days: Iterable[date]) -> int:
    """The longest run containing one of `days` (the days a session just added to), read from a
    bounded window of day rows: enough to reach the largest streak target."""
    days = sorted(set(days))
    if not days:
        return 0
    found = totals.focus_days(user_id, days[0] - timedelta(days=STREAK_LOOKAROUND),
                              days[-1] + timedelta(days=STREAK_LOOKAROUND))
    return max(rules.run_through(found, day) for day in days)


def metrics_of(user_id: int, names: Iterable[str] = rules.METRICS) -> dict[str, int]:
    names = set(names)
    counted = tuple(sorted(names & set(COUNTS)))
    values = dict(db.session.execute(_counts_statement(counted), {"person_id": user_id}).one()._mapping) \
        if counted else {}
    if "streak" in names:
        values["streak"] = longest_streak(user_id)
    return {name: int(values[name]) for name in names}


def focus_seconds(user_id: int) -> int:
    return metrics_of(user_id, ("focus_seconds",))["focus_seconds"]


def partners(user_id: int) -> int:
    return metrics_of(user_id, ("partners",))["partners"]
