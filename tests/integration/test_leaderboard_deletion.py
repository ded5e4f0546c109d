"""Deleting a session from history takes exactly its time off the boards; overlaps still count once."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from tests.conftest import csrf_token_from
from tests.support.achievements import record
from webapp import events
from webapp.achievements import boards, follows, metrics
from webapp.extensions import db
from webapp.focus import services as focus
from webapp.models import AchievementUnlock, FocusQuarter, FocusSession, FocusTotal
from webapp.privacy.deletion import delete_account
from webapp.rules import leaderboard as rules

UTC = timezone.utc
NINE = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday
LATER = NINE + timedelta(hours=6)


def board(viewer, scope="friends", period="week"):
    return {row.name: row.seconds for row in boards.board(viewer, scope, period, LATER).rows}


def people(make_user):
    me = make_user("me", display_name="Me", on_global_board=True)
    friend = make_user("friend", display_name="Friend", on_global_board=True)
    follows.follow(me, "friend")
    follows.follow(friend, "me")
    return me, friend


def everywhere(viewer, name):
    """The person's seconds on the friends board (quarter hours) and on the everyone board (totals)."""
    return board(viewer).get(name, 0), board(viewer, "global").get(name, 0)


def test_deleting_a_session_from_history_takes_exactly_its_time_off(client, auth, make_user):
    me, friend = people(make_user)
    record(friend, NINE, 50, active_minutes=40)
    gone = record(friend, NINE + timedelta(hours=2), 25, active_minutes=23.5).id
    assert everywhere(me, "Friend") == (40 * 60 + 1410, 40 * 60 + 1410)

    auth.login("friend")
    page = client.get(f"/history/{gone}/delete").get_data(as_text=True)
    response = client.post(f"/history/{gone}/delete", data={"csrf_token": csrf_token_from(page)})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(FocusSession, gone) is None
    assert everywhere(me, "Friend") == (40 * 60, 40 * 60)
    assert board(me, period="day") == {"Friend": 40 * 60} and board(me, period="month") == {"Friend": 40 * 60}


def test_deleting_the_only_session_leaves_no_empty_rows_behind(make_user, bearer):
    me, friend = people(make_user)
    only = record(friend, NINE, 25)
    assert bearer(friend).delete(f"/api/v1/sessions/{only.id}").status_code == 204
    assert everywhere(me, "Friend") == (0, 0)
    for model in (FocusQuarter, FocusTotal):
        assert db.session.execute(select(model).where(model.user_id == friend.id)).first() is None
    assert metrics.focus_seconds(friend.id) == 0


def test_deleting_one_of_two_overlapping_sessions_gives_the_other_its_whole_time(make_user):
    me, friend = people(make_user)
    first = record(friend, NINE, 60)
    second = record(friend, NINE + timedelta(minutes=30), 60)  # overlaps the first by 30 minutes
    assert everywhere(me, "Friend") == (90 * 60, 90 * 60)
    focus.delete_session(friend, first.id)
    assert everywhere(me, "Friend") == (60 * 60, 60 * 60)  # the second's whole hour, no longer cut
    assert db.session.get(FocusSession, second.id).board_seconds == 60 * 60
    focus.delete_session(friend, second.id)
    assert everywhere(me, "Friend") == (0, 0)


def test_deleting_the_later_of_two_overlapping_sessions(make_user):
    me, friend = people(make_user)
    first = record(friend, NINE, 60, active_minutes=30)
    second = record(friend, NINE + timedelta(minutes=30), 60)
    # The first: 30 min over its hour; the second: only its uncovered half hour, fully active.
    assert everywhere(me, "Friend") == (60 * 60, 60 * 60)
    focus.delete_session(friend, second.id)
    assert everywhere(me, "Friend") == (30 * 60, 30 * 60)
    assert db.session.get(FocusSession, first.id).board_seconds == 30 * 60


def test_a_session_closing_out_of_order_is_taken_back_exactly(make_user):
    """Recorded after a longer overlapping one that ends later (two rooms at once): the group is
    credited again in closing order, so deleting either leaves exactly the other's own time."""
    me, friend = people(make_user)
    long = record(friend, NINE, 120)
    short = record(friend, NINE + timedelta(minutes=30), 30, active_minutes=20)  # inside the long one
    # In closing order: the short one first (20 min), then the long one over the 90 min it leaves
    # (fully active: 90 min). Its half hour counts once.
    assert everywhere(me, "Friend") == (110 * 60, 110 * 60)
    assert db.session.get(FocusSession, long.id).board_seconds == 90 * 60
    focus.delete_session(friend, long.id)
    assert everywhere(me, "Friend") == (20 * 60, 20 * 60)
    assert db.session.get(FocusSession, short.id).board_seconds == 20 * 60


def test_a_chain_of_overlaps_still_counts_once_after_a_deletion(make_user):
    me, friend = people(make_user)
    a = record(friend, NINE, 60)
    b = record(friend, NINE + timedelta(minutes=45), 60)  # overlaps a
    c = record(friend, NINE + timedelta(minutes=90), 60)  # overlaps b, not a
    assert everywhere(me, "Friend") == (150 * 60, 150 * 60)
    focus.delete_session(friend, b.id)
    assert everywhere(me, "Friend") == (120 * 60, 120 * 60)  # a and c, apart, whole
    assert [db.session.get(FocusSession, r.id).board_seconds for r in (a, c)] == [60 * 60, 60 * 60]


def test_deleting_a_manual_entry_leaves_the_boards_alone(make_user):
    me, friend = people(make_user)
    record(friend, NINE, 25)
    manual = focus.create_manual(friend, start_time=NINE + timedelta(hours=1), end_time=NINE + timedelta(hours=2),
                                 now=LATER)
    focus.delete_session(friend, manual.id)
    assert everywhere(me, "Friend") == (25 * 60, 25 * 60)


def test_an_unlocked_achievement_keeps_its_unlock_time_when_its_session_is_deleted(make_user):
    me, friend = people(make_user)
    session = record(friend, NINE, 70)
    unlocked = dict(db.session.execute(select(AchievementUnlock.code, AchievementUnlock.unlocked_at)
                                       .where(AchievementUnlock.user_id == friend.id)).all())
    assert {"sessions_1", "time_1h"} <= set(unlocked)
    focus.delete_session(friend, session.id)
    kept = dict(db.session.execute(select(AchievementUnlock.code, AchievementUnlock.unlocked_at)
                                   .where(AchievementUnlock.user_id == friend.id)).all())
    assert kept == unlocked
    # Progress towards the locked ones follows the records.
    assert metrics.metrics_of(friend.id, ("sessions", "focus_seconds")) == {"sessions": 0, "focus_seconds": 0}


def test_a_deleted_account_leaves_every_board(client, auth, make_user):
    me, friend = people(make_user)
    record(friend, NINE, 25)
    delete_account(friend, LATER)
    assert board(me, "global") == {}
    assert db.session.execute(select(FocusTotal).where(FocusTotal.user_id == friend.id)).first() is None


def test_a_counted_sessions_times_cannot_be_edited_so_edits_never_move_the_boards(make_user):
    me, friend = people(make_user)
    session = record(friend, NINE, 50, active_minutes=40)
    with pytest.raises(focus.Conflict):
        focus.update_session(friend, session.id, start_time=NINE - timedelta(hours=2), end_time=NINE, now=LATER)
    focus.update_session(friend, session.id, note="Chapter 3", now=LATER)
    assert everywhere(me, "Friend") == (40 * 60, 40 * 60)


def test_a_repeated_announcement_after_an_out_of_order_credit_changes_nothing(make_user):
    me, friend = people(make_user)
    record(friend, NINE, 120)
    short = record(friend, NINE + timedelta(minutes=30), 30, active_minutes=20)
    before = everywhere(me, "Friend")
    events.announce(events.SessionRecorded(short, short.end_time))
    db.session.commit()
    assert everywhere(me, "Friend") == before == (110 * 60, 110 * 60)


def stored_quarters(user) -> dict[int, int]:
    return dict(db.session.execute(select(FocusQuarter.quarter, FocusQuarter.seconds)
                                   .where(FocusQuarter.user_id == user.id, FocusQuarter.seconds != 0)).all())


def expected_quarters(records) -> dict[int, int]:
    """The closing-order fold of the records still there, from scratch."""
    ordered = sorted(records, key=lambda r: (r.end_time, r.id))
    total: dict[int, int] = {}
    for credit in rules.fold((r.id, r.active_ms // 1000, (int(r.start_time.timestamp()), int(r.end_time.timestamp())))
                             for r in ordered).values():
        for quarter, seconds in credit.items():
            total[quarter] = total.get(quarter, 0) + seconds
    return {q: s for q, s in total.items() if s}


@pytest.mark.parametrize("seed", range(4))
def test_any_order_of_recording_and_deleting_leaves_exactly_the_fold_of_what_remains(make_user, seed):
    import random
    rng = random.Random(seed)
    friend = make_user("friend")
    kept = []
    for _ in range(6):  # recorded in any order, overlapping freely
        start = NINE + timedelta(minutes=rng.randrange(0, 240))
        minutes = rng.randrange(10, 120)
        kept.append(record(friend, start, minutes, active_minutes=minutes * rng.uniform(0.3, 1.0)))
        assert stored_quarters(friend) == expected_quarters(kept)
    for gone in rng.sample(kept, 4):
        focus.delete_session(friend, gone.id)
        kept.remove(gone)
        assert stored_quarters(friend) == expected_quarters(kept)
        week = db.session.execute(select(FocusTotal.seconds).where(
            FocusTotal.user_id == friend.id, FocusTotal.period == "week")).scalars().all()
        assert sum(week) == sum(expected_quarters(kept).values())
