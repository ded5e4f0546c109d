"""Geometry for the server-rendered SVG charts: numbers in, positions and labels out.

Pure functions, so the drawing is testable without a browser. Templates only place what these
return; colours come from CSS classes (light and dark themes), never from here.
"""
from __future__ import annotations

import math
from datetime import date, timedelta

from markupsafe import Markup, escape

from ..rules.durations import format_duration, whole_minutes
from .services import TYPE_LABELS

WEEKDAY_SHORT = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
WEEKLY_BUCKETS_AFTER_DAYS = 92  # longer ranges draw one bar per week
CALENDAR_MAX_WEEKS = 53


def _number(value: float) -> str:
    """A tenth of a unit is finer than any screen shows these charts; fewer digits, less to send."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def svg_rect(css_class: str, x: float, y: float, width: float, height: float, rx: float = 0,
             title: str | None = None) -> Markup:
    """One <rect> with its tooltip, built once here: charts repeat it hundreds of times, and one
    escaped string is far cheaper to render than a dozen template expressions."""
    tooltip = f"<title>{escape(title)}</title>" if title else ""
    return Markup(f'<rect class="{escape(css_class)}" x="{_number(x)}" y="{_number(y)}" '
                  f'width="{_number(width)}" height="{_number(height)}" rx="{_number(rx)}">'
                  f"{tooltip}</rect>")


def short_duration(seconds: int) -> str:
    """Axis-sized durations: 45m, 2h, 2h30."""
    minutes = whole_minutes(seconds)
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{minutes}m"
    return f"{hours}h{rest:02d}" if rest else f"{hours}h"


def nice_time_max(seconds: float) -> int:
    """A round axis top at or above `seconds`: 15/30/45 min steps, then whole hours."""
    for step in (900, 1800, 2700, 3600):
        if seconds <= step:
            return step
    return math.ceil(seconds / 3600) * 3600


def nice_count_max(count: int) -> int:
    return max(1, count)


# --- interruption types: HTML rows with SVG bars ----------------------------------------------

def type_rows(types: dict) -> list[dict]:
    """One row per type, the costliest first; bar widths in percent of the largest."""
    lost, counts = types["time_lost_seconds"], types["counts"]
    top_lost, top_count = max(lost.values()) or 1, max(counts.values()) or 1
    rows = [{"type": kind, "label": TYPE_LABELS[kind], "count": counts[kind], "lost": lost[kind],
             "share": round(types["proportions"][kind] * 100),
             "lost_width": round(100 * lost[kind] / top_lost, 1),
             "count_width": round(100 * counts[kind] / top_count, 1)}
            for kind in counts]
    return sorted(rows, key=lambda row: (-row["lost"], -row["count"], row["label"]))


# --- productive hours: work above the axis, interruptions below ------------------------------

HOURS_BOX = {"width": 480, "height": 232, "left": 42, "right": 474, "top": 12,
             "baseline": 148, "bottom": 196}


def hours_chart(hours: list[dict], peak_hour: int | None) -> dict:
    box = HOURS_BOX
    column = (box["right"] - box["left"]) / 24
    top_work = nice_time_max(max(h["work_seconds"] for h in hours))
    top_count = nice_count_max(max(h["interruptions"] for h in hours))
    work_room, count_room = box["baseline"] - box["top"], box["bottom"] - box["baseline"] - 4
    columns = []
    for h in hours:
        x = box["left"] + h["hour"] * column
        work_height = work_room * h["work_seconds"] / top_work
        count_height = count_room * h["interruptions"] / top_count
        columns.append({**h, "x": round(x + 2, 1), "width": round(column - 4, 1),
                        "center": round(x + column / 2, 1),
                        "work_y": round(box["baseline"] - work_height, 1),
                        "work_height": round(work_height, 1),
                        "count_y": box["baseline"] + 4, "count_height": round(count_height, 1),
                        "is_peak": h["hour"] == peak_hour, "label": f"{h['hour']:02d}",
                        "work_text": format_duration(h["work_seconds"])})
    return {"box": box, "columns": columns, "top_work_label": short_duration(top_work),
            "mid_work_label": short_duration(top_work // 2),
            "mid_y": (box["baseline"] + box["top"]) / 2,
            "top_count": top_count, "ticks": [c for c in columns if c["hour"] % 3 == 0]}


# --- weekly pattern: effective time with the lost time stacked on top ---------------------------

WEEKLY_BOX = {"width": 360, "height": 206, "left": 8, "right": 352, "top": 22, "baseline": 164}


def weekly_chart(days: list[dict]) -> dict:
    box = WEEKLY_BOX
    column = (box["right"] - box["left"]) / 7
    totals = [d["effective_time_seconds"] + d["time_lost_seconds"] for d in days]
    top = nice_time_max(max(totals))
    room = box["baseline"] - box["top"]
    bars = []
    for d, total in zip(days, totals):
        x = box["left"] + d["weekday_index"] * column
        effective_height = room * d["effective_time_seconds"] / top
        lost_height = room * d["time_lost_seconds"] / top
        effective_y = box["baseline"] - effective_height
        bars.append({**d, "short": WEEKDAY_SHORT[d["weekday_index"]],
                     "x": round(x + 8, 1), "width": round(column - 16, 1),
                     "center": round(x + column / 2, 1),
                     "effective_y": round(effective_y, 1), "effective_height": round(effective_height, 1),
                     "lost_y": round(effective_y - lost_height, 1), "lost_height": round(lost_height, 1),
                     "total_label": short_duration(d["work_seconds"]) if d["work_seconds"] else "",
                     "label_y": round(effective_y - lost_height - 6, 1)})
    return {"box": box, "bars": bars}


# --- weekday x hour heatmap --------------------------------------------------------------------

HEAT_CELL, HEAT_GAP, HEAT_LEFT, HEAT_TOP = 18, 2, 34, 18


def heat_level(seconds: int, top: int) -> int:
    """0 for none, else 1-4 in equal steps of the busiest cell."""
    return 0 if seconds <= 0 or top <= 0 else max(1, math.ceil(4 * seconds / top))


def heatmap_chart(grid: list[list[int]]) -> dict:
    top = max(max(row) for row in grid)
    step = HEAT_CELL + HEAT_GAP
    rows = []
    for weekday, row in enumerate(grid):
        y = HEAT_TOP + weekday * step
        cells = [{"hour": hour, "seconds": seconds, "level": heat_level(seconds, top),
                  "svg": svg_rect(f"heat heat-{heat_level(seconds, top)}", HEAT_LEFT + hour * step, y,
                                  HEAT_CELL, HEAT_CELL, 3,
                                  f"{WEEKDAY_SHORT[weekday]} {hour:02d}:00 – {format_duration(seconds)}")}
                 for hour, seconds in enumerate(row)]
        rows.append({"label": WEEKDAY_SHORT[weekday], "y": y, "text_y": y + HEAT_CELL - 5,
                     "cells": cells, "total": sum(row)})
    hour_ticks = [{"x": HEAT_LEFT + hour * step + HEAT_CELL / 2, "label": f"{hour:02d}"}
                  for hour in range(0, 24, 3)]
    return {"width": HEAT_LEFT + 24 * step, "height": HEAT_TOP + 7 * step, "cell": HEAT_CELL,
            "rows": rows, "hour_ticks": hour_ticks, "top_label": format_duration(top)}


# --- daily (or weekly) focus time and the focus-score trend ------------------------------------

TREND_BOX = {"width": 520, "left": 38, "right": 514, "top": 12, "time_base": 140,
             "score_top": 176, "score_base": 246, "height": 262}


def _weekly_buckets(daily: list[dict]) -> list[dict]:
    buckets: dict[date, dict] = {}
    for row in daily:
        day = date.fromisoformat(row["date"])
        monday = day - timedelta(days=day.weekday())
        bucket = buckets.setdefault(monday, {"date": monday.isoformat(), "work_seconds": 0,
                                             "time_lost_seconds": 0, "sessions": 0, "_scores": []})
        bucket["work_seconds"] += row["work_seconds"]
        bucket["time_lost_seconds"] += row["time_lost_seconds"]
        bucket["sessions"] += row["sessions"]
        if row["average_score"] is not None:
            bucket["_scores"].append(row["average_score"])
    for bucket in buckets.values():
        scores = bucket.pop("_scores")
        bucket["average_score"] = round(sum(scores) / len(scores), 1) if scores else None
    return list(buckets.values())


def trend_chart(daily: list[dict]) -> dict:
    """Bars of focus time per day (per week past 92 days) and a score line on a 0-100 scale."""
    weekly = len(daily) > WEEKLY_BUCKETS_AFTER_DAYS
    points = _weekly_buckets(daily) if weekly else daily
    box = TREND_BOX
    slot = (box["right"] - box["left"]) / max(1, len(points))
    top = nice_time_max(max([p["work_seconds"] for p in points] + [1]))
    room, score_room = box["time_base"] - box["top"], box["score_base"] - box["score_top"]
    bars, line, segments = [], [], []
    for index, point in enumerate(points):
        x = box["left"] + index * slot
        height = room * point["work_seconds"] / top
        day = date.fromisoformat(point["date"])
        title = f"{'Week of ' if weekly else ''}{day:%a %d %b}: {format_duration(point['work_seconds'])}"
        bar = {**point, "height": round(height, 1), "center": round(x + slot / 2, 1), "day": day,
               "svg": svg_rect("bar-work", x + slot * 0.15, box["time_base"] - height,
                               max(slot * 0.7, 0.6), height, 1.5, title) if height > 0 else ""}
        bars.append(bar)
        if point["average_score"] is None:
            if line:
                segments.append(line)
            line = []
            continue
        bar["score_y"] = round(box["score_base"] - score_room * point["average_score"] / 100, 1)
        line.append(f"{bar['center']},{bar['score_y']}")
    if line:
        segments.append(line)
    label_every = max(1, math.ceil(len(bars) / 5))
    return {"box": box, "bars": bars, "weekly": weekly, "top_label": short_duration(top),
            "segments": [" ".join(seg) for seg in segments],
            "x_labels": [b for i, b in enumerate(bars) if i % label_every == 0],
            "scored": [b for b in bars if "score_y" in b],
            "score_mid_y": (box["score_top"] + box["score_base"]) / 2}


# --- streak calendar ------------------------------------------------------------------------

MONTH_LAYOUT_MAX_WEEKS = 14  # up to ~90 days: a month-style grid with day numbers
MONTH_CELL_W, MONTH_CELL_H, MONTH_GAP, MONTH_LEFT, MONTH_TOP = 40, 30, 4, 36, 20
YEAR_CELL, YEAR_GAP, YEAR_LEFT, YEAR_TOP = 16, 3, 30, 18


def _calendar_cell(day: date, focus_days: set[date], today: date) -> dict:
    return {"day": day, "number": day.day, "on": day in focus_days, "today": day == today,
            "future": day > today,
            "title": f"{day:%a %d %b %Y}: {'focused' if day in focus_days else 'no focus'}"}


def _calendar_svg(cell: dict, width: int, height: int, numbered: bool) -> Markup:
    classes = "cal" + " cal-on" * cell["on"] + " cal-today" * cell["today"] + " cal-future" * cell["future"]
    number = (f'<text x="{_number(cell["x"] + width / 2)}" y="{cell["y"] + 19}" text-anchor="middle">'
              f'{cell["number"]}</text>') if numbered else ""
    return Markup(f'<g class="{classes}"><title>{escape(cell["title"])}</title>'
                  f'{svg_rect("day", cell["x"], cell["y"], width, height, 4)}{number}</g>')


def calendar_chart(first_day: date, last_day: date, focus_days: set[date], today: date) -> dict:
    """The range's days with focus days filled: weeks as rows (Mon..Sun across) for short ranges,
    weeks as columns for long ones (the last 53 weeks of the range at most)."""
    shown_from = max(first_day, last_day - timedelta(weeks=CALENDAR_MAX_WEEKS) + timedelta(days=1))
    grid_start = shown_from - timedelta(days=shown_from.weekday())
    weeks = (last_day - grid_start).days // 7 + 1
    month_layout = weeks <= MONTH_LAYOUT_MAX_WEEKS
    cells, months, seen_months = [], [], set()
    day = shown_from
    while day <= last_day:
        week, weekday = (day - grid_start).days // 7, day.weekday()
        cell = _calendar_cell(day, focus_days, today)
        if month_layout:
            cell.update(x=MONTH_LEFT + weekday * (MONTH_CELL_W + MONTH_GAP),
                        y=MONTH_TOP + week * (MONTH_CELL_H + MONTH_GAP))
        else:
            cell.update(x=YEAR_LEFT + week * (YEAR_CELL + YEAR_GAP), y=YEAR_TOP + weekday * (YEAR_CELL + YEAR_GAP))
        cells.append(cell)
        month = (day.year, day.month)
        if month not in seen_months and (day.day <= 7 or not months):
            seen_months.add(month)
            months.append({"x": 0 if month_layout else cell["x"],
                           "y": cell["y"] + 19 if month_layout else 11, "label": f"{day:%b}"})
        day += timedelta(days=1)
    cell_w, cell_h = (MONTH_CELL_W, MONTH_CELL_H) if month_layout else (YEAR_CELL, YEAR_CELL)
    for cell in cells:
        cell["svg"] = _calendar_svg(cell, cell_w, cell_h, month_layout)
    if month_layout:
        size = {"cell_w": MONTH_CELL_W, "cell_h": MONTH_CELL_H,
                "width": MONTH_LEFT + 7 * (MONTH_CELL_W + MONTH_GAP),
                "height": MONTH_TOP + weeks * (MONTH_CELL_H + MONTH_GAP),
                "weekday_labels": [{"label": WEEKDAY_SHORT[i],
                                    "x": MONTH_LEFT + i * (MONTH_CELL_W + MONTH_GAP) + MONTH_CELL_W / 2,
                                    "y": 12} for i in range(7)]}
    else:
        size = {"cell_w": YEAR_CELL, "cell_h": YEAR_CELL,
                "width": YEAR_LEFT + weeks * (YEAR_CELL + YEAR_GAP),
                "height": YEAR_TOP + 7 * (YEAR_CELL + YEAR_GAP),
                "weekday_labels": [{"label": WEEKDAY_SHORT[i], "x": 0,
                                    "y": YEAR_TOP + i * (YEAR_CELL + YEAR_GAP) + YEAR_CELL - 4}
                                   for i in (0, 2, 4, 6)]}
    return {"cells": cells, "months": months, "month_layout": month_layout,
            "clipped": shown_from > first_day, "shown_from": shown_from, **size}
