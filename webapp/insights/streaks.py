"""Daily streaks without reading a person's whole history.

Choice (documented in the README): the *current* streak is found by scanning backwards from today
in windows that double in size (35 days, then 70, 140, ...), stopping at the first day without
focus, so its cost follows the streak's length, never the history's. The *longest* streak is the
longest run inside the displayed range (with `range=all` that is the all-time longest), computed
from the sessions the page has loaded anyway; the page labels it "in this range".

A focus day is a local day with worked time. Each window also reads sessions that start the day
before it, so a session that crossed midnight into the window counts for its second day.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from ..rules import analytics
from . import queries
from .ranges import EARLIEST_DAY, local_midnight

FIRST_WINDOW_DAYS = 35
_DAY = timedelta(days=1)


def focus_days_between(user_id: int, zone: ZoneInfo, first_day: date, last_day: date) -> set[date]:
    """Local days in [first_day, last_day] with worked time, from an indexed range read."""
    spans = queries.session_spans(user_id, local_midnight(first_day - _DAY, zone),
                                  local_midnight(last_day + _DAY, zone))
    return {day for day in analytics.focus_days(spans, zone) if first_day <= day <= last_day}


def current_streak(user_id: int, zone: ZoneInfo, today: date,
                   known_days: Iterable[date] = (), known_from: date | None = None) -> int:
    """Consecutive focus days ending today (or yesterday while today has none yet).

    `known_days`/`known_from`: focus days already computed for [known_from, today] from sessions
    that start on or after known_from; days after known_from are trusted (known_from itself may
    lack a session that began the day before, so it is read again).
    """
    days: set[date] = set()
    covered_from = today + _DAY  # every day >= covered_from is known
    if known_from is not None and known_from < today:
        covered_from = known_from + _DAY
        days = {day for day in known_days if covered_from <= day <= today}
    window = FIRST_WINDOW_DAYS
    while True:
        if covered_from <= today:
            length = analytics.streaks(days, today)["current_streak"]
            anchor = today if today in days else today - _DAY
            if anchor - length * _DAY >= covered_from:  # the day before the run is known empty
                return length
        window_first = max(covered_from - window * _DAY, EARLIEST_DAY)
        if window_first >= covered_from:  # nothing before 1970 to read
            return analytics.streaks(days, today)["current_streak"]
        days |= focus_days_between(user_id, zone, window_first, covered_from - _DAY)
        covered_from = window_first
        window *= 2
