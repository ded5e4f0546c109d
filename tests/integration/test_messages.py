"""Direct messages on SQLite and PostgreSQL: pages, rules, read pointers, blocks, limits, privacy."""
import re
import threading

import pytest
from sqlalchemy import func, select

from tests.conftest import build_app, csrf_token_from
from tests.support.factories import make_user as build_user
from webapp.extensions import db
from webapp.messages import blocking, conversations, reading, services
from webapp.messages.errors import MessageError, NotAllowed
from webapp.models import Conversation, ConversationMember, Message, utcnow


def write(client, path, page="/messages", **data):
    data["csrf_token"] = csrf_token_from(client.get(page).get_data(as_text=True))
    return client.post(path, data=data)


def send(sender, recipient, body="same time tomorrow?"):
    return services.send_to(sender, recipient, body, utcnow())


def pointer(user, conversation_id) -> int:
    db.session.expire_all()
    return db.session.get(ConversationMember, (conversation_id, user.id)).last_read_message_id


def test_one_conversation_per_pair_whoever_starts_it(app, make_user):
    ann, bob = make_user("ann"), make_user("bob")
    first = send(ann, bob)
    reply = send(bob, ann, "yes, 9:00")
    assert first.conversation_id == reply.conversation_id
    assert db.session.execute(select(func.count(Conversation.id))).scalar() == 1


def test_concurrent_first_messages_end_in_one_conversation(database_kind, tmp_path):
    app = build_app(database_kind, tmp_path)
    with app.app_context():
        ann, bob = build_user("ann"), build_user("bob")
        ids = (ann.id, bob.id)
        db.session.remove()
    errors, start = [], threading.Barrier(6)

    def first_message(sender_id, recipient_id):
        with app.app_context():
            try:
                sender, recipient = (db.session.get(type(ann), i) for i in (sender_id, recipient_id))
                start.wait()
                send(sender, recipient, f"hello from {sender_id}")
            except Exception as error:  # noqa: BLE001  (reported below)
                errors.append(error)
            finally:
                db.session.remove()
    pairs = [ids, ids[::-1]] * 3
    threads = [threading.Thread(target=first_message, args=pair) for pair in pairs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with app.app_context():
        assert errors == []
        assert db.session.execute(select(func.count(Conversation.id))).scalar() == 1
        assert db.session.execute(select(func.count(Message.id))).scalar() == 6
        assert db.session.execute(select(func.count()).select_from(ConversationMember)).scalar() == 2
        db.engine.dispose()


def test_unread_counts_follow_one_forward_only_pointer(app, make_user):
    ann, bob = make_user("ann"), make_user("bob")
    messages = [send(ann, bob, f"message {n}") for n in range(3)]
    conversation_id = messages[0].conversation_id
    assert reading.unread_total(bob.id) == 3 and reading.unread_total(ann.id) == 0
    services.mark_read(bob, conversation_id, messages[1].id, utcnow())
    assert reading.unread_total(bob.id) == 1
    late = send(ann, bob, "one more")  # arrives while bob is reading
    services.mark_read(bob, conversation_id, messages[0].id, utcnow())  # a stale read never moves back
    assert pointer(bob, conversation_id) == messages[1].id
    assert reading.unread_total(bob.id) == 2
    services.mark_read(bob, conversation_id, 10**12, utcnow())  # clamped to what exists
    assert pointer(bob, conversation_id) == late.id and reading.unread_total(bob.id) == 0
    after = send(ann, bob, "and another")
    assert reading.unread_total(bob.id) == 1 and after.id > late.id


def test_interleaved_sends_and_reads_never_lose_a_count(database_kind, tmp_path):
    app = build_app(database_kind, tmp_path)
    with app.app_context():
        ann, bob = build_user("ann"), build_user("bob")
        conversation_id = send(ann, bob, "first").conversation_id
        ids = (ann.id, bob.id)
        db.session.remove()
    errors, start = [], threading.Barrier(2)

    def sender():
        with app.app_context():
            try:
                me, other = (db.session.get(type(ann), i) for i in ids)
                start.wait()
                for n in range(25):
                    services.send_in(me, conversation_id, f"m{n}", utcnow())
            except Exception as error:  # noqa: BLE001
                errors.append(error)
            finally:
                db.session.remove()

    def reader():
        with app.app_context():
            try:
                me = db.session.get(type(ann), ids[1])
                start.wait()
                for _ in range(25):
                    services.mark_read(me, conversation_id, None, utcnow())
                    db.session.expire_all()
            except Exception as error:  # noqa: BLE001
                errors.append(error)
            finally:
                db.session.remove()
    threads = [threading.Thread(target=sender), threading.Thread(target=reader)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with app.app_context():
        assert errors == []
        bob_pointer = db.session.get(ConversationMember, (conversation_id, ids[1])).last_read_message_id
        after_pointer = db.session.execute(select(func.count(Message.id)).where(
            Message.conversation_id == conversation_id, Message.id > bob_pointer)).scalar()
        assert reading.unread_total(ids[1]) == after_pointer
        services.mark_read(db.session.get(type(ann), ids[1]), conversation_id, None, utcnow())
        assert reading.unread_total(ids[1]) == 0
        db.engine.dispose()


def test_the_inbox_lists_recent_first_with_unread_and_loads_more(client, make_user, signed_in):
    me = make_user("me", timezone="Asia/Tokyo")
    people = [make_user(f"friend{n}") for n in range(23)]
    for person in people:
        send(person, me, f"hi from {person.username}\nsecond line")
    browser = signed_in(me)
    first = browser.get("/messages").get_data(as_text=True)
    names = re.findall(r'class="inbox-name">([^<]+)<', first)
    assert names[:2] == ["Friend22", "Friend21"] and len(names) == 20
    assert "hi from friend22" in first and "second line" not in first
    assert '<span class="nav-badge">1<span class="visually-hidden"> unread</span>' in first
    more = re.search(r'href="(/messages\?before=[^"]+)"', first).group(1).replace("&amp;", "&")
    rest = browser.get(more).get_data(as_text=True)
    rest_names = re.findall(r'class="inbox-name">([^<]+)<', rest)
    assert rest_names == ["Friend2", "Friend1", "Friend0"]
    assert browser.get("/messages?before=forged").status_code == 422


def test_an_empty_inbox_says_how_to_start(client, make_user, signed_in):
    html = signed_in(make_user("lonely")).get("/messages").get_data(as_text=True)
    assert "No conversations yet" in html


def test_sending_from_the_pages_then_reading_marks_read(client, make_user, signed_in):
    ann, bob = make_user("ann"), make_user("bob")
    ann_browser, bob_browser = signed_in(ann), signed_in(bob)
    start = ann_browser.get("/messages/to/bob")
    assert start.status_code == 200 and "Say hello to Bob" in start.get_data(as_text=True)
    response = write(ann_browser, "/messages/to/bob", page="/messages/to/bob",
                     body="Same time tomorrow?\nsee https://example.com/plan?a=1&b=2.")
    assert response.status_code == 302
    conversation_path = response.headers["Location"]
    assert bob_browser.get("/messages").get_data(as_text=True).count("nav-badge") >= 2
    assert reading.unread_total(bob.id) == 1
    page = bob_browser.get(conversation_path).get_data(as_text=True)
    assert '<a href="https://example.com/plan?a=1&amp;b=2" rel="nofollow noopener noreferrer ugc">' in page
    assert "plan?a=1&amp;b=2</a>." in page
    assert reading.unread_total(bob.id) == 0
    assert ann_browser.get("/messages/to/bob").headers["Location"].endswith(conversation_path)


def test_message_text_is_escaped_never_html(client, make_user, signed_in):
    ann, bob = make_user("ann"), make_user("bob")
    message = send(ann, bob, '<script>alert(1)</script> <b>hi</b> javascript:alert(1) https://x.org/"onmouseover=1')
    page = signed_in(bob).get(f"/messages/c/{message.conversation_id}").get_data(as_text=True)
    assert "<script>alert(1)" not in page and "<b>hi</b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'href="https://x.org/"' in page and '"onmouseover' not in page.replace("&#34;onmouseover", "")


@pytest.mark.parametrize("body, problem", [("", "Write something first"), ("   \n ", "Write something first"),
                                           ("x" * 4001, "Keep a message to 4,000 characters")])
def test_invalid_messages_are_refused_clearly_and_nothing_is_written(make_user, body, problem):
    ann, bob = make_user("ann"), make_user("bob")
    with pytest.raises(MessageError) as refused:
        send(ann, bob, body)
    assert problem in refused.value.message and refused.value.status == 422
    assert db.session.execute(select(func.count(Conversation.id))).scalar() == 0
    assert send(ann, bob, "x" * 4000).body == "x" * 4000


def test_blocking_stops_messages_hides_theirs_and_is_not_announced(client, make_user, signed_in):
    ann, bob = make_user("ann"), make_user("bob")
    conversation_id = send(ann, bob, "hello from ann").conversation_id
    bob_browser = signed_in(bob)
    blocked = write(bob_browser, "/messages/block/ann", page=f"/messages/c/{conversation_id}")
    assert blocked.status_code == 302
    with pytest.raises(NotAllowed) as refused:
        send(ann, bob, "are you there?")
    assert refused.value.message == "Bob is not accepting messages from you."
    with pytest.raises(NotAllowed) as mine:
        send(bob, ann, "hi")
    assert "Unblock them in Settings" in mine.value.message
    assert reading.unread_total(bob.id) == 0
    inbox = bob_browser.get("/messages").get_data(as_text=True)
    assert "No conversations yet" in inbox
    page = bob_browser.get(f"/messages/c/{conversation_id}").get_data(as_text=True)
    assert "hello from ann" not in page and "You blocked Ann" in page
    ann_page = signed_in(ann).get(f"/messages/c/{conversation_id}").get_data(as_text=True)
    assert "blocked" not in ann_page.lower() and "hello from ann" in ann_page  # Ann is not told
    settings = bob_browser.get("/settings").get_data(as_text=True)
    assert "Blocked people" in settings and "@ann" in settings
    write(bob_browser, "/messages/unblock/ann", page="/settings")
    assert send(ann, bob, "back again").id
    assert reading.unread_total(bob.id) == 1  # bob had read "hello" before blocking


def test_a_refused_message_from_the_page_says_why(client, make_user, signed_in):
    ann, bob = make_user("ann"), make_user("bob")
    conversation_id = send(ann, bob, "hello").conversation_id
    blocking.block(bob, ann, utcnow())
    ann_browser = signed_in(ann)
    path = f"/messages/c/{conversation_id}"
    response = ann_browser.post(path, headers={"HX-Request": "true"},
                                data={"body": "still there?", "csrf_token": csrf_token_from(ann_browser.get(path).get_data(as_text=True))})
    html = response.get_data(as_text=True)
    assert response.status_code == 403 and "Bob is not accepting messages from you." in html
    assert 'id="composer"' in html and "still there?" in html  # what was typed is kept


@pytest.mark.parametrize("path, method", [
    ("/messages/c/{c}", "get"), ("/messages/c/{c}/older?before={m}", "get"), ("/messages/c/{c}", "post"),
    ("/messages/c/{c}/read", "post"), ("/messages/m/{m}/delete", "get"), ("/messages/m/{m}/delete", "post"),
    ("/messages/m/{m}/report", "get"), ("/messages/m/{m}/report", "post")])
def test_nobody_else_can_read_or_touch_a_conversation(client, make_user, signed_in, path, method):
    ann, bob, eve = make_user("ann"), make_user("bob"), make_user("eve")
    message = send(ann, bob, "private plans")
    eve_browser = signed_in(eve)
    url = path.format(c=message.conversation_id, m=message.id)
    token = csrf_token_from(eve_browser.get("/messages").get_data(as_text=True))
    response = getattr(eve_browser, method)(url, data={"csrf_token": token, "body": "x", "up_to": str(message.id),
                                                        "reason": "nosy"} if method == "post" else None)
    assert response.status_code == 404
    assert "private plans" not in response.get_data(as_text=True)
    assert db.session.get(Message, message.id).deleted_at is None


def test_guests_are_invited_to_sign_up(client, auth, make_user):
    bob = make_user("bob")
    token = auth.token("/guest")
    client.post("/guest", data={"csrf_token": token, "display_name": "Sam", "timezone": "UTC"})
    page = client.get("/messages")
    assert page.status_code == 403 and "Create my account" in page.get_data(as_text=True)
    refused = client.post("/messages/to/bob", data={"csrf_token": csrf_token_from(client.get("/settings").get_data(as_text=True)),
                                                    "body": "hi"})
    assert refused.status_code == 403
    assert db.session.execute(select(func.count(Message.id))).scalar() == 0
    visitor = client.application.test_client()
    assert visitor.get("/messages").status_code == 302  # to the login page
    assert "Create a free account" in visitor.get(f"/u/{bob.username}").get_data(as_text=True)


def test_deleting_a_message_shows_message_deleted_to_both(client, make_user, signed_in):
    ann, bob = make_user("ann"), make_user("bob")
    message = send(ann, bob, "oops, wrong chat")
    conversation_id = message.conversation_id
    ann_browser = signed_in(ann)
    assert signed_in(bob).post(f"/messages/m/{message.id}/delete",
                               data={"csrf_token": "x"}).status_code in (400, 404)
    response = write(ann_browser, f"/messages/m/{message.id}/delete", page=f"/messages/c/{conversation_id}")
    assert response.status_code == 302
    for browser in (ann_browser, signed_in(bob)):
        page = browser.get(f"/messages/c/{conversation_id}").get_data(as_text=True)
        assert "message deleted" in page and "wrong chat" not in page
    assert db.session.get(Message, message.id).body == ""
    assert reading.unread_total(bob.id) == 0


def test_read_receipts_off_really_stops_them(client, make_user, signed_in):
    ann, bob = make_user("ann"), make_user("bob")
    message = send(ann, bob, "did you see this?")
    conversation_id = message.conversation_id
    bob_browser = signed_in(bob)
    write(bob_browser, "/messages/settings", page="/settings")  # the switch unchecked: off
    assert services.sends_read_receipts(bob.id) is False
    bob_browser.get(f"/messages/c/{conversation_id}")
    assert pointer(bob, conversation_id) == message.id  # bob's own counts still work
    assert db.session.get(ConversationMember, (conversation_id, bob.id)).seen_message_id == 0
    ann_browser = signed_in(ann)
    assert ">Seen<" not in ann_browser.get(f"/messages/c/{conversation_id}").get_data(as_text=True)
    write(bob_browser, "/messages/settings", page="/settings", send_read_receipts="y")
    assert ">Seen<" not in ann_browser.get(f"/messages/c/{conversation_id}").get_data(as_text=True)  # not retroactive
    second = send(ann, bob, "and this?")
    bob_browser.get(f"/messages/c/{conversation_id}")
    assert db.session.get(ConversationMember, (conversation_id, bob.id)).seen_message_id == second.id
    assert ">Seen<" in ann_browser.get(f"/messages/c/{conversation_id}").get_data(as_text=True)


def test_reporting_a_message_puts_it_in_the_moderators_queue(client, make_user, signed_in):
    ann, bob = make_user("ann"), make_user("bob")
    moderator = make_user("mod", role="moderator")
    message = send(ann, bob, "buy cheap pills")
    bob_browser = signed_in(bob)
    path = f"/messages/m/{message.id}/report"
    assert write(bob_browser, path, page=path, reason="x").status_code == 422
    assert write(bob_browser, path, page=path, reason="spam", block="y").status_code == 302
    assert conversations.has_blocked(bob.id, ann.id)
    queue = signed_in(moderator).get("/community/moderation/reports").get_data(as_text=True)
    assert "Reported messages" in queue and "buy cheap pills" in queue and "spam" in queue
    assert "Reported messages" not in signed_in(make_user("member")).get("/community/moderation/reports").get_data(as_text=True)


def test_message_limits_count_only_what_was_sent(database_kind, tmp_path):
    app = build_app(database_kind, tmp_path, MESSAGE_RATE_LIMIT="3 per minute", CONVERSATION_RATE_LIMIT="2 per day",
                    LOGIN_RATE_LIMIT="1000 per minute")
    from tests.conftest import AuthActions
    with app.app_context():
        build_user("me")
        for name in ("p1", "p2", "p3", "p4"):
            build_user(name)
        browser = app.test_client()
        AuthActions(browser).login("me")

        def post(path, body="hi"):
            token = csrf_token_from(browser.get("/messages").get_data(as_text=True))
            return browser.post(path, data={"csrf_token": token, "body": body})
        assert post("/messages/to/p1", body="").status_code == 422  # invalid: costs nothing
        assert post("/messages/to/p1").status_code == 302
        assert post("/messages/to/p2").status_code == 302
        refused = post("/messages/to/p3")
        assert refused.status_code == 429 and "started many new conversations today" in refused.get_data(as_text=True)
        assert post("/messages/to/p1").status_code == 302  # an existing conversation is fine
        too_fast = post("/messages/to/p2")
        assert too_fast.status_code == 429 and "sending messages very fast" in too_fast.get_data(as_text=True)
        db.session.remove()
        db.engine.dispose()


def test_message_buttons_on_profiles_room_lists_and_forum_posts(client, make_user, signed_in, make_room):
    from datetime import timedelta

    from webapp.forum.services import posts
    bob = make_user("bob", created_at=utcnow() - timedelta(days=3))
    ann = make_user("ann")
    browser = signed_in(ann)
    assert 'href="/messages/to/bob"' in browser.get("/u/bob").get_data(as_text=True)
    assert "/messages/to/" not in browser.get("/u/ann").get_data(as_text=True)  # not to oneself
    post = posts.create_post(bob, "study", "Morning sprint", "Who joins?", utcnow())
    assert 'href="/messages/to/bob"' in browser.get(f"/community/p/{post.id}").get_data(as_text=True)
    room = make_room(bob)
    assert f'href="/messages/with/{bob.id}"' in signed_in(bob).get(f"/r/{room.code}").get_data(as_text=True)
    assert browser.get(f"/messages/with/{bob.id}").headers["Location"].endswith("/messages/to/bob")
