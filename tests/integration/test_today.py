"""/today: where signed-in people land; one-click solo start, rejoin, goal ring, streak, friends' rooms."""
from datetime import timedelta

import re

import pytest

from tests.conftest import csrf_token_from
from webapp.extensions import db
from webapp.focus import services as focus
from webapp.models import DEFAULT_DAILY_GOAL_MINUTES, FocusSession, Participant, Room, User, utcnow


def text_of(page: str) -> str:
    """What a person reads: tags dropped, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


def test_visitors_get_the_marketing_page_with_one_call_to_action_row(client):
    page = client.get("/").get_data(as_text=True)
    assert client.get("/").status_code == 200
    assert "Create a free account" in page
    # The header has "Sign in"; the page itself does not repeat it.
    assert page.count(">Sign in<") == 1
    assert 'placeholder="K7QM2X"' not in page  # a placeholder that reads like a real, pre-filled code


def test_signed_in_people_and_guests_are_sent_from_home_to_today(client, make_user, make_guest, auth, app):
    make_user("maya")
    auth.login("maya")
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/today")


def test_sign_up_and_login_land_on_today(client, make_user, auth):
    response = auth.register()
    assert response.status_code == 302 and response.headers["Location"].endswith("/today")
    auth.logout()
    response = auth.login("newbie", password="a quiet morning 42")
    assert response.status_code == 302 and response.headers["Location"].endswith("/today")


def test_a_safe_next_still_wins_after_login(client, make_user):
    make_user("maya")
    from tests.conftest import AuthActions
    token = AuthActions(client).token("/login")
    response = client.post("/login?next=/rooms", data={"login": "maya", "password": "correct horse battery",
                                                      "csrf_token": token})
    assert response.headers["Location"].endswith("/rooms")


def test_today_needs_an_account(client):
    response = client.get("/today")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_brand_new_person_sees_a_welcome_and_a_one_click_start(client, make_user, auth):
    make_user("maya")
    auth.login("maya")
    page = client.get("/today").get_data(as_text=True)
    assert "Welcome to Focusroom" in page
    assert "Start a 25-minute focus" in page
    assert "No focus yet today. Your goal is 2 h." in page
    assert "Focus today to start a streak." in page
    assert DEFAULT_DAILY_GOAL_MINUTES == 120


def test_one_click_starts_a_solo_session_with_the_usual_length(client, make_user, auth):
    maya = make_user("maya")
    now = utcnow()
    for minutes, days_ago in ((50, 3), (50, 2), (25, 1)):
        start = now - timedelta(days=days_ago)
        db.session.add(FocusSession(user_id=maya.id, source="solo", status="completed", start_time=start,
                                    end_time=start + timedelta(minutes=minutes), duration_seconds=minutes * 60,
                                    target_seconds=minutes * 60))
    db.session.commit()
    auth.login("maya")
    page = client.get("/today").get_data(as_text=True)
    assert "Start a 50-minute focus" in page and "Welcome to Focusroom" not in page
    response = client.post("/focus", data={"csrf_token": csrf_token_from(page), "target_minutes": "50",
                                           "task_id": "0"})
    room = db.session.query(Room).filter_by(is_solo=True).one()
    assert response.headers["Location"].endswith(f"/r/{room.code}") and room.work_minutes == 50
    page = client.get("/today").get_data(as_text=True)
    assert "Back to your session" in page and "Start a 50-minute focus" not in page
    assert "3 days in a row" in text_of(page)  # three, two and one days ago: today may still join the run


def test_todays_focus_fills_the_ring_against_the_goal(client, make_user, auth):
    maya = make_user("maya", daily_goal_minutes=60)
    now = utcnow()
    start = now - timedelta(minutes=31)
    db.session.add(FocusSession(user_id=maya.id, source="manual", status="completed", start_time=start,
                                end_time=start + timedelta(minutes=30), duration_seconds=1800))
    db.session.commit()
    auth.login("maya")
    page = client.get("/today").get_data(as_text=True)
    assert "50% of your daily goal · 30 min to go" in page
    assert 'stroke-dashoffset="50.0"' in page
    assert "1 day in a row" in text_of(page)


def test_the_goal_is_a_setting_with_clear_limits(client, make_user, auth):
    maya = make_user("maya")
    auth.login("maya")
    token = csrf_token_from(client.get("/today").get_data(as_text=True))
    for bad in ("5", "", "abc", "99999"):
        response = client.post("/today/goal", data={"csrf_token": token, "daily_goal_minutes": bad})
        assert response.status_code == 422
        assert "minutes" in response.get_data(as_text=True)
    db.session.refresh(maya)
    assert maya.daily_goal_minutes == 120
    response = client.post("/today/goal", data={"csrf_token": token, "daily_goal_minutes": "90"})
    assert response.status_code == 302
    db.session.refresh(maya)
    assert maya.daily_goal_minutes == 90
    assert client.post("/today/goal", data={"daily_goal_minutes": "60"}).status_code == 400  # no CSRF token


def test_rejoin_my_room_and_open_tasks(client, make_user, make_room, auth):
    maya = make_user("maya")
    room = make_room(maya, name="Thesis sprint")
    focus.create_task(maya, title="Draft section 2")
    auth.login("maya")
    page = client.get("/today").get_data(as_text=True)
    assert "Thesis sprint" in page and f"/r/{room.code}" in page and "Your room is waiting" in page
    assert "25 min focus · 5 min breaks · 4 rounds" in page
    assert "Draft section 2" in page and "Focus on this" in page


def test_live_public_rooms_of_people_i_focused_with(client, make_user, make_room, auth):
    maya, gia, stranger = make_user("maya"), make_user("gia", display_name="Gia"), make_user("stranger")
    old = make_room(gia, name="Old room")
    db.session.add(Participant(room_id=old.id, user_id=maya.id, left_at=utcnow()))
    db.session.commit()
    for name, host, public in (("Gia's public", gia, True), ("Gia's private", gia, False),
                               ("Stranger's public", stranger, True)):
        room = make_room(host, name=name, is_public=public)
        room.status = "running"
        room.participants[0].connections = 1
    db.session.commit()
    auth.login("maya")
    page = client.get("/today").get_data(as_text=True)
    assert "People you focus with, live now" in page
    assert "Gia&#39;s public" in page and "Gia is in" in page
    assert "Gia&#39;s private" not in page and "Stranger" not in page
