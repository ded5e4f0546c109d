"""A solo room (/focus) is its owner's alone: its code opens nothing for anyone else, ever."""
from datetime import timedelta

import pytest

from tests.conftest import AuthActions, csrf_token_from
from webapp.extensions import db
from webapp.models import Participant, utcnow
from webapp.rooms import services


@pytest.fixture
def solo_room(make_user):
    """Alice's solo room, her tab closed long ago: its one seat is free by the seat rules."""
    alice = make_user("alice")
    room = services.create_room(alice, {"name": "Alice's focus", "is_public": False, "max_participants": 1},
                                utcnow() - timedelta(minutes=30), is_solo=True)
    assert services.seats_taken(room, utcnow()) == 0
    return room


def test_someone_else_holding_the_code_cannot_see_or_join_it(client, auth, make_user, solo_room):
    make_user("mallory")
    auth.login("mallory")
    code = solo_room.code

    page = client.get(f"/r/{code}")
    assert page.status_code == 404 and f"No room has the code {code}." in page.get_data(as_text=True)
    token = csrf_token_from(client.get("/settings").get_data(as_text=True))
    assert client.post(f"/r/{code}/join", data={"csrf_token": token}).status_code == 404
    assert client.get(f"/rooms/join?code={code}").status_code == 404
    assert client.get(f"/api/v1/rooms/{code}").status_code == 404
    assert [p.user_id for p in db.session.query(Participant).all()] == [solo_room.created_by_id]


def test_a_guest_or_a_visitor_gets_the_same_404(app, client, solo_room):
    assert client.get(f"/r/{solo_room.code}").status_code == 404  # not the guest sign-up page
    guest = app.test_client()
    guest.post("/guest", data={"csrf_token": AuthActions(guest).token("/guest"), "display_name": "Sam"})
    assert guest.get(f"/r/{solo_room.code}").status_code == 404


def test_the_join_rule_refuses_everyone_but_the_owner(make_user, solo_room):
    mallory = make_user("mallory")
    with pytest.raises(services.RoomNotFound):
        services.join(solo_room, mallory, utcnow())
    owner = db.session.get(type(mallory), solo_room.created_by_id)
    assert services.join(solo_room, owner, utcnow()).user_id == owner.id


def test_the_owner_still_has_the_room(client, auth, solo_room):
    auth.login("alice")
    assert client.get(f"/r/{solo_room.code}").status_code == 200


def test_shared_rooms_stay_joinable_by_code(client, auth, make_user, make_room):
    room = make_room(make_user("host"), is_public=False)
    make_user("mallory")
    auth.login("mallory")
    page = client.get(f"/r/{room.code}").get_data(as_text=True)
    assert client.post(f"/r/{room.code}/join", data={"csrf_token": csrf_token_from(page)}).status_code == 302
