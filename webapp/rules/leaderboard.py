"""What a recorded session adds to the boards, and the windows boards read. Pure functions.

Anti-gaming, in one place:
- Only active seconds count (idle and away never do), and at most `MAX_COUNTED_SECONDS` (12 h)
  per session.
- A person's overlapping sessions count once: a new session is credited only over the part of
  its span that no earlier counted session of theirs covers, in proportion (its active seconds
  times uncovered/whole span), spread evenly over that uncovered part.
- The credit lands in UTC quarter hours (every zone's midnight is on a quarter-hour boundary), so
  any local day, week or month is an exact range of quarters.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

QUARTER_SECONDS = 900
MAX_COUNTED_SECONDS = 12 * 3600
PERIODS = ("day", "week", "month")

Span = tuple[int, int]  # epoch seconds [start, end)


def uncovered(span: Span, covered: Iterable[Span]) -> list[Span]:
    """The parts of `span` that none of `covered` overlaps, in order."""
    start, end = span
    pieces, cursor = [], start
    for other_start, other_end in sorted(covered):
        if other_end <= cursor or other_start >= end:
            continue
        if other_start > cursor:
            pieces.append((cursor, other_start))
        cursor = max(cursor, other_end)
        if cursor >= end:
            break
    if cursor < end:
        pieces.append((cursor, end))
    return pieces


def credit(active_seconds: int, span: Span, covered: Iterable[Span] = ()) -> dict[int, int]:
    """Seconds to add per UTC quarter (epoch // 900) for a session with `active_seconds` over `span`.

    The whole seconds credited add up exactly to the session's share (largest remainders)."""
    start, end = span
    length = end - start
    if length <= 0 or active_seconds <= 0:
        return {}
    free = uncovered(span, covered)
    free_length = sum(b - a for a, b in free)
    if free_length <= 0:
        return {}
    counted = min(active_seconds, MAX_COUNTED_SECONDS, length)
    share = counted * free_length / length
    rate = share / free_length
    exact: dict[int, float] = defaultdict(float)
    for piece_start, piece_end in free:
        cursor = piece_start
        while cursor < piece_end:
            quarter = cursor // QUARTER_SECONDS
            boundary = min(piece_end, (quarter + 1) * QUARTER_SECONDS)
            exact[quarter] += (boundary - cursor) * rate
            cursor = boundary
    return _whole(exact, round(share))


def fold(records: Iterable[tuple[Hashable, int, Span]]) -> dict[Hashable, dict[int, int]]:
    """Credit of each of one person's overlapping records, (key, active seconds, span), taken in
    the given order: each is credited over what the records before it leave uncovered.

    Crediting in a fixed order (by end, then id: see achievements/overlaps.py) makes the credit
    of a group of overlapping records a function of the group alone, so it can be taken back
    exactly when one of them is deleted, and given again without it."""
    credited: dict[Hashable, dict[int, int]] = {}
    spans: list[Span] = []
    for key, active_seconds, span in records:
        credited[key] = credit(active_seconds, span, spans)
        spans.append(span)
    return credited


def _whole(exact: Mapping[int, float], total: int) -> dict[int, int]:
    floors = {key: int(value) for key, value in exact.items()}
    left = total - sum(floors.values())
    for key in sorted(exact, key=lambda k: (floors[k] - exact[k], k))[:max(0, left)]:
        floors[key] += 1
    return {key: value for key, value in floors.items() if value > 0}


def quarter_start(quarter: int) -> datetime:
    return datetime.fromtimestamp(quarter * QUARTER_SECONDS, timezone.utc)


def local_day_of_quarter(quarter: int, zone: ZoneInfo) -> date:
    return quarter_start(quarter).astimezone(zone).date()


def period_start(period: str, day: date) -> date:
    """The first day of the day, week (Monday) or month holding `day`."""
    if period == "day":
        return day
    if period == "week":
        return day - timedelta(days=day.weekday())
    if period == "month":
        return day.replace(day=1)
    raise ValueError(period)


def period_end(period: str, starts: date) -> date:
    """The first day after the period that starts on `starts`."""
    if period == "day":
        return starts + timedelta(days=1)
    if period == "week":
        return starts + timedelta(days=7)
    return (starts.replace(day=28) + timedelta(days=4)).replace(day=1)


def totals_by_period(quarters: Mapping[int, int], zone: ZoneInfo) -> dict[tuple[str, date], int]:
    """Per-quarter credit summed into the person's local days, weeks and months."""
    totals: dict[tuple[str, date], int] = defaultdict(int)
    for quarter, seconds in quarters.items():
        day = local_day_of_quarter(quarter, zone)
        for period in PERIODS:
            totals[(period, period_start(period, day))] += seconds
    return dict(totals)


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    """The first instant of a local day, in UTC. When midnight falls in a DST gap, fold=0 reads it
    with the offset before the gap, which is the instant the gap ends: the day's real start."""
    return datetime(day.year, day.month, day.day, tzinfo=zone).astimezone(timezone.utc)


def window(period: str, now: datetime, zone: ZoneInfo) -> tuple[date, int, int]:
    """(first local day, first quarter, first quarter after) of the viewer's current period."""
    starts = period_start(period, now.astimezone(zone).date())
    first = local_midnight(starts, zone)
    after = local_midnight(period_end(period, starts), zone)
    return starts, int(first.timestamp()) // QUARTER_SECONDS, int(after.timestamp()) // QUARTER_SECONDS


def ranked(totals: Mapping[int, int]) -> list[tuple[int, int, int]]:
    """(rank, user id, seconds), most first; ties share a rank (1, 2, 2, 4); nobody with 0 s."""
    order = sorted(((seconds, user_id) for user_id, seconds in totals.items() if seconds > 0),
                   key=lambda item: (-item[0], item[1]))
    rows, rank = [], 0
    for index, (seconds, user_id) in enumerate(order):
        if index == 0 or seconds != order[index - 1][0]:
            rank = index + 1
        rows.append((rank, user_id, seconds))
    return rows
