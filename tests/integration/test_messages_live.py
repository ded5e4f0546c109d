"""Messages delivered live over each person's channel, against a real server and real sockets."""
import pytest

from tests.conftest import build_app, csrf_token_from
from tests.integration.test_rooms_socket import wait_for
from tests.support.live_people import Person, nothing_arrives, receive
from tests.support.servers import LiveServer
from webapp import lifecycle
from webapp.extensions import db
from webapp.messages import services
from webapp.models import User, utcnow


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    app = build_app("sqlite", tmp_path_factory.mktemp("messages-live"), LOGIN_RATE_LIMIT="1000 per minute")
    live = LiveServer(app).start()
    yield live
    live.stop()
    lifecycle.shutdown(app)


def send(server, sender, recipient, body):
    with server.app.app_context():
        message = services.send_to(db.session.get(User, sender.id), db.session.get(User, recipient.id), body, utcnow())
        return message.id, message.conversation_id


def read(person, conversation_id, up_to):
    page = person.client.get(f"/messages/c/{conversation_id}?x=1").get_data(as_text=True)
    return person.client.post(f"/messages/c/{conversation_id}/read",
                              data={"csrf_token": csrf_token_from(page), "up_to": str(up_to)})


def test_a_message_reaches_the_open_conversation_and_every_badge(server):
    ann, bob = Person(server, "ann"), Person(server, "bob")
    _first, conversation_id = send(server, ann, bob, "hello")
    read(bob, conversation_id, _first)
    query = f"?conversation={conversation_id}"
    bob_conversation, bob_elsewhere, ann_conversation = bob.tab(query=query), bob.tab(), ann.tab(query=query)
    try:
        for tab in (bob_conversation, bob_elsewhere, ann_conversation):
            assert 'id="messages-badge"' in receive(tab)  # the whole state first
        message_id, _ = send(server, ann, bob, "same time tomorrow? https://example.com")
        live = wait_for(bob_conversation, f'id="message-{message_id}"')
        assert 'class="message theirs"' in live and f"beforeend:#conversation-{conversation_id}-messages" in live
        assert '<a href="https://example.com"' in live
        badge = wait_for(bob_elsewhere, 'id="messages-badge"')
        assert ">1<span" in badge and "New message from Ann" in badge
        assert 'class="message mine"' in wait_for(ann_conversation, f'id="message-{message_id}"')
        assert read(bob, conversation_id, message_id).status_code == 204
        cleared = wait_for(bob_elsewhere, 'id="messages-badge"')
        assert "hidden" in cleared.split(">")[0]
        assert f"conversation-{conversation_id}-seen" in wait_for(ann_conversation, ">Seen<")
    finally:
        for tab in (bob_conversation, bob_elsewhere, ann_conversation):
            tab.close()


def test_a_reconnecting_conversation_tab_gets_what_it_missed(server):
    ann, bob = Person(server, "ann"), Person(server, "bob")
    _, conversation_id = send(server, ann, bob, "first")
    missed_id, _ = send(server, ann, bob, "sent while bob was offline")
    tab = bob.tab(query=f"?conversation={conversation_id}")
    try:
        state = receive(tab)
        assert f'id="message-{missed_id}"' in state and ">2<span" in state
    finally:
        tab.close()


def test_nobody_else_gets_a_conversation_over_the_socket(server):
    ann, bob, eve = Person(server, "ann"), Person(server, "bob"), Person(server, "eve")
    _, conversation_id = send(server, ann, bob, "private")
    nosy = eve.tab(query=f"?conversation={conversation_id}")
    try:
        state = receive(nosy)
        assert "private" not in state and "message-" not in state
        send(server, ann, bob, "still private")
        assert nothing_arrives(nosy)
    finally:
        nosy.close()
