"""Today's figures, as pure functions of the sessions and `now`: focus so far against a goal,
the length a person usually focuses for, and a room's rhythm in words."""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from .analytics import SessionSpan, split_by_local_day


@dataclass(frozen=True)
class GoalProgress:
    worked_seconds: int
    goal_seconds: int

    @property
    def share(self) -> float:
        """How full the ring is, 0..1 (a goal met twice over is still a full ring)."""
        return min(1.0, self.worked_seconds / self.goal_seconds) if self.goal_seconds > 0 else 0.0

    @property
    def percent(self) -> int:
        return int(self.share * 100)

    @property
    def met(self) -> bool:
        return self.goal_seconds > 0 and self.worked_seconds >= self.goal_seconds

    @property
    def left_seconds(self) -> int:
        return max(0, self.goal_seconds - self.worked_seconds)


def worked_on(day: date, sessions: Iterable[SessionSpan], tz: ZoneInfo, now: datetime) -> int:
    """Whole seconds of focus inside the local `day`; a running session counts up to `now`."""
    total = 0.0
    for session in sessions:
        end = session.end if session.end is not None else max(now, session.start)
        total += sum(seconds for wall_day, seconds in split_by_local_day(session.start, end, tz)
                     if wall_day == day)
    return int(total)


def goal_progress(worked_seconds: int, goal_minutes: int) -> GoalProgress:
    return GoalProgress(max(0, int(worked_seconds)), max(0, int(goal_minutes)) * 60)


def usual_minutes(recent_targets: Sequence[int | None], default: int) -> int:
    """The length a person usually picks: the most common of their recent targets (the newest
    wins a tie), or `default` before they have any."""
    minutes = [round(seconds / 60) for seconds in recent_targets if seconds]
    if not minutes:
        return default
    counts = Counter(minutes)
    best = max(counts.values())
    return next(m for m in minutes if counts[m] == best)


def rhythm(work: int, short_break: int, long_break: int, long_every: int,
           rounds: int | None = None) -> str:
    """'25 min focus · 5 min breaks · 15 min long break every 4', as a room is described."""
    parts = [f"{work} min focus"]
    if rounds == 1:
        return parts[0]
    parts.append(f"{short_break} min breaks")
    if rounds is None or rounds > long_every:
        parts.append(f"{long_break} min long break every {long_every}")
    parts.append(f"{rounds} rounds" if rounds else "until stopped")
    return " · ".join(parts)


def minutes_label(seconds: int) -> str:
    """'2 h', '1 h 05 min', '12 min', '0 min': a goal and a day's total, to the minute."""
    hours, minutes = divmod(max(0, int(seconds)) // 60, 60)
    if hours and minutes:
        return f"{hours} h {minutes:02d} min"
    return f"{hours} h" if hours else f"{minutes} min"
