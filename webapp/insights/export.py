"""Exports of one range: CSV (one row per session) and JSON (sessions, interruptions, stats).

CSV layout: one header line, then one row per session that starts in the range, oldest first.
Times are ISO 8601 in the user's zone with the offset (2026-03-29T09:00:00+02:00). Each row
summarises that session's own interruptions (whenever they began): their count, the seconds
they cost, and a count per type in fixed columns, so a spreadsheet can sum any of them.
"""
from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import datetime
from zoneinfo import ZoneInfo

from ..rules.analytics import INTERRUPTION_TYPES, InterruptionSpan
from ..rules.durations import whole_seconds
from . import queries
from .ranges import InsightRange
from .services import Insights

CSV_COLUMNS = (
    ["session_id", "date", "start", "end", "source", "status", "worked_seconds", "focus_score",
     "active_share", "tab_switches", "interruptions", "time_lost_seconds", "effective_seconds"]
    + [f"interruptions_{kind}" for kind in INTERRUPTION_TYPES] + ["task", "note"])
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# The whole header, given as content_type so Werkzeug keeps it as is: passed as a mimetype,
# Werkzeug appends "; charset=utf-8" to any text/* type, even one that already names its charset.
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


def _local(moment: datetime | None, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).isoformat(timespec="seconds") if moment else ""


def _worked_seconds(start: datetime, end: datetime | None) -> int | None:
    """The session's duration as its card shows it (rules/durations.py); None while it runs."""
    return None if end is None else whole_seconds(start, end)


def safe_cell(text: str | None) -> str:
    """User text as a plain cell: a leading =, +, - or @ would run as a spreadsheet formula."""
    text = text or ""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _interruption_totals(user_id: int, session_ids: list[int]) -> dict[int, dict]:
    totals: dict[int, dict] = defaultdict(lambda: {"count": 0, "lost": 0,
                                                   **dict.fromkeys(INTERRUPTION_TYPES, 0)})
    for session_id, kind, start, end in queries.interruptions_of_sessions(user_id, session_ids):
        entry = totals[session_id]
        entry["count"] += 1
        entry["lost"] += InterruptionSpan(kind, start, end).duration_seconds
        entry[kind if kind in INTERRUPTION_TYPES else "unknown"] += 1
    return totals


def csv_text(user_id: int, insight_range: InsightRange) -> str:
    zone = insight_range.zone
    rows = queries.session_rows(user_id, insight_range.start, insight_range.end)
    totals = _interruption_totals(user_id, [row.id for row in rows])
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        worked = _worked_seconds(row.start_time, row.end_time)
        summary = totals.get(row.id) or {"count": 0, "lost": 0, **dict.fromkeys(INTERRUPTION_TYPES, 0)}
        writer.writerow([
            row.id, row.start_time.astimezone(zone).date().isoformat(),
            _local(row.start_time, zone), _local(row.end_time, zone), row.source, row.status,
            "" if worked is None else worked,
            "" if row.focus_score is None else row.focus_score,
            round(row.active_ms / row.elapsed_ms, 4) if row.elapsed_ms else "",
            row.tab_switches, summary["count"], summary["lost"],
            "" if worked is None else max(0, worked - summary["lost"]),
            *[summary[kind] for kind in INTERRUPTION_TYPES],
            safe_cell(row.task), safe_cell(row.note)])
    return out.getvalue()


def json_document(user_id: int, insights: Insights) -> dict:
    insight_range = insights.range
    zone = insight_range.zone
    sessions = [{
        "id": row.id, "start": _local(row.start_time, zone), "end": _local(row.end_time, zone) or None,
        "source": row.source, "status": row.status,
        "worked_seconds": _worked_seconds(row.start_time, row.end_time),
        "focus_score": row.focus_score, "active_ms": row.active_ms, "elapsed_ms": row.elapsed_ms,
        "tab_switches": row.tab_switches, "task": row.task, "note": row.note,
    } for row in queries.session_rows(user_id, insight_range.start, insight_range.end)]
    interruptions = [{
        "id": row.id, "session_id": row.session_id, "type": row.type, "source": row.source,
        "start": _local(row.start_time, zone), "end": _local(row.end_time, zone) or None,
        "duration_seconds": InterruptionSpan(row.type, row.start_time, row.end_time).duration_seconds,
        "description": row.description,
    } for row in queries.interruption_rows(user_id, insight_range.start, insight_range.end)]
    return {
        "range": {"key": insight_range.key, "from": insight_range.first_day.isoformat(),
                  "to": insight_range.last_day.isoformat(), "days": insight_range.days,
                  "timezone": zone.key},
        "stats": stats_document(insights),
        "sessions": sessions,
        "interruptions": interruptions,
    }


def stats_document(insights: Insights) -> dict:
    """The page's numbers, with the API's field names where the API has them."""
    types = insights.types
    return {
        "summary": {**insights.summary, **insights.aggregates, **insights.streaks},
        "interruption_types": types,
        "productive_hours": {"hours": insights.hours},
        "peak_distraction_time": insights.peak,
        "weekly_pattern": {"days": insights.weekly},
        "heatmap": insights.heatmap,
        "daily": insights.daily,
        "focus_days": sorted(day.isoformat() for day in insights.focus_days),
    }
