"""Direct messages: 1:1 conversations, their messages, read pointers, blocks and reports.

One conversation per pair of people, whoever starts it: the pair is stored in order
(`user_low_id < user_high_id`) under a unique constraint, so two first messages racing each other
end in the same conversation. Each person has a `ConversationMember` row holding their read
pointer (`last_read_message_id`, only ever moved forward) and, separately, what they have let the
other see (`seen_message_id`, moved only while they send read receipts). Unread counts are
derived from the pointer, never kept as a counter, so they stay exact under races.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import UTCDateTime, utcnow

MESSAGE_MAX_LENGTH = 4000


class Conversation(db.Model):
    __tablename__ = "conversations"
    __table_args__ = (
        UniqueConstraint("user_low_id", "user_high_id", name="uq_conversations_pair"),
        CheckConstraint("user_low_id < user_high_id", name="pair_in_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_low_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    user_high_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ConversationMember(db.Model):
    """One person's side of a conversation: their inbox row and their read pointer."""

    __tablename__ = "conversation_members"
    __table_args__ = (
        # The inbox: my conversations, most recent first (keyset on activity, conversation id).
        Index("ix_conversation_members_inbox", "user_id", "last_message_at", "conversation_id"),
    )

    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"),
                                                 primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    other_user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # The newest message of the conversation (either side); copied to both rows on every send.
    last_message_id: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_message_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Everything up to this message id has been read by this person. Only ever moved forward.
    last_read_message_id: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # What the other person may know was read ("Seen"): moved only while receipts are on.
    seen_message_id: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    other = relationship("User", foreign_keys=[other_user_id], lazy="joined", innerjoin=True)


class Message(db.Model):
    __tablename__ = "messages"
    __table_args__ = (
        # A conversation's pages (keyset on id) and its unread counts (id > pointer).
        Index("ix_messages_conversation_id", "conversation_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    sender_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class MessageBlock(db.Model):
    """`blocker` no longer receives messages from `blocked`, nor sees theirs; `blocked` is not told."""

    __tablename__ = "message_blocks"

    blocker_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    blocked_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    blocked = relationship("User", foreign_keys=[blocked_id], lazy="joined", innerjoin=True)


class MessagePreferences(db.Model):
    """A person's message settings; no row means the defaults."""

    __tablename__ = "message_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    send_read_receipts: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")


class MessageReport(db.Model):
    """A recipient reported a message; it waits in the moderators' queue (the forum's reports page)."""

    __tablename__ = "message_reports"
    __table_args__ = (Index("ix_message_reports_open", "resolved_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    resolution: Mapped[str] = mapped_column(String(200), default="")

    message = relationship(Message, lazy="joined", innerjoin=True)
