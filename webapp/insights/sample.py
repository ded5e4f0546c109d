"""Believable focus history for demos, screenshots, browser tests and the benchmark.

`add_session` writes one finished session and its interruptions the way the focus log stores
them; `seed_history` lays out weeks of work days in the user's zone with a deterministic RNG.
Nothing here runs in a request.
"""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta, timezone

from ..accounts.timezones import zone_of
from ..extensions import db
from ..models import FocusSession, Interruption, User, to_epoch_ms

# Phones and ourselves interrupt us most; weights shape the demo, not any rule.
TYPE_WEIGHTS = {"phone": 34, "self": 22, "family": 14, "noise": 12, "urgent_task": 12, "unknown": 6}


def add_session(user: User, start: datetime, minutes: float, *, score: int | None = None,
                interruptions: list[tuple[str, float, float]] = (), active_share: float = 0.9,
                source: str = "solo", commit: bool = True) -> FocusSession:
    """A finished session of `minutes` from aware `start`; interruptions are
    (type, minutes after start, length in minutes)."""
    end = start + timedelta(minutes=minutes)
    elapsed_ms = round(minutes * 60_000)
    session = FocusSession(
        user_id=user.id, source=source, status="completed", start_time=start, end_time=end,
        duration_seconds=round(minutes * 60), target_seconds=round(minutes * 60), focus_score=score,
        mode="stopped", counted_until_ms=to_epoch_ms(end), last_activity_ms=to_epoch_ms(end),
        elapsed_ms=elapsed_ms, active_ms=round(elapsed_ms * active_share),
        idle_ms=elapsed_ms - round(elapsed_ms * active_share), created_at=start, updated_at=end)
    for kind, offset, length in interruptions:
        begin = start + timedelta(minutes=offset)
        session.interruptions.append(Interruption(
            user_id=user.id, type=kind, start_time=begin, end_time=begin + timedelta(minutes=length),
            duration=round(length * 60), source="live", created_at=begin))
    db.session.add(session)
    if commit:
        db.session.commit()
    return session


def _interruptions(rng: random.Random, minutes: int, per_session: float) -> list:
    kinds, weights = list(TYPE_WEIGHTS), list(TYPE_WEIGHTS.values())
    count = min(6, int(rng.expovariate(1 / per_session))) if per_session else 0
    found = []
    for _ in range(count):
        length = rng.choice((0.5, 1, 2, 3, 4, 6, 9))
        offset = rng.uniform(1, max(1.5, minutes - length - 1))
        found.append((rng.choices(kinds, weights)[0], offset, length))
    return found


def seed_history(user: User, days: int, *, today: date | None = None, seed: int = 7,
                 sessions_per_day: tuple[int, int] = (2, 6), per_session: float = 1.2,
                 skip_chance: float = 0.18, commit_every: int = 2000) -> int:
    """Sessions on most of the last `days` local days (mornings busiest); returns how many."""
    rng = random.Random(seed)
    zone = zone_of(user.timezone)
    today = today or datetime.now(timezone.utc).astimezone(zone).date()
    written = 0
    for back in range(days - 1, -1, -1):
        day = today - timedelta(days=back)
        weekend = day.weekday() >= 5
        if rng.random() < (skip_chance * (2.5 if weekend else 1)):
            continue
        cursor = datetime.combine(day, time(rng.choice((7, 8, 8, 9, 9, 10))), tzinfo=zone)
        cursor += timedelta(minutes=rng.randrange(0, 50, 5))
        for _ in range(rng.randint(*sessions_per_day) - (2 if weekend else 0)):
            minutes = rng.choice((25, 25, 25, 30, 45, 50))
            base = 88 - (12 if cursor.hour >= 14 else 0)
            add_session(user, cursor.astimezone(timezone.utc), minutes,
                        score=max(20, min(100, round(rng.gauss(base, 8)))),
                        interruptions=_interruptions(rng, minutes, per_session * (1.6 if cursor.hour >= 14 else 1)),
                        active_share=rng.uniform(0.72, 0.97), commit=False)
            written += 1
            if written % commit_every == 0:
                db.session.commit()
            cursor += timedelta(minutes=minutes + rng.choice((5, 5, 10, 15, 30, 60, 90)))
    db.session.commit()
    return written
