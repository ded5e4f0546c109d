"""Achievements unlock when something that can unlock happens, once, from server-witnessed focus only."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from webapp import events
from webapp.achievements import metrics, toast
from webapp.extensions import db
from webapp.focus import services as focus
from webapp.forum.services import posts as forum_posts
from webapp.models import AchievementUnlock, FocusTotal, Room
from tests.support import tracking
from tests.support.achievements import record

UTC = timezone.utc
MORNING = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def codes(user) -> set[str]:
    return set(db.session.execute(select(AchievementUnlock.code).where(AchievementUnlock.user_id == user.id)).scalars())


@pytest.fixture
def toasts(monkeypatch):
    sent = []
    monkeypatch.setattr(toast, "_topic", lambda user_id: f"user:{user_id}")
    monkeypatch.setattr(toast.outbox, "publish", lambda topic, html, key=None: sent.append((topic, html)))
    return sent


def test_the_first_completed_work_phase_unlocks_first_session_once(make_user, toasts):
    maya = make_user("maya")
    session = record(maya, MORNING, 25)
    assert "sessions_1" in codes(maya)
    unlocked_at = db.session.execute(select(AchievementUnlock.unlocked_at).where(
        AchievementUnlock.code == "sessions_1")).scalar_one()
    assert unlocked_at == session.end_time
    assert [topic for topic, _html in toasts] == [f"user:{maya.id}"]
    assert "First session done!" in toasts[0][1] and 'hx-swap-oob="beforeend:#toasts"' in toasts[0][1]

    # The same event again (a retried announcement): no second row, the first time kept, no toast.
    events.announce(events.SessionRecorded(session, session.end_time + timedelta(hours=1)))
    db.session.commit()
    rows = db.session.execute(select(AchievementUnlock).where(AchievementUnlock.user_id == maya.id,
                                                               AchievementUnlock.code == "sessions_1")).scalars().all()
    assert len(rows) == 1 and rows[0].unlocked_at == unlocked_at
    assert len(toasts) == 1
    assert metrics.focus_seconds(maya.id) == 25 * 60  # and its time is not credited twice


def test_manual_entries_and_untracked_sessions_never_count(make_user, bearer):
    maya = make_user("maya")
    focus.create_manual(maya, start_time=MORNING - timedelta(days=1), end_time=MORNING - timedelta(days=1, minutes=-90))
    api = bearer(maya)
    started = api.post("/api/v1/sessions/start", json={"target_minutes": 25}).get_json()
    api.post(f"/api/v1/sessions/{started['id']}/end")
    assert codes(maya) == set()
    assert db.session.execute(select(func.count()).select_from(FocusTotal)).scalar_one() == 0


def test_a_session_longer_than_12_hours_counts_12(make_user):
    maya = make_user("maya")
    record(maya, MORNING, 13 * 60)
    assert metrics.focus_seconds(maya.id) == 12 * 3600
    assert {"time_1h", "time_10h"} <= codes(maya) and "time_100h" not in codes(maya)


def test_idle_time_never_counts(make_user):
    maya = make_user("maya")
    record(maya, MORNING, 90, active_minutes=50)
    assert metrics.focus_seconds(maya.id) == 50 * 60
    assert "time_1h" not in codes(maya)


def test_three_days_in_a_row_in_the_persons_own_zone(make_user):
    # 20:00 UTC is already the next day in Kolkata: three UTC days, but local days 3, 4 and 5 March.
    priya = make_user("priya", timezone="Asia/Kolkata")
    for day in range(3):
        record(priya, datetime(2026, 3, 2 + day, 20, 0, tzinfo=UTC), 25)
    assert "streak_3" in codes(priya)
    rows = db.session.execute(select(FocusTotal.starts).where(FocusTotal.user_id == priya.id,
                                                              FocusTotal.period == "day")).scalars()
    assert sorted(day.day for day in rows) == [3, 4, 5]


def test_focusing_in_the_same_phase_as_someone_unlocks_together(make_user):
    ana, ben = make_user("ana"), make_user("ben")
    room = tracking.make_room(ana)
    record(ana, MORNING, 25, room=room)
    record(ben, MORNING + timedelta(seconds=20), 24, room=room)
    assert "social_first_room" in codes(ana) or "social_first_room" in codes(ben)
    assert "social_first_room" in codes(ben)
    assert metrics.partners(ben.id) == 1


def test_a_forum_post_unlocks_first_words(make_user):
    from webapp.forum.services import moderation
    maya = make_user("maya")
    admin = make_user("admin", role="admin")
    moderation.add_category(admin, "General")
    forum_posts.create_post(maya, "general", "Hello", "My first post here.", MORNING)
    assert "social_forum_first" in codes(maya)


def test_hosting_ten_finished_rooms_unlocks_host(make_user):
    host, guest = make_user("host"), make_user("guest")
    for n in range(10):
        room = tracking.make_room(host)
        record(guest, MORNING + timedelta(hours=n), 25, room=room)
        room.ended_at = MORNING + timedelta(hours=n, minutes=25)
        events.announce(events.RoomFinished(room, room.ended_at))
        db.session.commit()
        assert ("social_hosted_10" in codes(host)) == (n == 9)


def test_a_real_work_phase_through_tracking_unlocks_first_session(make_user):
    maya = make_user("maya")
    room = tracking.make_room(maya)
    tracking.join(room, maya)
    tracking.start_work(room)
    for second in range(0, 300, 10):
        from tests.support import hooks
        hooks.client_report(room, room.participants[0], "activity", tracking.at(second))
    tracking.end_work(room, 300)
    assert "sessions_1" in codes(maya)


def test_the_achievements_page_shows_earned_with_dates_and_locked_with_progress(client, auth, make_user):
    maya = make_user("maya")
    record(maya, MORNING, 25)
    auth.login("maya")
    page = client.get("/achievements").get_data(as_text=True)
    assert "First session" in page and "Earned 02 Mar 2026" in page
    assert "1 / 10" in page  # ten phases, locked, with progress
    assert "10</span><span class=\"muted\"> / " in page  # 10 points so far
    assert "Manual and imported entries count for insights, never here." in page


def test_the_achievements_api(bearer, make_user):
    maya = make_user("maya")
    record(maya, MORNING, 25)
    body = bearer(maya).get("/api/v1/achievements").get_json()
    items = {item["code"]: item for item in body["items"]}
    assert body["next"] is None and body["points"] == 10
    assert items["sessions_1"]["earned"] and items["sessions_1"]["unlocked_at"].startswith("2026-03-02T09:25")
    assert items["sessions_10"]["progress"] == 1 and items["sessions_10"]["progress_label"] == "1 / 10"
    assert bearer(maya).client.get("/api/v1/achievements").status_code == 401


def test_where_people_add_manual_entries_it_says_they_never_count(client, auth, make_user):
    make_user("maya")
    auth.login("maya")
    page = client.get("/history/new").get_data(as_text=True)
    assert "never for achievements or leaderboards" in page
