"""Chart geometry: scales, ordering, highlighting and layouts, without a browser."""
from datetime import date, timedelta

import pytest

from webapp.insights import charts
from webapp.rules.analytics import INTERRUPTION_TYPES


@pytest.mark.parametrize("seconds, top", [(0, 900), (600, 900), (901, 1800), (2000, 2700),
                                          (3600, 3600), (3601, 7200), (5.5 * 3600, 6 * 3600)])
def test_time_axis_tops_are_round(seconds, top):
    assert charts.nice_time_max(seconds) == top


@pytest.mark.parametrize("seconds, text", [(45 * 60, "45m"), (3600, "1h"), (9000, "2h30"), (0, "0m")])
def test_short_durations(seconds, text):
    assert charts.short_duration(seconds) == text


def _types(counts: dict, lost: dict) -> dict:
    total = sum(counts.values())
    return {"counts": {k: counts.get(k, 0) for k in INTERRUPTION_TYPES},
            "time_lost_seconds": {k: lost.get(k, 0) for k in INTERRUPTION_TYPES},
            "proportions": {k: counts.get(k, 0) / total if total else 0.0 for k in INTERRUPTION_TYPES},
            "total_interruptions": total}


def test_type_rows_put_the_costliest_first_with_bars_relative_to_it():
    rows = charts.type_rows(_types({"phone": 4, "noise": 1, "self": 3}, {"phone": 600, "noise": 1200, "self": 300}))
    assert [r["type"] for r in rows[:3]] == ["noise", "phone", "self"]
    assert rows[0]["lost_width"] == 100 and rows[1]["lost_width"] == 50
    assert rows[1]["count_width"] == 100 and rows[0]["count_width"] == 25
    assert rows[1]["share"] == 50 and rows[1]["label"] == "Phone"
    assert len(rows) == 6 and rows[-1]["count"] == 0


def test_type_rows_with_no_interruptions_draw_nothing():
    rows = charts.type_rows(_types({}, {}))
    assert all(r["lost_width"] == 0 and r["count_width"] == 0 for r in rows)


def _hours(work: dict, counts: dict) -> list[dict]:
    return [{"hour": h, "work_seconds": work.get(h, 0), "interruptions": counts.get(h, 0),
             "interruptions_per_hour": 0.0} for h in range(24)]


def test_hours_chart_scales_both_halves_and_marks_the_peak():
    chart = charts.hours_chart(_hours({9: 3600, 10: 1800}, {14: 4, 9: 2}), peak_hour=14)
    box = chart["box"]
    nine, ten, two = chart["columns"][9], chart["columns"][10], chart["columns"][14]
    assert nine["work_height"] == box["baseline"] - box["top"]  # 1 h is the axis top
    assert ten["work_height"] == pytest.approx(nine["work_height"] / 2)
    assert two["count_height"] == pytest.approx(2 * nine["count_height"])
    assert two["is_peak"] and not nine["is_peak"]
    assert chart["top_work_label"] == "1h" and chart["top_count"] == 4
    assert [t["hour"] for t in chart["ticks"]] == [0, 3, 6, 9, 12, 15, 18, 21]
    assert all(c["x"] + c["width"] <= box["right"] for c in chart["columns"])


def test_hours_chart_without_data_has_flat_bars():
    chart = charts.hours_chart(_hours({}, {}), peak_hour=None)
    assert all(c["work_height"] == 0 and c["count_height"] == 0 and not c["is_peak"]
               for c in chart["columns"])


def test_weekly_chart_stacks_lost_time_on_effective_time():
    days = [{"weekday_index": i, "weekday_name": n, "work_seconds": 0, "time_lost_seconds": 0,
             "effective_time_seconds": 0, "interruptions": 0}
            for i, n in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))]
    days[1].update(work_seconds=3600, time_lost_seconds=900, effective_time_seconds=2700, interruptions=2)
    chart = charts.weekly_chart(days)
    tuesday = chart["bars"][1]
    assert tuesday["lost_y"] + tuesday["lost_height"] == pytest.approx(tuesday["effective_y"])
    assert tuesday["effective_height"] == pytest.approx(3 * tuesday["lost_height"])
    assert tuesday["total_label"] == "1h" and chart["bars"][0]["total_label"] == ""
    assert [b["short"] for b in chart["bars"]] == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


@pytest.mark.parametrize("seconds, level", [(0, 0), (1, 1), (900, 1), (901, 2), (2700, 3), (3600, 4)])
def test_heat_levels_are_quarters_of_the_busiest_cell(seconds, level):
    assert charts.heat_level(seconds, 3600) == level


def test_heatmap_rows_are_weekdays_and_cells_hours():
    grid = [[0] * 24 for _ in range(7)]
    grid[2][9] = 1800
    chart = charts.heatmap_chart(grid)
    assert [r["label"] for r in chart["rows"]][2] == "Wed"
    cell = chart["rows"][2]["cells"][9]
    assert cell["level"] == 4 and "<title>Wed 09:00 – 30 min</title>" in cell["svg"]
    assert 'class="heat heat-4"' in cell["svg"] and 'x="214"' in cell["svg"]  # 34 + 9 * 20
    assert chart["rows"][2]["total"] == 1800


def _daily(first: date, days: int, score_every: int = 1) -> list[dict]:
    return [{"date": (first + timedelta(days=i)).isoformat(), "work_seconds": 600 * (i % 5),
             "time_lost_seconds": 60, "sessions": 1,
             "average_score": 70.0 if i % score_every == 0 else None} for i in range(days)]


def test_trend_draws_one_bar_per_day_and_breaks_the_score_line_at_gaps():
    chart = charts.trend_chart(_daily(date(2026, 1, 1), 10, score_every=3))
    assert not chart["weekly"] and len(chart["bars"]) == 10
    assert len(chart["scored"]) == 4  # days 0, 3, 6, 9
    assert len(chart["segments"]) == 4  # every scored day stands alone
    assert chart["top_label"] == "45m"  # the tallest day is 40 min


def test_long_trends_become_weekly():
    chart = charts.trend_chart(_daily(date(2026, 1, 5), 98))  # 2026-01-05 is a Monday: 14 weeks
    assert chart["weekly"] and len(chart["bars"]) == 14
    first_week = chart["bars"][0]
    assert first_week["date"] == "2026-01-05" and first_week["sessions"] == 7
    assert first_week["work_seconds"] == 600 * (0 + 1 + 2 + 3 + 4 + 0 + 1)


def test_short_calendars_are_month_grids_with_day_numbers():
    first, last = date(2026, 3, 2), date(2026, 3, 31)  # Monday .. Tuesday
    chart = charts.calendar_chart(first, last, {date(2026, 3, 3), date(2026, 3, 31)}, today=last)
    assert chart["month_layout"] and len(chart["cells"]) == 30
    on = [c["day"] for c in chart["cells"] if c["on"]]
    assert on == [date(2026, 3, 3), date(2026, 3, 31)]
    assert chart["cells"][-1]["today"] and not chart["clipped"]
    # Row = week, column = weekday: the 31st is a Tuesday in the fifth week.
    assert chart["cells"][-1]["x"] == chart["cells"][1]["x"]
    assert chart["cells"][-1]["y"] > chart["cells"][1]["y"]


def test_long_calendars_are_year_strips_clipped_to_53_weeks():
    first, last = date(2023, 1, 1), date(2026, 3, 31)
    chart = charts.calendar_chart(first, last, set(), today=last)
    assert not chart["month_layout"] and chart["clipped"]
    assert len(chart["cells"]) == 53 * 7
    assert chart["cells"][0]["day"] == last - timedelta(weeks=53) + timedelta(days=1)
    assert chart["width"] < 1100
