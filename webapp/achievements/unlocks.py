"""Unlocking: when something that can unlock happens, compute the few metrics still-locked
achievements read for that one person, and insert one row per newly earned achievement.

Idempotent: `achievement_unlocks` has a unique (user_id, code); a repeated or concurrent event
inserts nothing twice (ON CONFLICT DO NOTHING), and the first unlock time is kept.
Nothing here commits: it runs inside the announcer's transaction (webapp/events.py).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.dialects import postgresql, sqlite

from ..extensions import db
from ..models import AchievementUnlock
from ..rules import achievements as rules
from . import metrics, toast


_UNLOCKED = select(AchievementUnlock.__table__.c.code).where(
    AchievementUnlock.__table__.c.user_id == bindparam("user_id"))


def unlocked_codes(user_id: int) -> set[str]:
    return set(db.session.execute(_UNLOCKED, {"user_id": user_id}).scalars())


def unlocked_rows(user_id: int) -> dict[str, datetime]:
    return dict(db.session.execute(
        select(AchievementUnlock.code, AchievementUnlock.unlocked_at)
        .where(AchievementUnlock.user_id == user_id)).all())


def unlock(user_id: int, earned: Iterable[rules.Achievement], at: datetime) -> list[rules.Achievement]:
    """Insert the unlocks; returns those this call really inserted (not the ones already there)."""
    earned = list(earned)
    if not earned:
        return []
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    table = AchievementUnlock.__table__
    # One statement for them all; RETURNING tells which rows this call wrote (psycopg reports no
    # rowcount for ON CONFLICT here).
    inserted = set(db.session.execute(
        dialect.insert(table).values([{"user_id": user_id, "code": achievement.code, "unlocked_at": at}
                                      for achievement in earned])
        .on_conflict_do_nothing(index_elements=["user_id", "code"]).returning(table.c.code)).scalars())
    return [achievement for achievement in earned if achievement.code in inserted]


def check(user_id: int, at: datetime, metric_names: Iterable[str],
          known: Mapping[str, int] | None = None, done: set[str] | None = None) -> list[rules.Achievement]:
    """Unlock what `metric_names` now earn this person; tell them live (after the commit).
    `done`: their unlocked codes, when the caller has read them already."""
    done = unlocked_codes(user_id) if done is None else done
    names = rules.needed_metrics(done, metric_names)
    if not names:
        return []
    values = {name: known[name] for name in names if known and name in known}
    values.update(metrics.metrics_of(user_id, names - set(values)))
    return earn(user_id, values, done, at)


def earn(user_id: int, values: Mapping[str, int], done: Iterable[str], at: datetime) -> list[rules.Achievement]:
    """Unlock what these metric values earn beyond `done`, and tell the person live."""
    new = unlock(user_id, rules.newly_earned(values, done), at)
    for achievement in new:
        toast.announce(user_id, achievement)
    return new
