"""Achievements and leaderboard rules at their edges, without a database or a clock."""
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from webapp.rules import achievements as rules
from webapp.rules import leaderboard as board

UTC = timezone.utc
KOLKATA = ZoneInfo("Asia/Kolkata")
NEW_YORK = ZoneInfo("America/New_York")


def epoch(*args) -> int:
    return int(datetime(*args, tzinfo=UTC).timestamp())


# ---------------------------------------------------------------- crediting a session

def test_a_session_credits_its_active_seconds_spread_over_its_quarters():
    start = epoch(2026, 3, 2, 9, 10)
    credit = board.credit(1500, (start, start + 1500))  # 25 min fully active, 09:10-09:35
    assert sum(credit.values()) == 1500
    assert credit == {start // 900: 300, start // 900 + 1: 900, start // 900 + 2: 300}


def test_idle_time_is_not_credited_only_active_seconds_are():
    start = epoch(2026, 3, 2, 9)
    assert sum(board.credit(600, (start, start + 1500)).values()) == 600


def test_a_session_longer_than_12_hours_counts_12_hours():
    start = epoch(2026, 3, 2, 0)
    assert sum(board.credit(20 * 3600, (start, start + 20 * 3600)).values()) == 12 * 3600
    assert sum(board.credit(12 * 3600, (start, start + 12 * 3600)).values()) == 12 * 3600


def test_overlapping_sessions_count_once():
    start = epoch(2026, 3, 2, 9)
    first = (start, start + 3600)
    second = (start + 1800, start + 5400)  # half of it overlaps the first
    assert sum(board.credit(3600, second, [first]).values()) == 1800
    assert board.credit(3600, first, [(start - 60, start + 4000)]) == {}  # wholly covered: nothing


def test_uncovered_parts_of_a_span():
    assert board.uncovered((0, 100), [(10, 20), (15, 30), (90, 200)]) == [(0, 10), (30, 90)]
    assert board.uncovered((0, 100), []) == [(0, 100)]


def test_no_quarter_ever_holds_more_than_its_length():
    start = epoch(2026, 3, 2, 9, 7)
    credit = board.credit(4000, (start, start + 4000))
    assert max(credit.values()) <= board.QUARTER_SECONDS


# ---------------------------------------------------------------- local days and windows

def test_a_group_credited_in_order_counts_its_union_once_with_or_without_any_member():
    """Fully active overlapping records: the group's credit is the length of their union, and
    dropping any one of them (a deletion) leaves exactly the union of the others."""
    import random
    rng = random.Random(15)
    start = epoch(2026, 3, 2, 9)
    for _ in range(200):
        spans = []
        for _ in range(rng.randrange(1, 6)):
            begin = start + rng.randrange(0, 4 * 3600)
            spans.append((begin, begin + rng.randrange(60, 3 * 3600)))
        records = sorted(((n, b - a, (a, b)) for n, (a, b) in enumerate(spans)), key=lambda r: (r[2][1], r[0]))

        def union(kept):  # the window's length less what none of `kept` covers
            window = (start, start + 8 * 3600)
            return window[1] - window[0] - sum(b - a for a, b in board.uncovered(window, kept))

        whole = board.fold(records)
        assert sum(sum(q.values()) for q in whole.values()) == union([r[2] for r in records])
        gone = rng.choice(records)
        rest = board.fold(r for r in records if r is not gone)
        assert sum(sum(q.values()) for q in rest.values()) == union([r[2] for r in records if r is not gone])


def test_the_order_decides_who_gets_the_shared_part_not_how_much_counts():
    start = epoch(2026, 3, 2, 9)
    first, second = ("a", 3600, (start, start + 3600)), ("b", 3600, (start + 1800, start + 5400))
    assert {k: sum(q.values()) for k, q in board.fold([first, second]).items()} == {"a": 3600, "b": 1800}
    assert {k: sum(q.values()) for k, q in board.fold([second, first]).items()} == {"b": 3600, "a": 1800}


def test_a_day_boundary_in_a_plus_0530_zone():
    before_midnight = epoch(2026, 3, 2, 18, 15) // 900  # 23:45 in Kolkata
    after_midnight = epoch(2026, 3, 2, 18, 30) // 900   # 00:00 the next day there
    assert board.local_day_of_quarter(before_midnight, KOLKATA) == date(2026, 3, 2)
    assert board.local_day_of_quarter(after_midnight, KOLKATA) == date(2026, 3, 3)
    totals = board.totals_by_period({before_midnight: 900, after_midnight: 600}, KOLKATA)
    assert totals[("day", date(2026, 3, 2))] == 900 and totals[("day", date(2026, 3, 3))] == 600
    assert totals[("week", date(2026, 3, 2))] == 1500  # Monday 2 March
    assert totals[("month", date(2026, 3, 1))] == 1500


def test_the_viewers_today_in_several_zones():
    now = datetime(2026, 3, 2, 20, 0, tzinfo=UTC)
    starts, first, after = board.window("day", now, KOLKATA)  # 01:30 on 3 March there
    assert starts == date(2026, 3, 3)
    assert first * 900 == epoch(2026, 3, 2, 18, 30) and after * 900 == epoch(2026, 3, 3, 18, 30)
    starts, first, after = board.window("day", now, NEW_YORK)  # 15:00 on 2 March there
    assert starts == date(2026, 3, 2) and first * 900 == epoch(2026, 3, 2, 5)


def test_a_week_across_a_dst_change_is_167_hours_long():
    now = datetime(2026, 3, 10, 12, tzinfo=UTC)  # New York springs forward on Sunday 8 March 2026
    starts, first, after = board.window("week", now, NEW_YORK)
    assert starts == date(2026, 3, 9)
    now = datetime(2026, 3, 5, 12, tzinfo=UTC)
    starts, first, after = board.window("week", now, NEW_YORK)
    assert starts == date(2026, 3, 2) and (after - first) * 900 == 167 * 3600


def test_a_month_window():
    starts, first, after = board.window("month", datetime(2026, 2, 14, tzinfo=UTC), ZoneInfo("UTC"))
    assert starts == date(2026, 2, 1) and (after - first) * 900 == 28 * 86400


def test_ranks_share_ties_and_skip_nobody_with_no_focus():
    assert board.ranked({1: 60, 2: 120, 3: 60, 4: 0, 5: 30}) == [(1, 2, 120), (2, 1, 60), (2, 3, 60), (4, 5, 30)]


# ---------------------------------------------------------------- streaks

def _local_days(instants, zone):
    return {board.local_day_of_quarter(int(moment.timestamp()) // 900, zone) for moment in instants}


def test_exactly_seven_days_in_a_row_across_a_dst_change():
    # 23:30 local on 7 evenings around New York's fall-back night (1 November 2026).
    evenings = [datetime(2026, 10, 29 + n, 23, 30, tzinfo=NEW_YORK) if 29 + n <= 31
                else datetime(2026, 11, 29 + n - 31, 23, 30, tzinfo=NEW_YORK) for n in range(7)]
    days = _local_days(evenings, NEW_YORK)
    assert len(days) == 7
    assert rules.longest_run(days) == 7
    earned = {a.code for a in rules.newly_earned({"streak": rules.longest_run(days)}, [])}
    assert {"streak_3", "streak_7"} <= earned and "streak_30" not in earned
    assert rules.longest_run(days - {date(2026, 11, 1)}) == 3  # a gap on the DST day breaks it
    # The same instants read in UTC land on other days: the person's own zone decides.
    assert _local_days(evenings, ZoneInfo("UTC")) != days


def test_six_days_is_not_a_week():
    days = {date(2026, 3, 1) + timedelta(days=n) for n in range(6)}
    assert "streak_7" not in {a.code for a in rules.newly_earned({"streak": rules.longest_run(days)}, [])}


def test_runs_through_a_day_and_the_current_streak():
    days = {date(2026, 3, d) for d in (1, 2, 3, 5, 6)}
    assert rules.run_through(days, date(2026, 3, 2)) == 3
    assert rules.run_through(days, date(2026, 3, 4)) == 0
    assert rules.current_run(days, date(2026, 3, 6)) == 2
    assert rules.current_run(days, date(2026, 3, 7)) == 2  # today is still empty: yesterday's run
    assert rules.current_run(days, date(2026, 3, 8)) == 0


# ---------------------------------------------------------------- earning

def test_each_threshold_unlocks_exactly_at_its_edge():
    for achievement in rules.ACHIEVEMENTS:
        below = rules.newly_earned({achievement.metric: achievement.target - 1}, [])
        at = rules.newly_earned({achievement.metric: achievement.target}, [])
        assert achievement not in below and achievement in at, achievement.code


def test_an_unlocked_achievement_is_never_earned_twice():
    first = rules.newly_earned({"sessions": 1}, [])
    assert [a.code for a in first] == ["sessions_1"]
    assert rules.newly_earned({"sessions": 1}, ["sessions_1"]) == []


def test_progress_reads_like_37_of_100():
    progress = {p.achievement.code: p for p in rules.progress({"sessions": 37, "focus_seconds": 5400}, [])}
    assert progress["sessions_100"].label == "37 / 100"
    assert progress["sessions_10"].label == "10 / 10" and not progress["sessions_10"].earned
    assert progress["time_10h"].label == "1.5 / 10 h"


def test_only_metrics_a_locked_achievement_reads_are_computed():
    every_session = [a.code for a in rules.ACHIEVEMENTS if a.metric == "sessions"]
    assert rules.needed_metrics(every_session, ["sessions", "streak"]) == {"streak"}


def test_four_categories_with_the_issues_thresholds():
    by_metric = {}
    for achievement in rules.ACHIEVEMENTS:
        by_metric.setdefault(achievement.metric, []).append(achievement.target)
    assert by_metric["sessions"] == [1, 10, 100, 1000]
    assert by_metric["focus_seconds"] == [3600, 36000, 360000, 3600000]
    assert by_metric["streak"] == [3, 7, 30, 100]
    assert {a.category for a in rules.ACHIEVEMENTS} == {"sessions", "time", "streak", "social"}
