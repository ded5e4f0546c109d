"""Insights assembled from indexed range reads and the pure analytics rules.

No HTTP here: routes parse the range and render; the API serialises. Everything is computed
in the user's profile zone, for sessions and interruptions that *start* inside the range.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from ..accounts.timezones import zone_of
from ..models import User, utcnow
from ..rules import analytics
from ..rules.solo import CheckinBreakdown, checkin_breakdown
from . import queries, streaks
from .ranges import InsightRange, local_today

TYPE_LABELS = {"family": "Family", "phone": "Phone", "noise": "Noise", "self": "Myself",
               "urgent_task": "Urgent task", "unknown": "Other"}


def first_active_day(user: User) -> Callable[[], date | None]:
    """For `range=all`: the local day of the user's first session (one index lookup)."""
    def lookup() -> date | None:
        first = queries.first_session_start(user.id)
        if first is None:
            return None
        try:
            return first.astimezone(zone_of(user.timezone)).date()
        except OverflowError:  # stored at the very start of the calendar
            return first.date()
    return lookup


@dataclass
class Insights:
    range: InsightRange
    today: date
    has_history: bool
    summary: dict
    aggregates: dict
    types: dict
    hours: list[dict]
    peak: dict
    weekly: list[dict]
    heatmap: list[list[int]]
    daily: list[dict]
    focus_days: set[date]
    streaks: dict
    highlights: dict = field(default_factory=dict)
    checkins: CheckinBreakdown = field(default_factory=CheckinBreakdown)

    @property
    def is_empty(self) -> bool:
        return self.summary["total_sessions"] == 0 and self.summary["total_interruptions"] == 0


def build_insights(user: User, insight_range: InsightRange, now: datetime | None = None) -> Insights:
    """Everything the page and the JSON export show for one range."""
    now = now or utcnow()
    zone, first, last = insight_range.zone, insight_range.first_day, insight_range.last_day
    sessions = queries.session_spans(user.id, insight_range.start, insight_range.end)
    interruptions = queries.interruption_spans(user.id, insight_range.start, insight_range.end)
    today = local_today(zone, now)
    days = {day for day in analytics.focus_days(sessions, zone) if first <= day <= last}
    current = streaks.current_streak(user.id, zone, today, known_days=days,
                                     known_from=first if last >= today else None)
    hours = analytics.productive_hours(sessions, interruptions, zone)["hours"]
    types = analytics.interruption_types(interruptions)
    peak = analytics.peak_distraction_time(interruptions, zone)
    weekly = analytics.weekly_pattern(sessions, interruptions, zone)["days"]
    insights = Insights(
        range=insight_range, today=today,
        has_history=bool(sessions) or queries.has_any_session(user.id),
        summary=analytics.summary(sessions, interruptions, insight_range.days),
        aggregates=queries.session_aggregates(user.id, insight_range.start, insight_range.end),
        types=types, hours=hours, peak=peak, weekly=weekly,
        heatmap=analytics.heatmap(sessions, zone),
        daily=analytics.daily_series(sessions, interruptions, zone, first, last),
        focus_days=days,
        streaks={"current_streak": current,
                 "longest_streak": analytics.streaks(days, today)["longest_streak"],
                 "focus_days": len(days)},
    )
    insights.highlights = highlights(hours, types, peak, weekly)
    insights.checkins = checkin_breakdown(queries.checkin_answers(user.id, insight_range.start, insight_range.end))
    return insights


def highlights(hours: list[dict], types: dict, peak: dict, weekly: list[dict]) -> dict:
    """The at-a-glance answers: when focus goes best, what costs the most time."""
    best_hour = max(hours, key=lambda h: (h["work_seconds"], -h["hour"]))
    best_day = max(weekly, key=lambda d: (d["effective_time_seconds"], -d["weekday_index"]))
    lost = types["time_lost_seconds"]
    costliest = max(analytics.INTERRUPTION_TYPES, key=lambda kind: (lost[kind], types["counts"][kind]))
    return {
        "best_hour": best_hour["hour"] if best_hour["work_seconds"] else None,
        "best_hour_label": analytics.peak_hour_label(best_hour["hour"])
        if best_hour["work_seconds"] else None,
        "best_hour_seconds": best_hour["work_seconds"],
        "best_day": best_day["weekday_name"].title() if best_day["effective_time_seconds"] else None,
        "best_day_seconds": best_day["effective_time_seconds"],
        "peak_hour_label": analytics.peak_hour_label(peak["peak_hour"]),
        "peak_interruptions": peak["peak_interruptions"],
        "costliest_type": costliest if types["counts"][costliest] else None,
        "costliest_label": TYPE_LABELS[costliest],
        "costliest_seconds": lost[costliest],
        "costliest_count": types["counts"][costliest],
    }


# --- the stats API: each endpoint reads only what it needs --------------------------------------

STAT_NAMES = ("summary", "interruption-types", "productive-hours", "peak-distraction-time",
              "weekly-pattern")


def api_stat(name: str, user: User, insight_range: InsightRange) -> dict:
    """One stats endpoint's body (the HyperFocus contract). Raises KeyError for unknown names."""
    if name not in STAT_NAMES:
        raise KeyError(name)
    zone, start, end = insight_range.zone, insight_range.start, insight_range.end
    interruptions = queries.interruption_spans(user.id, start, end)
    if name == "interruption-types":
        types = analytics.interruption_types(interruptions)
        return {key: types[key] for key in ("counts", "proportions", "total_interruptions")}
    if name == "peak-distraction-time":
        return analytics.peak_distraction_time(interruptions, zone)
    sessions = queries.session_spans(user.id, start, end)
    if name == "summary":
        return analytics.summary(sessions, interruptions, insight_range.days)
    if name == "productive-hours":
        return analytics.productive_hours(sessions, interruptions, zone)
    return analytics.weekly_pattern(sessions, interruptions, zone)
