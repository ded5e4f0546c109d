"""LiveSession and its Mailbox without a socket: the order of a connection's items across a room
switch, and the whole state again after the hub dropped messages for a slow client."""
from webapp import lifecycle, realtime
from webapp.protocol.connection import Mailbox, run
from webapp.protocol.session import LiveSession
from webapp.realtime.hub import DEFAULT_QUEUE_SIZE
from webapp.realtime.sockets import DISCONNECTED, ClientMessage
from webapp.rooms import services
from webapp.rooms.live_state import live_topic


def session_of(app, user):
    sent = []
    mailbox = Mailbox(realtime.get_hub(app))
    return LiveSession(user.id, mailbox, lambda event, data: sent.append((event, data))), sent


def test_items_waiting_when_a_client_joins_a_room_keep_their_order(app, make_user, make_room):
    host = make_user("host")
    room = make_room(host)
    session, sent = session_of(app, host)
    mailbox = session.mailbox
    for n in range(3):
        mailbox.put(ClientMessage(("activity", {"n": n})))
    mailbox.switch([live_topic(room.id)])
    realtime.get_hub(app).publish(live_topic(room.id), '{"kind": "nothing"}')
    taken = [mailbox.get(timeout=0) for _ in range(4)]
    assert [item.data[1]["n"] for item in taken[:3]] == [0, 1, 2] and taken[3] == '{"kind": "nothing"}'
    mailbox.close()


def test_after_dropped_messages_the_client_gets_the_whole_state_again(app, make_user, make_room):
    host = make_user("host")
    room = make_room(host, name="Quiet corner")
    session, sent = session_of(app, host)
    hub = realtime.get_hub(app)

    def send(event, data):
        sent.append((event, data))
        if event == "session_joined" and len(sent) == 1:  # then the client is too slow for a burst
            for _ in range(DEFAULT_QUEUE_SIZE + 6):
                hub.publish(live_topic(room.id), '{"kind": "nothing"}')
            session.mailbox.put(ClientMessage(("stop", {})))
            session.mailbox.put(DISCONNECTED)
    session.send = send
    with app.test_request_context("/api/v1/live"):
        session.mailbox.put(ClientMessage(("join_session", {"room_code": room.code})))
        try:
            run(session, is_open=lambda: True, close=lambda close: None)
            session.close()
        finally:
            lifecycle.shutdown(app)  # the heartbeat the socket started
    events = [event for event, _ in sent]
    assert events == ["session_joined", "session_joined", "session_left"]
    assert all(data["room"]["name"] == "Quiet corner" for event, data in sent if event == "session_joined")
    assert services.membership(room.id, host.id).left_at is not None
