"""What people read: unread counts from the read pointers, the inbox and a conversation's pages.

Every count is derived (messages after the pointer), never stored, so it cannot drift: a message
arriving while the conversation is being read is simply after the pointer or not.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, exists, func, or_, select

from ..extensions import db
from ..models import ConversationMember, Message, MessageBlock, User
from .conversations import LARGEST_ID

INBOX_PAGE_SIZE = 20
CONVERSATION_PAGE_SIZE = 30


def clamp_id(message_id: int | None) -> int | None:
    """Ids are 32-bit integers on PostgreSQL; a larger bound asked for (a URL, the API) is clamped."""
    return None if message_id is None else min(message_id, LARGEST_ID)


def _not_blocked_by(user_id: int):
    return ~exists().where(MessageBlock.blocker_id == user_id,
                           MessageBlock.blocked_id == ConversationMember.other_user_id)


def _unread_in_conversation(user_id: int):
    """Per member row: the other person's messages after its read pointer. A correlated count,
    so each conversation is one range of the (conversation_id, id) index, on SQLite and on
    PostgreSQL alike (a join let PostgreSQL's planner scan every message instead)."""
    return (select(func.count(Message.id))
            .where(Message.conversation_id == ConversationMember.conversation_id,
                   Message.id > ConversationMember.last_read_message_id,
                   Message.sender_id != user_id, Message.deleted_at.is_(None))
            .correlate(ConversationMember).scalar_subquery())


def unread_total(user_id: int) -> int:
    """Unread messages over all of a person's conversations (people they blocked left out).
    Only conversations whose newest message is past the pointer are counted at all."""
    return int(db.session.execute(  # PostgreSQL's sum() is a numeric: an int for JSON and templates
        select(func.coalesce(func.sum(_unread_in_conversation(user_id)), 0))
        .where(ConversationMember.user_id == user_id,
               ConversationMember.last_message_id > ConversationMember.last_read_message_id,
               _not_blocked_by(user_id))).scalar() or 0)


def unread_by_conversation(user_id: int, conversation_ids: list[int]) -> dict[int, int]:
    if not conversation_ids:
        return {}
    rows = db.session.execute(
        select(ConversationMember.conversation_id, _unread_in_conversation(user_id))
        .where(ConversationMember.user_id == user_id, ConversationMember.conversation_id.in_(conversation_ids)))
    counts = dict.fromkeys(conversation_ids, 0)
    counts.update({conversation_id: int(count or 0) for conversation_id, count in rows})
    return counts


@dataclass(frozen=True)
class InboxRow:
    conversation_id: int
    other: User
    last_message: Message | None
    last_message_at: datetime
    unread: int


def inbox(user_id: int, before: tuple[datetime, int] | None = None,
          limit: int = INBOX_PAGE_SIZE) -> tuple[list[InboxRow], bool]:
    """One page of conversations, most recent first (keyset), and whether there are more."""
    query = (select(ConversationMember)
             .where(ConversationMember.user_id == user_id, ConversationMember.last_message_id > 0,
                    _not_blocked_by(user_id))
             .order_by(ConversationMember.last_message_at.desc(), ConversationMember.conversation_id.desc())
             .limit(limit + 1))
    if before is not None:
        at, conversation_id = before
        query = query.where(or_(ConversationMember.last_message_at < at,
                                and_(ConversationMember.last_message_at == at,
                                     ConversationMember.conversation_id < conversation_id)))
    members = list(db.session.execute(query).scalars())
    more, members = len(members) > limit, members[:limit]
    last_ids = [member.last_message_id for member in members]
    lasts = {m.id: m for m in db.session.execute(select(Message).where(Message.id.in_(last_ids))).scalars()} \
        if last_ids else {}
    unread = unread_by_conversation(user_id, [member.conversation_id for member in members])
    return [InboxRow(member.conversation_id, member.other, lasts.get(member.last_message_id),
                     member.last_message_at, unread[member.conversation_id]) for member in members], more


def messages_page(member: ConversationMember, before_id: int | None = None, after_id: int | None = None,
                  limit: int = CONVERSATION_PAGE_SIZE, until_id: int | None = None) -> tuple[list[Message], bool]:
    """Messages oldest to newest: the newest page, the page before `before_id`, or those after
    `after_id`; and whether older (or, after `after_id`, newer) ones remain. The other person's
    messages are left out once they are blocked."""
    before_id, after_id = clamp_id(before_id), clamp_id(after_id)
    query = select(Message).where(Message.conversation_id == member.conversation_id)
    if db.session.get(MessageBlock, (member.user_id, member.other_user_id)) is not None:
        query = query.where(Message.sender_id == member.user_id)
    if after_id is not None:
        rows = list(db.session.execute(query.where(Message.id > after_id).order_by(Message.id).limit(limit + 1))
                    .scalars())
        return rows[:limit], len(rows) > limit
    if before_id is not None:
        query = query.where(Message.id < before_id)
    if until_id is not None:  # the same newest page again, even if a message arrived since
        query = query.where(Message.id <= until_id)
    rows = list(db.session.execute(query.order_by(Message.id.desc()).limit(limit + 1)).scalars())
    return list(reversed(rows[:limit])), len(rows) > limit


def seen_by_other(member: ConversationMember) -> int:
    """The newest message id the other person lets this one know they read (0: none)."""
    other = db.session.get(ConversationMember, (member.conversation_id, member.other_user_id))
    return other.seen_message_id if other is not None else 0


def last_sent_id(member: ConversationMember) -> int:
    return db.session.execute(select(func.max(Message.id)).where(
        Message.conversation_id == member.conversation_id, Message.sender_id == member.user_id,
        Message.deleted_at.is_(None))).scalar() or 0
