"""Focus analytics bucketed in the user's time zone (the HyperFocus contract, made local).

Pure functions: no Flask, no database. Inputs are aware UTC datetimes already selected for the
range; every bucketing function takes the user's `ZoneInfo`. Hours and days are *wall-clock*
hours and days, so a spring-forward day has 23 hours, a fall-back day 25 (both real hours of the
repeated hour land in the same local hour), and a +05:30 zone splits at :30 UTC.

Worked time of a session is its whole seconds from its start (rules/durations.py: what its card,
the history and the exports show), so a range's total is the sum of what its sessions read;
unfinished sessions (`end is None`) count as sessions but add no time. Interruptions belong to
the local hour and day they start, whole. A session's worked span is cut at local hours and
days exactly; each bucket's pieces are summed and rounded half-up to whole seconds at the end.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from .durations import whole_seconds

INTERRUPTION_TYPES = ("family", "phone", "noise", "self", "urgent_task", "unknown")
WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

_SECOND = timedelta(seconds=1)
_HALF_SECOND = timedelta(microseconds=500_000)
_MICROSECOND = timedelta(microseconds=1)
_HOUR = timedelta(hours=1)
_DAY = timedelta(days=1)
_ZERO = timedelta(0)


@dataclass(frozen=True)
class SessionSpan:
    start: datetime
    end: datetime | None
    focus_score: int | None = None
    active_seconds: int | None = None  # carried for callers; worked time is the span
    elapsed_seconds: int | None = None


@dataclass(frozen=True)
class InterruptionSpan:
    type: str
    start: datetime
    end: datetime | None

    @property
    def duration_seconds(self) -> int:
        """Whole seconds (truncated) from start to end; 0 while open or if end precedes start."""
        return whole_seconds(self.start, self.end)


# --- splitting a span at local boundaries -------------------------------------------------

def _require_aware(moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment!r}: analytics needs aware UTC datetimes")


def _first_instant_with_other_offset(before: datetime, after: datetime, tz: ZoneInfo) -> datetime:
    """The first microsecond in (before, after] whose UTC offset differs from `before`'s."""
    old_offset = before.astimezone(tz).utcoffset()
    if (after - _MICROSECOND).astimezone(tz).utcoffset() == old_offset:
        return after  # the usual case: the change falls exactly on the wall-clock boundary
    while after - before > _MICROSECOND:
        middle = before + (after - before) // 2
        if middle.astimezone(tz).utcoffset() == old_offset:
            before = middle
        else:
            after = middle
    return after


def _local_pieces(start: datetime, end: datetime | None, tz: ZoneInfo,
                  unit: timedelta) -> list[tuple[datetime, timedelta]]:
    """Cut [start, end) at local hour (unit=_HOUR) or midnight (unit=_DAY) boundaries.

    Returns (local wall time where the bucket was first entered, exact duration), one entry per
    wall hour/day in order of first appearance: a wall hour lived twice (fall back) is summed.
    Between offset changes the wall clock runs at the UTC rate, so the next boundary is the wall
    distance away in UTC; an offset change before it ends the piece there (usually exactly on
    the boundary; a change inside an hour is found by bisection).
    """
    if end is None:
        return []
    _require_aware(start)
    _require_aware(end)
    pieces: dict[tuple[date, int], tuple[datetime, timedelta]] = {}
    cursor = start
    while cursor < end:
        local = cursor.astimezone(tz)
        wall = local.replace(tzinfo=None)
        if unit == _HOUR:
            next_wall = wall.replace(minute=0, second=0, microsecond=0) + _HOUR
        else:
            next_wall = wall.replace(hour=0, minute=0, second=0, microsecond=0) + _DAY
        piece_end = min(cursor + (next_wall - wall), end)
        if piece_end.astimezone(tz).utcoffset() != local.utcoffset():
            piece_end = _first_instant_with_other_offset(cursor, piece_end, tz)
        bucket = (wall.date(), wall.hour if unit == _HOUR else 0)
        first_wall, length = pieces.get(bucket, (wall, _ZERO))
        pieces[bucket] = (first_wall, length + (piece_end - cursor))
        cursor = piece_end
    return list(pieces.values())


def split_by_local_hour(start: datetime, end: datetime | None,
                        tz: ZoneInfo) -> list[tuple[date, int, float]]:
    """[(local_date, local_hour, seconds)] covering [start, end), first-seen order."""
    return [(wall.date(), wall.hour, length.total_seconds())
            for wall, length in _local_pieces(start, end, tz, _HOUR)]


def split_by_local_day(start: datetime, end: datetime | None,
                       tz: ZoneInfo) -> list[tuple[date, float]]:
    """[(local_date, seconds)] covering [start, end), first-seen order."""
    return [(wall.date(), length.total_seconds())
            for wall, length in _local_pieces(start, end, tz, _DAY)]


def _whole_seconds(length: timedelta) -> int:
    return (length + _HALF_SECOND) // _SECOND


def _worked(session: SessionSpan) -> timedelta:
    return whole_seconds(session.start, session.end) * _SECOND


def _worked_end(session: SessionSpan) -> datetime | None:
    """Where the session's counted whole seconds end (None while it runs)."""
    return None if session.end is None else session.start + _worked(session)


def _local_start(moment: datetime, tz: ZoneInfo) -> datetime:
    _require_aware(moment)
    return moment.astimezone(tz)


def _rate_per_hour(count: int, seconds: int) -> float:
    return round(count * 3600 / seconds, 2) if seconds > 0 else 0.0


# --- the analytics ---------------------------------------------------------------------------

def summary(sessions: Iterable[SessionSpan], interruptions: Iterable[InterruptionSpan],
            range_days: int) -> dict:
    """Totals for the range. The average duration is over *ended* interruptions, as an int."""
    sessions, interruptions = list(sessions), list(interruptions)
    worked = _whole_seconds(sum((_worked(s) for s in sessions), _ZERO))
    lost = sum(i.duration_seconds for i in interruptions)
    ended = sum(1 for i in interruptions if i.end is not None)
    effective = max(0, worked - lost)
    return {
        "range_days": range_days,
        "total_sessions": len(sessions),
        "total_interruptions": len(interruptions),
        "total_time_worked_seconds": worked,
        "total_time_lost_seconds": lost,
        "effective_time_seconds": effective,
        "average_interruption_duration_seconds": (lost * 2 + ended) // (ended * 2) if ended else 0,
        "interruptions_per_hour": _rate_per_hour(len(interruptions), effective),
    }


def _known_type(kind: str) -> str:
    return kind if kind in INTERRUPTION_TYPES else "unknown"


def interruption_types(interruptions: Iterable[InterruptionSpan]) -> dict:
    """Counts, proportions (0..1, 4 decimals) and lost seconds for each of the six types."""
    counts = dict.fromkeys(INTERRUPTION_TYPES, 0)
    lost = dict.fromkeys(INTERRUPTION_TYPES, 0)
    for interruption in interruptions:
        kind = _known_type(interruption.type)
        counts[kind] += 1
        lost[kind] += interruption.duration_seconds
    total = sum(counts.values())
    proportions = {kind: round(n / total, 4) if total else 0.0 for kind, n in counts.items()}
    return {"counts": counts, "proportions": proportions, "total_interruptions": total,
            "time_lost_seconds": lost}


def _interruptions_by_start_hour(interruptions: Iterable[InterruptionSpan],
                                 tz: ZoneInfo) -> list[int]:
    per_hour = [0] * 24
    for interruption in interruptions:
        per_hour[_local_start(interruption.start, tz).hour] += 1
    return per_hour


def productive_hours(sessions: Iterable[SessionSpan], interruptions: Iterable[InterruptionSpan],
                     tz: ZoneInfo) -> dict:
    """Work seconds and interruptions for each local hour of the day (0-23)."""
    work = [_ZERO] * 24
    for session in sessions:
        for wall, length in _local_pieces(session.start, _worked_end(session), tz, _HOUR):
            work[wall.hour] += length
    counts = _interruptions_by_start_hour(interruptions, tz)
    hours = []
    for hour in range(24):
        seconds = _whole_seconds(work[hour])
        hours.append({"hour": hour, "work_seconds": seconds, "interruptions": counts[hour],
                      "interruptions_per_hour": _rate_per_hour(counts[hour], seconds)})
    return {"hours": hours}


def peak_distraction_time(interruptions: Iterable[InterruptionSpan], tz: ZoneInfo) -> dict:
    """The local hour in which most interruptions start; the earliest hour wins a tie."""
    counts = _interruptions_by_start_hour(interruptions, tz)
    total = sum(counts)
    peak = counts.index(max(counts)) if total else None
    return {"peak_hour": peak, "peak_interruptions": max(counts), "total_interruptions": total}


def weekly_pattern(sessions: Iterable[SessionSpan], interruptions: Iterable[InterruptionSpan],
                   tz: ZoneInfo) -> dict:
    """Monday..Sunday totals; interruptions and their whole lost time go to their start day."""
    work = [_ZERO] * 7
    lost = [0] * 7
    counts = [0] * 7
    for session in sessions:
        for wall, length in _local_pieces(session.start, _worked_end(session), tz, _DAY):
            work[wall.weekday()] += length
    for interruption in interruptions:
        weekday = _local_start(interruption.start, tz).weekday()
        lost[weekday] += interruption.duration_seconds
        counts[weekday] += 1
    days = []
    for index, name in enumerate(WEEKDAY_NAMES):
        seconds = _whole_seconds(work[index])
        days.append({"weekday_index": index, "weekday_name": name, "work_seconds": seconds,
                     "time_lost_seconds": lost[index],
                     "effective_time_seconds": max(0, seconds - lost[index]),
                     "interruptions": counts[index]})
    return {"days": days}


def heatmap(sessions: Iterable[SessionSpan], tz: ZoneInfo) -> list[list[int]]:
    """Work seconds as grid[weekday][hour] (weekday 0 = Monday), 7 rows of 24."""
    grid = [[_ZERO] * 24 for _ in range(7)]
    for session in sessions:
        for wall, length in _local_pieces(session.start, _worked_end(session), tz, _HOUR):
            grid[wall.weekday()][wall.hour] += length
    return [[_whole_seconds(cell) for cell in row] for row in grid]


def daily_series(sessions: Iterable[SessionSpan], interruptions: Iterable[InterruptionSpan],
                 tz: ZoneInfo, first_day: date, last_day: date) -> list[dict]:
    """One row per local day from first_day to last_day inclusive; time outside is dropped.

    Sessions and scores count on the day a session starts; average_score is the mean of that
    day's non-null scores rounded to 1 decimal, or None.
    """
    work: dict[date, timedelta] = defaultdict(lambda: _ZERO)
    lost: dict[date, int] = defaultdict(int)
    started: dict[date, int] = defaultdict(int)
    scores: dict[date, list[int]] = defaultdict(list)
    for session in sessions:
        for wall, length in _local_pieces(session.start, _worked_end(session), tz, _DAY):
            work[wall.date()] += length
        day = _local_start(session.start, tz).date()
        started[day] += 1
        if session.focus_score is not None:
            scores[day].append(session.focus_score)
    for interruption in interruptions:
        lost[_local_start(interruption.start, tz).date()] += interruption.duration_seconds
    rows = []
    for offset in range((last_day - first_day).days + 1):
        day = first_day + timedelta(days=offset)
        day_scores = scores.get(day)
        rows.append({"date": day.isoformat(), "work_seconds": _whole_seconds(work.get(day, _ZERO)),
                     "time_lost_seconds": lost.get(day, 0), "sessions": started.get(day, 0),
                     "average_score": round(sum(day_scores) / len(day_scores), 1)
                     if day_scores else None})
    return rows


def focus_days(sessions: Iterable[SessionSpan], tz: ZoneInfo) -> set[date]:
    """Local days with any worked time: the input of `streaks`."""
    return {wall.date() for session in sessions
            for wall, length in _local_pieces(session.start, _worked_end(session), tz, _DAY)
            if length > _ZERO}


def streaks(focus_days: set[date], today: date) -> dict:
    """Consecutive focus days: current (from today, or from yesterday while today is empty)."""
    longest = 0
    for day in focus_days:
        if day - _DAY not in focus_days:  # the first day of a run
            length = 1
            while day + length * _DAY in focus_days:
                length += 1
            longest = max(longest, length)
    cursor = today if today in focus_days else today - _DAY
    current = 0
    while cursor in focus_days:
        current += 1
        cursor -= _DAY
    return {"current_streak": current, "longest_streak": longest}


def peak_hour_label(hour: int | None) -> str | None:
    """'14:00–15:00' for 14 (en dash); '23:00–00:00' for 23; None for None."""
    if hour is None:
        return None
    if not 0 <= hour <= 23:
        raise ValueError(f"hour must be 0-23, got {hour}")
    return f"{hour:02d}:00\u2013{(hour + 1) % 24:02d}:00"
