"""Believable focus history for demos, screenshots, browser tests and the benchmark.

`add_session` writes one finished session and its interruptions the way the focus log stores
them; `seed_history` lays out weeks of work days in the user's zone with a deterministic RNG,
keeping only sessions the focus log itself would accept. Nothing here runs in a request.
"""
from __future__ import annotations

import bisect
import random
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import or_, select

from ..accounts.timezones import zone_of
from ..extensions import db
from ..focus.services.errors import Problems
from ..focus.services.sessions import check_span
from ..models import FocusSession, Interruption, User, to_epoch_ms, utcnow
from ..rules.durations import whole_seconds
from ..rules.session_status import end_status, reached_target

# Phones and ourselves interrupt us most; weights shape the demo, not any rule.
TYPE_WEIGHTS = {"phone": 34, "self": 22, "family": 14, "noise": 12, "urgent_task": 12, "unknown": 6}


def add_session(user: User, start: datetime, minutes: float, *, score: int | None = None,
                interruptions: list[tuple[str, float, float]] = (), active_share: float = 0.9,
                source: str = "solo", commit: bool = True) -> FocusSession:
    """A finished session of `minutes` from aware `start`, which reached its target; interruptions
    are (type, minutes after start, length in minutes)."""
    end = start + timedelta(minutes=minutes)
    seconds = whole_seconds(start, end)
    elapsed_ms = seconds * 1000
    session = FocusSession(
        user_id=user.id, source=source, status=end_status(reached=reached_target(seconds, seconds)),
        start_time=start, end_time=end, duration_seconds=seconds, target_seconds=seconds, focus_score=score,
        mode="stopped", counted_until_ms=to_epoch_ms(end), last_activity_ms=to_epoch_ms(end),
        elapsed_ms=elapsed_ms, active_ms=round(elapsed_ms * active_share),
        idle_ms=elapsed_ms - round(elapsed_ms * active_share), created_at=start, updated_at=end)
    for kind, offset, length in interruptions:
        begin = start + timedelta(minutes=offset)
        finish = begin + timedelta(minutes=length)
        session.interruptions.append(Interruption(
            user_id=user.id, type=kind, start_time=begin, end_time=finish,
            duration=whole_seconds(begin, finish), source="live", created_at=begin))
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


class _Taken:
    """The person's logged time as sorted, disjoint spans, to keep demo sessions off it."""

    def __init__(self, spans: list[tuple[datetime, datetime]]):
        self.starts: list[datetime] = []
        self.ends: list[datetime] = []
        for start, end in sorted(spans):
            if self.ends and start <= self.ends[-1]:  # old overlapping rows: merge them
                self.ends[-1] = max(self.ends[-1], end)
            else:
                self.starts.append(start)
                self.ends.append(end)

    def is_free(self, start: datetime, end: datetime) -> bool:
        at = bisect.bisect_left(self.starts, end)  # spans starting before `end`...
        return at == 0 or self.ends[at - 1] <= start  # ...must all end by `start`

    def take(self, start: datetime, end: datetime) -> None:
        at = bisect.bisect_left(self.starts, start)
        self.starts.insert(at, start)
        self.ends.insert(at, end)


def _logged_time(user: User, since: datetime, now: datetime) -> _Taken:
    """Sessions of the person reaching into [since, now]; a running one lasts until now."""
    rows = db.session.execute(
        select(FocusSession.start_time, FocusSession.end_time)
        .where(FocusSession.user_id == user.id, FocusSession.start_time <= now,
               or_(FocusSession.end_time.is_(None), FocusSession.end_time > since))).all()
    return _Taken([(start, end or max(now, start)) for start, end in rows])


def _acceptable(start: datetime, end: datetime, now: datetime) -> bool:
    """What the focus log accepts for a finished entry, and nothing after now (no clock slack)."""
    problems = Problems()
    check_span(start, end, now, problems)
    return not problems.fields and end <= now


def seed_history(user: User, days: int, *, today: date | None = None, now: datetime | None = None,
                 seed: int = 7, sessions_per_day: tuple[int, int] = (2, 6), per_session: float = 1.2,
                 skip_chance: float = 0.18, commit_every: int = 2000) -> int:
    """Sessions on most of the last `days` local days (mornings busiest); returns how many were added.

    Every session ends by `now` and overlaps no other session of the person, those already in the
    log included; a slot that would is left out. So running it again with the same seed adds
    nothing, and with another seed only what fits in between.
    """
    rng = random.Random(seed)
    zone = zone_of(user.timezone)
    now = now or utcnow()
    today = today or now.astimezone(zone).date()
    first_day = today - timedelta(days=days - 1)
    taken = _logged_time(user, datetime.combine(first_day, time.min, tzinfo=zone), now)
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
            # Drawn whether or not the slot is free, so the same seed always lays out the same days.
            score = max(20, min(100, round(rng.gauss(base, 8))))
            interruptions = _interruptions(rng, minutes, per_session * (1.6 if cursor.hour >= 14 else 1))
            active_share = rng.uniform(0.72, 0.97)
            start = cursor.astimezone(timezone.utc)
            end = start + timedelta(minutes=minutes)
            if _acceptable(start, end, now) and taken.is_free(start, end):
                add_session(user, start, minutes, score=score, interruptions=interruptions,
                            active_share=active_share, commit=False)
                taken.take(start, end)
                written += 1
                if written % commit_every == 0:
                    db.session.commit()
            cursor += timedelta(minutes=minutes + rng.choice((5, 5, 10, 15, 30, 60, 90)))
    db.session.commit()
    return written
