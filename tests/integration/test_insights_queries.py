"""The query layer, streaks and the assembled insights, against a real database."""
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from webapp.extensions import db
from webapp.insights import queries, services, streaks
from webapp.insights.ranges import InsightRange, local_midnight
from webapp.insights.sample import add_session
from webapp.models import FocusSession

BERLIN = ZoneInfo("Europe/Berlin")


def utc(text_: str) -> datetime:
    return datetime.fromisoformat(text_).replace(tzinfo=timezone.utc)


def test_range_reads_take_only_this_users_rows_starting_inside(app, make_user):
    me, other = make_user(), make_user()
    start, end = utc("2026-03-01 00:00:00"), utc("2026-03-08 00:00:00")
    add_session(me, start - timedelta(seconds=1), 30, interruptions=[("phone", 0, 1)])  # before
    add_session(me, start, 30, score=80, interruptions=[("noise", 1, 2)])  # first instant: in
    add_session(me, end - timedelta(minutes=10), 30, interruptions=[("self", 5, 1)])  # in, ends after
    add_session(me, end, 30, interruptions=[("family", 1, 1)])  # the end is exclusive
    add_session(other, start + timedelta(hours=1), 30, interruptions=[("phone", 1, 1)])
    spans = queries.session_spans(me.id, start, end)
    assert [s.start for s in spans] == [start, end - timedelta(minutes=10)]
    assert spans[0].end == start + timedelta(minutes=30) and spans[0].focus_score == 80
    kinds = [i.type for i in queries.interruption_spans(me.id, start, end)]
    assert kinds == ["noise", "self"]


def test_aggregates_average_only_what_exists(app, make_user):
    me = make_user()
    start = utc("2026-03-02 08:00:00")
    add_session(me, start, 60, score=90, active_share=0.5)
    add_session(me, start + timedelta(hours=2), 30, score=None, active_share=1.0)
    unscored = add_session(me, start + timedelta(hours=4), 30, score=70)
    unscored.elapsed_ms = unscored.active_ms = 0  # nothing counted: left out of the share
    db.session.commit()
    result = queries.session_aggregates(me.id, start, start + timedelta(days=1))
    # Scores 90 and 70 -> 80.0; active 30 + 30 min over elapsed 60 + 30 min = 0.6667.
    assert result == {"average_focus_score": 80.0, "scored_sessions": 2, "active_share": 0.6667}
    empty = queries.session_aggregates(me.id, start + timedelta(days=5), start + timedelta(days=6))
    assert empty == {"average_focus_score": None, "scored_sessions": 0, "active_share": None}


def test_first_session_and_history_checks(app, make_user):
    me, other = make_user(), make_user()
    assert queries.first_session_start(me.id) is None and not queries.has_any_session(me.id)
    add_session(other, utc("2020-01-01 08:00:00"), 25)
    add_session(me, utc("2025-06-01 08:00:00"), 25)
    add_session(me, utc("2024-06-01 08:00:00"), 25)
    assert queries.first_session_start(me.id) == utc("2024-06-01 08:00:00")
    assert queries.has_any_session(me.id)


@pytest.mark.parametrize("table, index", [("focus_sessions", "ix_focus_sessions_user_start"),
                                          ("interruptions", "ix_interruptions_user_start")])
def test_range_reads_use_the_user_start_index(app, make_user, table, index):
    make_user()
    sql = (f"SELECT start_time, end_time FROM {table} WHERE user_id = 1 "
           f"AND start_time >= '2026-01-01' AND start_time < '2026-02-01'")
    if db.engine.dialect.name == "sqlite":
        plan = " ".join(str(row) for row in db.session.execute(text("EXPLAIN QUERY PLAN " + sql)))
    else:  # tiny tables favour a sequential scan; forbid it to see which index the planner picks
        db.session.execute(text("SET LOCAL enable_seqscan = off"))
        plan = " ".join(str(row) for row in db.session.execute(text("EXPLAIN " + sql)))
    assert index in plan


# --- streaks ---------------------------------------------------------------------------------

def _work_on(user, days: list[date], zone=BERLIN, hour: int = 9):
    for day in days:
        start = datetime.combine(day, datetime.min.time().replace(hour=hour), tzinfo=zone)
        add_session(user, start.astimezone(timezone.utc), 25, commit=False)
    db.session.commit()


TODAY = date(2026, 3, 31)


def test_a_streak_longer_than_the_first_window_is_followed_back(app, make_user):
    me = make_user(timezone="Europe/Berlin")
    run = [TODAY - timedelta(days=n) for n in range(80)]  # 80 days, windows of 35 then 70
    _work_on(me, run + [TODAY - timedelta(days=82)])
    assert streaks.current_streak(me.id, BERLIN, TODAY) == 80


def test_the_streak_counts_from_yesterday_while_today_is_empty(app, make_user):
    me = make_user()
    _work_on(me, [TODAY - timedelta(days=n) for n in (1, 2, 3, 5)])
    assert streaks.current_streak(me.id, BERLIN, TODAY) == 3
    assert streaks.current_streak(me.id, BERLIN, TODAY + timedelta(days=2)) == 0


def test_known_days_seed_the_streak_without_trusting_their_first_day(app, make_user):
    me = make_user()
    _work_on(me, [TODAY - timedelta(days=n) for n in range(10)])
    known = {TODAY - timedelta(days=n) for n in range(4)}
    # Known from TODAY-3: days after it are trusted, TODAY-3 itself and before are read again.
    assert streaks.current_streak(me.id, BERLIN, TODAY, known, TODAY - timedelta(days=3)) == 10


def test_a_session_across_midnight_keeps_the_streak_at_a_window_edge(app, make_user):
    me = make_user()
    edge = TODAY - timedelta(days=streaks.FIRST_WINDOW_DAYS)  # the first window's first day
    _work_on(me, [TODAY - timedelta(days=n) for n in range(streaks.FIRST_WINDOW_DAYS)])
    # The only work on `edge` is a session that began at 23:30 the evening before.
    late = datetime.combine(edge - timedelta(days=1), datetime.min.time().replace(hour=23, minute=30),
                            tzinfo=BERLIN)
    add_session(me, late.astimezone(timezone.utc), 60)
    assert streaks.focus_days_between(me.id, BERLIN, edge, edge) == {edge}
    # The evening before `edge` has worked time too, so the run goes one day further.
    assert streaks.current_streak(me.id, BERLIN, TODAY) == streaks.FIRST_WINDOW_DAYS + 2


# --- the assembled page -----------------------------------------------------------------------

def test_build_insights_for_a_small_hand_computed_range(app, make_user):
    me = make_user(timezone="Europe/Berlin")
    # Monday 2026-03-30, 09:00-10:30 CEST, with a 6-minute phone call at 09:20 and a 2-minute
    # noise at 10:05; Tuesday 2026-03-31 14:00-14:25 CEST, score 60, no interruptions.
    add_session(me, utc("2026-03-30 07:00:00"), 90, score=80,
                interruptions=[("phone", 20, 6), ("noise", 65, 2)])
    add_session(me, utc("2026-03-31 12:00:00"), 25, score=60)
    chosen = InsightRange("7d", date(2026, 3, 25), TODAY, BERLIN)
    got = services.build_insights(me, chosen, now=utc("2026-03-31 18:00:00"))
    assert got.summary["total_time_worked_seconds"] == 115 * 60
    assert got.summary["total_time_lost_seconds"] == 8 * 60
    assert got.summary["effective_time_seconds"] == 107 * 60
    assert got.aggregates["average_focus_score"] == 70.0
    assert got.streaks == {"current_streak": 2, "longest_streak": 2, "focus_days": 2}
    assert got.peak["peak_hour"] == 9  # 09:20 and 10:05: one each, the earlier hour wins
    assert got.highlights["best_hour_label"] == "09:00\u201310:00"
    assert got.highlights["costliest_type"] == "phone"
    assert got.highlights["best_day"] == "Monday"
    assert got.heatmap[0][9] == 3600 and got.heatmap[0][10] == 1800 and got.heatmap[1][14] == 1500
    assert [row["work_seconds"] for row in got.daily][-2:] == [5400, 1500]
    assert got.has_history and not got.is_empty


def test_build_insights_for_nobody(app, make_user):
    me = make_user()
    chosen = InsightRange("30d", TODAY - timedelta(days=29), TODAY, BERLIN)
    got = services.build_insights(me, chosen, now=utc("2026-03-31 18:00:00"))
    assert got.is_empty and not got.has_history
    assert got.summary["interruptions_per_hour"] == 0 and got.peak["peak_hour"] is None
    assert got.highlights["best_hour"] is None and got.highlights["costliest_type"] is None
    assert got.streaks == {"current_streak": 0, "longest_streak": 0, "focus_days": 0}
    assert len(got.daily) == 30


def test_history_outside_the_range_is_not_empty_history(app, make_user):
    me = make_user()
    add_session(me, utc("2025-01-10 08:00:00"), 25)
    chosen = InsightRange("7d", date(2026, 3, 25), TODAY, BERLIN)
    got = services.build_insights(me, chosen, now=utc("2026-03-31 18:00:00"))
    assert got.is_empty and got.has_history


def test_unfinished_sessions_count_but_add_no_time(app, make_user):
    me = make_user()
    add_session(me, utc("2026-03-31 07:00:00"), 25)
    db.session.add(FocusSession(user_id=me.id, status="running", start_time=utc("2026-03-31 08:00:00")))
    db.session.commit()
    chosen = InsightRange("custom", TODAY, TODAY, BERLIN)
    got = services.build_insights(me, chosen, now=utc("2026-03-31 09:00:00"))
    assert got.summary["total_sessions"] == 2 and got.summary["total_time_worked_seconds"] == 1500
    assert local_midnight(TODAY, BERLIN) == chosen.start


def test_the_demo_command_fills_an_account(app, make_user):
    me = make_user("demo", timezone="Asia/Kolkata")
    result = app.test_cli_runner().invoke(args=["insights", "seed-demo", "demo", "--days", "10"])
    assert result.exit_code == 0 and "sessions to demo's log (Asia/Kolkata)" in result.output
    assert queries.has_any_session(me.id)
    missing = app.test_cli_runner().invoke(args=["insights", "seed-demo", "nobody"])
    assert missing.exit_code != 0 and "No account named 'nobody'" in missing.output
