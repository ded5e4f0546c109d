"""What reaches browsers when messages change, through the one publish path (after the commit).

Two kinds of topic: each person's own channel (`user_channel_topic`: the nav badge, a toast) and,
for a tab that has a conversation open, `conversation_topic(conversation, person)`: the messages
themselves and "Seen", rendered for that person (their side, their time zone).
"""
from __future__ import annotations

from collections.abc import Mapping
from contextlib import nullcontext

from flask import current_app, has_request_context, render_template, url_for

from ..extensions import db
from ..live.sockets import PageInterest
from ..models import ConversationMember, Message, User
from ..realtime import outbox
from ..realtime.topics import user_channel_topic
from . import reading
from .conversations import LARGEST_ID
from .text import first_line


def conversation_topic(conversation_id: int, user_id: int) -> str:
    return f"conversation:{conversation_id}:user:{user_id}"


def _rendering():
    """Templates use url_for; a publish outside a request (a test, a script) gets a neutral one."""
    return nullcontext() if has_request_context() else current_app.test_request_context("/")


def badge_html(user_id: int) -> str:
    return render_template("messages/_badge.html", unread_messages=reading.unread_total(user_id), oob=True)


def message_html(message: Message, viewer: User, sender: User, update_only: bool = False) -> str:
    """One message for `viewer`, wrapped to be appended to their open conversation (or to
    replace it there: messages.js keeps one element per message id; an `update_only` one is
    dropped by a page that does not show that message)."""
    return render_template("messages/_message_oob.html", message=message, viewer=viewer, sender=sender,
                           conversation_id=message.conversation_id, update_only=update_only)


def seen_html(member: ConversationMember, viewer: User) -> str:
    return render_template("messages/_seen.html", conversation_id=member.conversation_id,
                           seen=seen_state(member), oob=True, viewer=viewer)


def seen_state(member: ConversationMember) -> bool:
    """"Seen" under my last message: it is the newest of the conversation and the other person
    lets me know they read it."""
    last_mine = reading.last_sent_id(member)
    return bool(last_mine) and member.last_message_id == last_mine and reading.seen_by_other(member) >= last_mine


def message_sent(message: Message, sender: User, recipient: User, sender_seen_moved: bool) -> None:
    with _rendering():
        _message_sent(message, sender, recipient)


def _message_sent(message: Message, sender: User, recipient: User) -> None:
    conversation_id = message.conversation_id
    for viewer in (sender, recipient):
        member = db.session.get(ConversationMember, (conversation_id, viewer.id))
        db.session.refresh(member)
        outbox.publish(conversation_topic(conversation_id, viewer.id),
                       message_html(message, viewer, sender) + seen_html(member, viewer))
    toast = render_template("_partials/toast.html", title=f"New message from {sender.name}",
                            text=first_line(message.body), kind="message",
                            href=url_for("messages.conversation", conversation_id=conversation_id),
                            skip_if=f"#conversation-{conversation_id}-messages")
    outbox.publish(user_channel_topic(recipient.id), badge_html(recipient.id) + toast)
    outbox.publish(user_channel_topic(sender.id), badge_html(sender.id))


def conversation_read(reader_id: int, other_id: int, conversation_id: int, seen_moved: bool) -> None:
    """The reader's badge on all their pages; the writer's "Seen" when receipts allow it."""
    with _rendering():
        _conversation_read(reader_id, other_id, conversation_id, seen_moved)


def _conversation_read(reader_id: int, other_id: int, conversation_id: int, seen_moved: bool) -> None:
    outbox.publish(user_channel_topic(reader_id), badge_html(reader_id))
    if seen_moved:
        member = db.session.get(ConversationMember, (conversation_id, other_id))
        if member is not None:
            outbox.publish(conversation_topic(conversation_id, other_id),
                           seen_html(member, db.session.get(User, other_id)))


def message_deleted(message: Message, sender_id: int, other_id: int) -> None:
    with _rendering():
        _message_deleted(message, sender_id, other_id)


def _message_deleted(message: Message, sender_id: int, other_id: int) -> None:
    sender = db.session.get(User, sender_id)
    for viewer_id in (sender_id, other_id):
        viewer = db.session.get(User, viewer_id)
        outbox.publish(conversation_topic(message.conversation_id, viewer_id),
                       message_html(message, viewer, sender, update_only=True))
    outbox.publish(user_channel_topic(other_id), badge_html(other_id))


def conversation_interest(user_id: int, args: Mapping[str, str]) -> PageInterest | None:
    """A conversation page's socket (`/live/me?conversation=<id>`): only for its two people."""
    raw = args.get("conversation", "")
    if not raw or len(raw) > 10 or not raw.isascii() or not raw.isdigit() or int(raw) > LARGEST_ID:
        return None
    conversation_id = int(raw)
    if db.session.get(ConversationMember, (conversation_id, user_id)) is None:
        return None
    return PageInterest([conversation_topic(conversation_id, user_id)],
                        lambda: conversation_state(conversation_id, user_id))


def conversation_state(conversation_id: int, user_id: int) -> str:
    """The newest page again (messages.js keeps what the tab has and adds what it missed) and "Seen"."""
    member = db.session.get(ConversationMember, (conversation_id, user_id))
    if member is None:
        return ""
    viewer = db.session.get(User, user_id)
    messages, _more = reading.messages_page(member)
    senders = {viewer.id: viewer, member.other_user_id: member.other}
    return "".join(message_html(message, viewer, senders[message.sender_id]) for message in messages) \
        + seen_html(member, viewer)


def badge_changed(user_id: int) -> None:
    """Counts changed for another reason (a block, an unblock): every open page of the person."""
    with _rendering():
        outbox.publish(user_channel_topic(user_id), badge_html(user_id))
