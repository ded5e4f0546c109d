"""Unlock detection for a recorded session: what it reads before the credit plus what the credit
added is exactly what it would read afterwards, and it costs few statements (issue 15: <= 5 ms at
full size on PostgreSQL, where every statement is a round trip)."""
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from tests.support.achievements import record
from tests.support.tracking import StatementCounter
from webapp import events
from webapp.achievements import metrics, recorded, unlocks
from webapp.extensions import db
from webapp.models import AchievementUnlock, FocusSession
from webapp.rules import achievements as rules

UTC = timezone.utc
MORNING = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def codes(user) -> set[str]:
    return set(db.session.execute(select(AchievementUnlock.code).where(AchievementUnlock.user_id == user.id)).scalars())


def test_focus_time_before_this_session_plus_this_session_unlocks_the_first_hour(make_user):
    maya = make_user("maya")
    record(maya, MORNING, 40)
    assert "time_1h" not in codes(maya)
    # 50 minutes across the end of March (UTC): its credit lands in two months, both count.
    record(maya, datetime(2026, 3, 31, 23, 40, tzinfo=UTC), 50)
    assert "time_1h" in codes(maya) and metrics.focus_seconds(maya.id) == 90 * 60


def test_a_day_that_reaches_a_minute_only_with_this_session_extends_the_streak(make_user):
    priya = make_user("priya")
    record(priya, MORNING, 25)
    record(priya, MORNING + timedelta(days=1), 25)
    record(priya, MORNING + timedelta(days=2), 0.5)  # 30 s: the day does not count yet
    assert "streak_3" not in codes(priya)
    record(priya, MORNING + timedelta(days=2, hours=1), 0.5)  # 30 s more that day: a minute
    assert "streak_3" in codes(priya)
    assert metrics.longest_streak(priya.id) == 3


def test_a_session_overlapping_an_earlier_one_is_credited_over_what_is_left(make_user):
    maya = make_user("maya")
    record(maya, MORNING, 40)
    record(maya, MORNING + timedelta(minutes=20), 40)  # 20 of its minutes were counted already
    assert metrics.focus_seconds(maya.id) == 60 * 60 and "time_1h" in codes(maya)


def test_the_read_skips_metrics_whose_achievements_are_all_unlocked(make_user):
    maya = make_user("maya")
    first = record(maya, MORNING, 25)
    every_session_one = [a for a in rules.ACHIEVEMENTS if a.metric == "sessions"]
    unlocks.unlock(maya.id, every_session_one, MORNING)
    db.session.commit()
    seen = recorded.read(first)
    assert "sessions" not in seen.read and seen.read["focus_seconds"] == 25 * 60
    assert seen.done >= {a.code for a in every_session_one} and seen.days is not None


def test_a_recorded_session_costs_one_read_and_one_write_on_postgresql(make_user, database_kind):
    """Each statement is a round trip to PostgreSQL: unlock detection of a room record sends the
    read of all it needs (which also writes who was in its phase: achievements/together.py) and
    one write for the whole credit, then one insert only when something unlocks.
    SQLite, in process, looks for company in one statement and writes the credit in four."""
    maya = make_user("maya")
    first = record(maya, MORNING, 25)  # unlocks "First session": then there is nothing new to unlock
    session = FocusSession(user_id=maya.id, room_id=first.room_id, source="room",
                           status="completed", start_time=MORNING + timedelta(hours=1),
                           end_time=MORNING + timedelta(hours=1, minutes=25), duration_seconds=1500,
                           mode="stopped", elapsed_ms=1_500_000, active_ms=1_400_000)
    db.session.add(session)
    db.session.flush()
    with StatementCounter(db.engine) as counter:
        events.announce(events.SessionRecorded(session, session.end_time))
    expected = 1 + 1 if database_kind == "postgresql" else 1 + 1 + 4
    assert len(counter.statements) == expected, counter.statements
    assert session.board_seconds == 1400 and metrics.focus_seconds(maya.id) == 25 * 60 + 1400


def test_a_streak_beyond_the_days_read_is_read_again_after_the_credit(make_user):
    """A credit whose days fall outside what was read (never for one record; a long chain of
    re-credited overlaps could) takes the streak from the totals as they stand after it."""
    priya = make_user("priya")
    for day in range(3):
        record(priya, MORNING + timedelta(days=day), 25)
    seen = recorded.Seen(person=recorded.Person(priya.id, "UTC", False, False, False), done=frozenset(),
                         overlapping=[], company=False, read={}, days={},
                         first_day=MORNING.date() + timedelta(days=200), last_day=MORNING.date() + timedelta(days=400))
    added = {("day", MORNING.date() + timedelta(days=2)): 60}
    assert seen.metrics_after(added, {"streak"}) == {"streak": 3}


def test_the_unlock_statements_are_compiled_once_not_per_session(app):
    """A construct without a cache key (the dialects' on_conflict_do_nothing(), say) makes
    SQLAlchemy compile the whole statement again on every recorded session: ~7 ms of CPU for the
    read, more than the goal for all of unlock detection."""
    from webapp.achievements import together
    dialect = db.session.get_bind().dialect.name
    assert recorded._statement(dialect)._generate_cache_key() is not None
    assert together._record_postgresql()._generate_cache_key() is not None


def test_the_read_with_pairs_stays_short_enough_for_psycopg_to_keep_its_conversion():
    """psycopg rewrites a statement's %(name)s placeholders on every execution unless the text is at
    most 4,096 bytes with at most 50 parameters (psycopg/_queries.py, MAX_CACHED_STATEMENT_*):
    measured at 0.4 ms of CPU per closed phase for the 4.6 KB first version of this statement."""
    from sqlalchemy.dialects.postgresql import psycopg as psycopg_dialect
    for pairs in (False, True):
        compiled = recorded._statement("postgresql", pairs).compile(dialect=psycopg_dialect.dialect())
        assert len(str(compiled).encode()) <= 4096 and len(compiled.params) <= 50, (pairs, len(str(compiled)))
