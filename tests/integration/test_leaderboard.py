"""Leaderboards: windows in the viewer's zone, overlaps once, opt-in, private people, guests, follows."""
from datetime import datetime, timedelta, timezone

import pytest

from tests.conftest import csrf_token_from
from tests.support import tracking
from tests.support.achievements import record
from webapp.achievements import boards, follows
from webapp.extensions import db
from webapp.models import FocusQuarter, Participant, User

UTC = timezone.utc
NOW = datetime(2026, 3, 2, 20, 0, tzinfo=UTC)  # 01:30 on Tuesday 3 March in Kolkata, 15:00 Monday in New York


def friends(a, b):
    follows.follow(a, b.username)
    follows.follow(b, a.username)


def board_of(viewer, scope="friends", period="day", now=NOW):
    result = boards.board(viewer, scope, period, now)
    return {row.name: row.seconds for row in result.rows}, result


def test_today_is_the_viewers_day_in_several_zones(make_user):
    friend = make_user("friend", display_name="Friend")
    kolkata = make_user("kolkata", timezone="Asia/Kolkata")
    new_york = make_user("newyork", timezone="America/New_York")
    friends(friend, kolkata)
    friends(friend, new_york)
    record(friend, datetime(2026, 3, 2, 18, 0, tzinfo=UTC), 60)  # 23:30-00:30 in Kolkata
    assert board_of(kolkata)[0] == {"Friend": 30 * 60}  # only the half after Kolkata's midnight
    assert board_of(new_york)[0] == {"Friend": 60 * 60}
    # This week: from Monday 00:00 in each viewer's zone, so both see the whole hour.
    assert board_of(kolkata, period="week")[0] == {"Friend": 60 * 60}
    assert board_of(new_york, period="month")[0] == {"Friend": 60 * 60}


def test_overlapping_sessions_count_once(make_user):
    me, friend = make_user("me"), make_user("friend", display_name="Friend")
    friends(me, friend)
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    record(friend, start, 60)
    record(friend, start + timedelta(minutes=30), 60)  # overlaps the first by 30 minutes
    assert board_of(me, now=start + timedelta(hours=3))[0]["Friend"] == 90 * 60


def test_friends_are_mutual_follows_and_the_viewer_is_on_their_own_board(make_user):
    me, fan, friend = make_user("me", display_name="Me"), make_user("fan", display_name="Fan"), \
        make_user("friend", display_name="Friend")
    follows.follow(fan, "me")  # one way only: not a friend
    friends(me, friend)
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    for person, minutes in ((me, 25), (fan, 50), (friend, 40)):
        record(person, start, minutes)
    rows, result = board_of(me, now=start + timedelta(hours=1))
    assert rows == {"Friend": 40 * 60, "Me": 25 * 60}
    assert [(row.rank, row.is_viewer) for row in result.rows] == [(1, False), (2, True)]


def test_private_people_and_guests_appear_on_nobody_elses_board(make_user, make_guest):
    me, private = make_user("me", display_name="Me"), make_user("private", display_name="Private")
    friends(me, private)
    private.profile_private = True
    db.session.commit()
    room = tracking.make_room(me)
    guest = make_guest("Visitor")
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    for person in (me, private, guest):
        db.session.add(Participant(room=room, user_id=person.id, joined_at=start))
        record(person, start, 25, room=room)
    assert board_of(me, now=start + timedelta(hours=1))[0] == {"Me": 25 * 60}
    rows, _ = board_of(me, scope=f"room:{room.code}", now=start + timedelta(hours=1))
    assert rows == {"Me": 25 * 60}
    assert board_of(private, now=start + timedelta(hours=1))[0] == {"Me": 25 * 60, "Private": 25 * 60}  # and their own row


def test_the_everyone_board_is_opt_in_and_follows_opting_out_at_once(client, auth, make_user):
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    shy, keen = make_user("shy", display_name="Shy"), make_user("keen", display_name="Keen", on_global_board=True)
    record(shy, start, 50)
    record(keen, start, 25)
    rows, _ = board_of(keen, scope="global", period="week", now=start)
    assert rows == {"Keen": 25 * 60}

    auth.login("shy")
    page = client.get("/leaderboard?scope=global&period=week").get_data(as_text=True)
    client.post("/leaderboard/visibility", data={"csrf_token": csrf_token_from(page), "on_global_board": "y"})
    assert board_of(keen, scope="global", period="week", now=start)[0] == {"Shy": 50 * 60, "Keen": 25 * 60}
    client.post("/leaderboard/visibility", data={"csrf_token": csrf_token_from(page), "on_global_board": "y",
                                                 "profile_private": "y"})
    assert board_of(keen, scope="global", period="week", now=start)[0] == {"Keen": 25 * 60}


def test_the_viewer_sees_their_own_rank_beyond_the_top_50(make_user):
    monday_quarter = int(datetime(2026, 3, 2, tzinfo=UTC).timestamp()) // 900
    people = [User(username=f"p{n}", display_name=f"P{n}", email=f"p{n}@example.com", on_global_board=True)
              for n in range(60)]
    db.session.add_all(people)
    db.session.flush()
    for n, person in enumerate(people):  # the week's window is filled from these when first asked for
        db.session.add(FocusQuarter(user_id=person.id, quarter=monday_quarter + n, seconds=10_000 - n * 100))
    db.session.commit()
    viewer = people[55]
    result = boards.board(viewer, "global", "week", datetime(2026, 3, 4, tzinfo=UTC))
    assert len(result.rows) == 50 and result.rows[0].name == "P0"
    assert result.viewer_row is not None and result.viewer_row.rank == 56 and result.viewer_row.seconds == 4_500


def test_the_leaderboard_page_lists_a_friend(client, auth, make_user):
    me, friend = make_user("me"), make_user("friend", display_name="Fiona Friend")
    friends(me, friend)
    record(friend, datetime.now(UTC) - timedelta(minutes=30), 25)
    auth.login("me")
    page = client.get("/leaderboard?scope=friends&period=week").get_data(as_text=True)
    assert "Fiona Friend" in page and "You and your friends" in page
    fragment = client.get("/leaderboard?scope=friends&period=month",
                          headers={"HX-Request": "true", "HX-Target": "board"}).get_data(as_text=True)
    assert fragment.startswith('<section id="board"') and "Fiona Friend" in fragment


def test_follow_and_unfollow_from_the_profile(client, auth, make_user):
    make_user("me")
    make_user("friend", display_name="Fiona")
    auth.login("me")
    page = client.get("/u/friend").get_data(as_text=True)
    assert 'id="profile-actions"' in page and ">Follow<" in page.replace('<span class="visually-hidden"> Fiona</span>', "")
    token = csrf_token_from(page)
    assert client.post("/u/friend/follow", data={}).status_code == 400  # no CSRF token
    client.post("/u/friend/follow", data={"csrf_token": token})
    page = client.get("/u/friend").get_data(as_text=True)
    assert "Following" in page and "1 follower" in page
    fragment = client.post("/u/friend/unfollow", data={"csrf_token": token}, headers={"HX-Request": "true"})
    assert ">Follow<" in fragment.get_data(as_text=True).replace('<span class="visually-hidden"> Fiona</span>', "")


def test_a_private_profile_shows_only_the_name(client, auth, make_user):
    private = make_user("private", display_name="Pat Private", bio="My secret bio")
    private.profile_private = True
    db.session.commit()
    record(private, datetime(2026, 3, 2, 9, tzinfo=UTC), 25)
    make_user("me")
    auth.login("me")
    page = client.get("/u/private").get_data(as_text=True)
    assert "Pat Private" in page and "This profile is private." in page
    assert "My secret bio" not in page and "First session" not in page


def test_the_leaderboard_and_follows_api(bearer, make_user):
    me, friend = make_user("me"), make_user("friend", display_name="Fiona")
    api, theirs = bearer(me), bearer(friend)
    assert api.post("/api/v1/follows/friend").get_json() == {"username": "friend", "following": True, "friends": False}
    assert api.post("/api/v1/follows/friend").status_code == 200  # again: no change
    assert theirs.post("/api/v1/follows/me").get_json()["friends"] is True
    assert api.post("/api/v1/follows/nobody").status_code == 404
    assert api.post("/api/v1/follows/me").status_code == 422
    record(friend, datetime.now(UTC) - timedelta(minutes=30), 25)
    body = api.get("/api/v1/leaderboard?scope=friends&period=week").get_json()
    assert body["items"][0]["username"] == "friend" and body["items"][0]["seconds"] == 25 * 60
    assert body["next"] is None and body["you"] == {"rank": None, "seconds": 0, "on_board": True}
    assert api.get("/api/v1/leaderboard?period=year").status_code == 422
    assert api.get("/api/v1/leaderboard?sort=up").status_code == 422
    assert api.get("/api/v1/leaderboard?scope=room:ZZZZZZ").status_code == 404
    assert api.delete("/api/v1/follows/friend").get_json()["following"] is False
    assert api.get("/api/v1/leaderboard?scope=friends").get_json()["items"] == []
