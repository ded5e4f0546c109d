"""The metrics achievements read (rules/achievements.py), each one indexed query for one person.

Only server-witnessed focus: records with a room (room and solo-room sessions), never manual or
imported entries. Computed only for the metrics a still-locked achievement needs.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from ..extensions import db
from ..models import Comment, FocusSession, FocusTotal, Post, Room
from ..rules import achievements as rules
from . import totals

STREAK_LOOKAROUND = max(a.target for a in rules.ACHIEVEMENTS if a.metric == "streak")


def _counted():
    return (FocusSession.room_id.is_not(None), FocusSession.source.in_(totals.COUNTED_SOURCES),
            FocusSession.end_time.is_not(None))


def completed_phases(user_id: int) -> int:
    return db.session.execute(select(func.count()).where(
        FocusSession.user_id == user_id, FocusSession.status == "completed", *_counted())).scalar_one()


def focus_seconds(user_id: int) -> int:
    return db.session.execute(select(func.coalesce(func.sum(FocusTotal.seconds), 0)).where(
        FocusTotal.user_id == user_id, FocusTotal.period == "month")).scalar_one()


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


def _together():
    """(mine, theirs): pairs of one person's counted room records and someone else's record in the
    same room whose span overlaps (the same work phase; theirs may still be closing)."""
    mine, theirs = aliased(FocusSession), aliased(FocusSession)
    on = ((theirs.room_id == mine.room_id) & (theirs.user_id != mine.user_id)
          & (theirs.start_time < mine.end_time)
          & (theirs.end_time.is_(None) | (theirs.end_time > mine.start_time)))
    return mine, theirs, on


def has_company(record: FocusSession) -> bool:
    """Did someone else focus in this record's room during its span (the same work phase)?"""
    if record.source != "room" or record.room_id is None:
        return False
    return db.session.execute(select(FocusSession.id).where(
        FocusSession.room_id == record.room_id, FocusSession.user_id != record.user_id,
        FocusSession.start_time < record.end_time,
        FocusSession.end_time.is_(None) | (FocusSession.end_time > record.start_time)).limit(1)).first() is not None


def shared_rooms(user_id: int) -> int:
    mine, theirs, on = _together()
    return db.session.execute(
        select(func.count(func.distinct(mine.room_id))).select_from(mine).join(theirs, on)
        .where(mine.user_id == user_id, mine.source == "room", mine.end_time.is_not(None))).scalar_one()


def partners(user_id: int) -> int:
    mine, theirs, on = _together()
    return db.session.execute(
        select(func.count(func.distinct(theirs.user_id))).select_from(mine).join(theirs, on)
        .where(mine.user_id == user_id, mine.source == "room", mine.end_time.is_not(None))).scalar_one()


def hosted_rooms(user_id: int) -> int:
    """Rooms this person hosted that finished with someone else's focus recorded in them."""
    return db.session.execute(
        select(func.count(func.distinct(Room.id))).select_from(Room)
        .join(FocusSession, FocusSession.room_id == Room.id)
        .where(Room.host_id == user_id, Room.is_solo.is_(False), Room.ended_at.is_not(None),
               FocusSession.user_id != user_id, FocusSession.end_time.is_not(None))).scalar_one()


def forum_contributions(user_id: int) -> int:
    posts = select(func.count()).select_from(Post).where(Post.author_id == user_id).scalar_subquery()
    comments = select(func.count()).select_from(Comment).where(Comment.author_id == user_id).scalar_subquery()
    return db.session.execute(select(posts + comments)).scalar_one()


COMPUTE = {
    "sessions": completed_phases,
    "focus_seconds": focus_seconds,
    "streak": longest_streak,
    "shared_rooms": shared_rooms,
    "partners": partners,
    "hosted": hosted_rooms,
    "forum": forum_contributions,
}


def metrics_of(user_id: int, names: Iterable[str] = rules.METRICS) -> dict[str, int]:
    return {name: int(COMPUTE[name](user_id)) for name in names}
