"""The direct messages API (v1): lists with cursors, sending, reading, and 404 for outsiders."""
import pytest

from webapp.messages import reading, services
from webapp.models import utcnow


def send(sender, recipient, body="hello"):
    return services.send_to(sender, recipient, body, utcnow())


def test_send_by_username_then_by_conversation(make_user, bearer):
    ann, bob = make_user("ann"), make_user("bob")
    api = bearer(ann)
    first = api.post("/api/v1/messages", json={"to": "Bob", "body": "same time tomorrow?"})
    assert first.status_code == 201
    message = first.get_json()
    assert message["sender"] == "ann" and message["body"] == "same time tomorrow?" and not message["deleted"]
    second = api.post("/api/v1/messages", json={"conversation_id": message["conversation_id"], "body": "9:00?"})
    assert second.status_code == 201 and second.get_json()["conversation_id"] == message["conversation_id"]
    assert bearer(bob).get("/api/v1/messages/unread-count").get_json() == {"unread": 2}


@pytest.mark.parametrize("body, status, field", [
    ({"to": "bob"}, 422, "body"), ({"body": "hi"}, 422, "to"), ({"to": "bob", "conversation_id": 1, "body": "hi"}, 422, "to"),
    ({"to": "nobody", "body": "hi"}, 422, "to"), ({"to": "bob", "body": ""}, 422, "body"),
    ({"to": "bob", "body": "x" * 4001}, 422, "body"), ({"conversation_id": True, "body": "hi"}, 422, "conversation_id"),
    ({"to": "bob", "body": "hi", "extra": 1}, 422, "extra")])
def test_invalid_sends_are_422_with_the_field(make_user, bearer, body, status, field):
    make_user("ann"), make_user("bob")
    response = bearer(make_user("carl")).post("/api/v1/messages", json=body)
    assert response.status_code == status
    assert field in response.get_json()["fields"]


def test_an_unreadable_body_is_400(make_user, bearer):
    response = bearer(make_user("ann")).post("/api/v1/messages", data="to=bob", content_type="text/plain")
    assert response.status_code == 400


def test_conversations_list_pages_with_a_cursor(make_user, bearer):
    me = make_user("me")
    for n in range(5):
        send(make_user(f"p{n}"), me, f"hi {n}")
    api = bearer(me)
    first = api.get("/api/v1/conversations?limit=3").get_json()
    assert [item["with"]["username"] for item in first["items"]] == ["p4", "p3", "p2"]
    assert first["items"][0]["unread"] == 1 and first["items"][0]["last_message"]["body"] == "hi 4"
    rest = api.get(f"/api/v1/conversations?limit=3&cursor={first['next']}").get_json()
    assert [item["with"]["username"] for item in rest["items"]] == ["p1", "p0"] and rest["next"] is None
    assert api.get("/api/v1/conversations?cursor=forged").status_code == 422
    assert api.get("/api/v1/conversations?page=2").status_code == 422


def test_messages_page_before_and_after(make_user, bearer):
    ann, bob = make_user("ann"), make_user("bob")
    ids = [send(ann, bob, f"m{n}").id for n in range(5)]
    conversation_id = services.send_to(bob, ann, "m5", utcnow()).conversation_id
    api = bearer(bob)
    newest = api.get(f"/api/v1/conversations/{conversation_id}/messages?limit=4").get_json()
    assert [item["body"] for item in newest["items"]] == ["m5", "m4", "m3", "m2"]
    older = api.get(f"/api/v1/conversations/{conversation_id}/messages?limit=4&before={newest['next']}").get_json()
    assert [item["body"] for item in older["items"]] == ["m1", "m0"] and older["next"] is None
    from webapp.api.pagination import make_cursor
    after = api.get(f"/api/v1/conversations/{conversation_id}/messages?limit=2&after="
                    f"{make_cursor('messages-after', (ids[2],))}").get_json()
    assert [item["body"] for item in after["items"]] == ["m3", "m4"] and after["next"]
    assert api.get(f"/api/v1/conversations/{conversation_id}/messages?before=1").status_code == 422


def test_read_moves_the_pointer_forward_only(make_user, bearer):
    ann, bob = make_user("ann"), make_user("bob")
    first, second = send(ann, bob, "a"), send(ann, bob, "b")
    api = bearer(bob)
    path = f"/api/v1/conversations/{first.conversation_id}/read"
    answer = api.post(path, json={"up_to": second.id}).get_json()
    assert answer["last_read_message_id"] == second.id and answer["unread"] == 0
    assert api.post(path, json={"up_to": first.id}).get_json()["last_read_message_id"] == second.id
    assert api.post(path, json={"up_to": "x"}).status_code == 422
    assert api.get("/api/v1/messages/unread-count").get_json() == {"unread": 0}


def test_only_the_two_people_ever_see_a_conversation(make_user, bearer):
    ann, bob, eve = make_user("ann"), make_user("bob"), make_user("eve")
    message = send(ann, bob, "private")
    api = bearer(eve)
    c = message.conversation_id
    assert api.get(f"/api/v1/conversations/{c}/messages").status_code == 404
    assert api.post(f"/api/v1/conversations/{c}/read", json={"up_to": message.id}).status_code == 404
    assert api.post("/api/v1/messages", json={"conversation_id": c, "body": "hi"}).status_code == 404
    assert api.get("/api/v1/conversations").get_json() == {"items": [], "next": None}
    assert api.get("/api/v1/messages/unread-count").get_json() == {"unread": 0}
    assert reading.unread_total(bob.id) == 1


def test_a_token_is_required(client):
    assert client.get("/api/v1/conversations").status_code == 401
    assert client.post("/api/v1/messages", json={"to": "x", "body": "y"}).status_code == 401
