"""Achievement definitions and the pure rules that decide what is earned. No Flask, no database.

Each achievement reads one *metric* (a whole number the achievements feature computes from the
records the product keeps, server-witnessed focus only) and is earned when the metric reaches
its `target`. Metrics:
- sessions: completed work phases (room or solo-room records that ran to their deadline)
- focus_seconds: counted active focus seconds (idle/away never; 12 h cap per session; overlaps once)
- streak: the longest run of local days in a row with counted focus, in the person's own zone
- shared_rooms: rooms (not solo) where someone else focused in the same work phase as them
- partners: different people they focused with in the same work phase
- hosted: rooms they hosted that finished with someone else's focus recorded in them
- forum: forum posts and replies written
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

CATEGORIES = (("sessions", "Sessions"), ("time", "Focus time"), ("streak", "Streaks"), ("social", "Together"))
STREAK_DAY_MIN_SECONDS = 60  # a local day counts towards a streak with at least a minute of counted focus
HOUR = 3600


@dataclass(frozen=True)
class Achievement:
    code: str
    name: str
    description: str
    category: str
    metric: str
    target: int
    points: int
    icon: str  # a short symbol shown beside the name (decorative)
    toast: str = ""

    @property
    def announcement(self) -> str:
        return self.toast or f"{self.name}!"


def _sessions(target: int, name: str, points: int, toast: str = "") -> Achievement:
    label = "your first work phase" if target == 1 else f"{target:,} work phases"
    return Achievement(f"sessions_{target}", name, f"Complete {label} in a room or solo session.",
                       "sessions", "sessions", target, points, "◆", toast)


def _hours(hours: int, name: str, points: int) -> Achievement:
    return Achievement(f"time_{hours}h", name, f"Focus actively for {hours:,} hour{'s' if hours > 1 else ''} in total.",
                       "time", "focus_seconds", hours * HOUR, points, "◷")


def _streak(days: int, name: str, points: int) -> Achievement:
    return Achievement(f"streak_{days}", name, f"Focus on {days} days in a row (your own time zone).",
                       "streak", "streak", days, points, "▲", f"{days}-day streak!")


ACHIEVEMENTS: tuple[Achievement, ...] = (
    _sessions(1, "First session", 10, "First session done!"),
    _sessions(10, "Ten phases", 20),
    _sessions(100, "Hundred phases", 50),
    _sessions(1000, "Thousand phases", 200),
    _hours(1, "First hour", 10),
    _hours(10, "Ten hours", 25),
    _hours(100, "Hundred hours", 75),
    _hours(1000, "Thousand hours", 300),
    _streak(3, "Three in a row", 10),
    _streak(7, "A full week", 25),
    _streak(30, "A month of focus", 100),
    _streak(100, "Hundred days", 300),
    Achievement("social_first_room", "Better together", "Focus in the same work phase as someone else.",
                "social", "shared_rooms", 1, 10, "●"),
    Achievement("social_partners_5", "Five companions", "Focus together with 5 different people.",
                "social", "partners", 5, 25, "●"),
    Achievement("social_partners_25", "Twenty-five companions", "Focus together with 25 different people.",
                "social", "partners", 25, 75, "●"),
    Achievement("social_hosted_10", "Host", "Host 10 rooms that finished with someone focusing alongside you.",
                "social", "hosted", 10, 50, "●"),
    Achievement("social_forum_first", "First words", "Write your first forum post or reply.",
                "social", "forum", 1, 10, "●"),
)
BY_CODE = {achievement.code: achievement for achievement in ACHIEVEMENTS}
METRICS = tuple(dict.fromkeys(achievement.metric for achievement in ACHIEVEMENTS))


@dataclass(frozen=True)
class Progress:
    achievement: Achievement
    current: int  # the metric, capped at the target
    earned: bool

    @property
    def label(self) -> str:
        """'37 / 100' (hours for time achievements)."""
        target, current = self.achievement.target, self.current
        if self.achievement.metric == "focus_seconds":  # tenths below 10 h, so early progress shows
            done = f"{current / HOUR:.1f}" if current < 10 * HOUR else f"{current // HOUR:,}"
            return f"{done} / {target // HOUR:,} h"
        return f"{current:,} / {target:,}"

    @property
    def percent(self) -> int:
        return min(100, self.current * 100 // self.achievement.target)


def newly_earned(metrics: Mapping[str, int], unlocked: Iterable[str],
                 achievements: Iterable[Achievement] = ACHIEVEMENTS) -> list[Achievement]:
    """Achievements whose metric has reached their target and that are not unlocked yet."""
    done = set(unlocked)
    return [a for a in achievements
            if a.code not in done and a.metric in metrics and metrics[a.metric] >= a.target]


def progress(metrics: Mapping[str, int], unlocked: Iterable[str]) -> list[Progress]:
    """Every achievement with its progress; an unlocked one stays earned whatever the metric says now."""
    done = set(unlocked)
    return [Progress(a, min(a.target, metrics.get(a.metric, 0)) if a.code not in done else a.target,
                     a.code in done) for a in ACHIEVEMENTS]


def needed_metrics(unlocked: Iterable[str], metrics: Iterable[str]) -> set[str]:
    """Of `metrics`, those that some still-locked achievement reads (nothing to compute otherwise)."""
    done, wanted = set(unlocked), set(metrics)
    return {a.metric for a in ACHIEVEMENTS if a.code not in done and a.metric in wanted}


def run_through(days: Iterable[date], day: date) -> int:
    """Length of the run of consecutive days that contains `day` (0 when `day` is not in it)."""
    found = set(days)
    if day not in found:
        return 0
    length, cursor = 1, day - timedelta(days=1)
    while cursor in found:
        length, cursor = length + 1, cursor - timedelta(days=1)
    cursor = day + timedelta(days=1)
    while cursor in found:
        length, cursor = length + 1, cursor + timedelta(days=1)
    return length


def longest_run(days: Iterable[date]) -> int:
    found, longest = set(days), 0
    for day in found:
        if day - timedelta(days=1) not in found:
            longest = max(longest, run_through(found, day))
    return longest


def current_run(days: Iterable[date], today: date) -> int:
    """Days in a row ending today (or yesterday while today has no focus yet)."""
    found = set(days)
    anchor = today if today in found else today - timedelta(days=1)
    length = 0
    while anchor in found:
        length, anchor = length + 1, anchor - timedelta(days=1)
    return length
