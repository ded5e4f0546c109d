"""Sending, deleting and reading messages: route -> here -> commit -> live (publish after the commit)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update

from ..extensions import db
from ..models import ConversationMember, Message, MessagePreferences, User
from . import conversations, live, reading
from .errors import NotAllowed, NotFound
from .text import clean_body


def sends_read_receipts(user_id: int) -> bool:
    preferences = db.session.get(MessagePreferences, user_id)
    return preferences is None or preferences.send_read_receipts


def send_to(sender: User, recipient: User, raw_body, now: datetime) -> Message:
    """A message to a person; their conversation is made on the first one."""
    conversations.check_may_write(sender, recipient)
    body = clean_body(raw_body)  # refused before anything is written
    conversation, _created = conversations.get_or_create(sender, recipient, now)
    return _send(sender, recipient, conversation.id, body, now)


def send_in(sender: User, conversation_id: int, raw_body, now: datetime) -> Message:
    conversations.require_member_of_community(sender)
    member = conversations.membership(sender.id, conversation_id)
    recipient = member.other
    conversations.check_may_write(sender, recipient)
    return _send(sender, recipient, conversation_id, clean_body(raw_body), now)


def _send(sender: User, recipient: User, conversation_id: int, body: str, now: datetime) -> Message:
    message = Message(conversation_id=conversation_id, sender_id=sender.id, body=body, created_at=now)
    db.session.add(message)
    db.session.flush()
    # Both inbox rows move to this message; a slower concurrent send never moves them back.
    db.session.execute(update(ConversationMember)
                       .where(ConversationMember.conversation_id == conversation_id,
                              ConversationMember.last_message_id < message.id)
                       .values(last_message_id=message.id, last_message_at=now)
                       .execution_options(synchronize_session=False))
    # Writing in a conversation means having read it up to one's own message.
    seen_moved = _move_pointers(sender.id, conversation_id, message.id)
    db.session.commit()
    live.message_sent(message, sender, recipient, seen_moved)
    return message


def _move_pointers(user_id: int, conversation_id: int, up_to: int) -> bool:
    """Move the read pointer (and, with receipts on, what the other may see) forward to `up_to`;
    True when the "seen" pointer moved. Never moves anything back (a compare-and-set UPDATE)."""
    mine = (ConversationMember.conversation_id == conversation_id, ConversationMember.user_id == user_id)
    db.session.execute(update(ConversationMember)
                       .where(*mine, ConversationMember.last_read_message_id < up_to)
                       .values(last_read_message_id=up_to).execution_options(synchronize_session=False))
    if not sends_read_receipts(user_id):
        return False
    return bool(db.session.execute(update(ConversationMember)
                                   .where(*mine, ConversationMember.seen_message_id < up_to)
                                   .values(seen_message_id=up_to)
                                   .execution_options(synchronize_session=False)).rowcount)


def mark_read(user: User, conversation_id: int, up_to: int | None, now: datetime) -> int:
    """Read the conversation up to message `up_to` (its newest when None); returns the pointer.

    Clamped to messages that exist, so a pointer can never run ahead of the conversation and
    hide a message that arrives afterwards.
    """
    member = conversations.membership(user.id, conversation_id)
    up_to = reading.clamp_id(up_to)
    newest = db.session.execute(select(func.max(Message.id)).where(
        Message.conversation_id == conversation_id,
        *(() if up_to is None else (Message.id <= up_to,)))).scalar() or 0
    before = member.last_read_message_id
    seen_moved = _move_pointers(user.id, conversation_id, newest) if newest > before else False
    db.session.commit()
    pointer = max(before, newest)
    if newest > before:
        live.conversation_read(user.id, member.other_user_id, conversation_id, seen_moved)
    return pointer


def _find_message(message_id: int) -> Message | None:
    return db.session.get(Message, message_id) if 0 < message_id <= conversations.LARGEST_ID else None


def delete_message(user: User, message_id: int, now: datetime) -> Message:
    """Delete a message one sent: both sides see "message deleted"; the text is gone."""
    message = _find_message(message_id)
    if message is None:
        raise NotFound("There is no such message.")
    member = conversations.membership(user.id, message.conversation_id)  # 404 for outsiders
    if message.sender_id != user.id:
        raise NotAllowed("You can only delete messages you sent.")
    if message.deleted_at is None:
        message.deleted_at, message.body = now, ""
        db.session.commit()
        live.message_deleted(message, user.id, member.other_user_id)
    return message


def get_message_for(user: User, message_id: int) -> Message:
    message = _find_message(message_id)
    if message is None:
        raise NotFound("There is no such message.")
    conversations.membership(user.id, message.conversation_id)
    return message
