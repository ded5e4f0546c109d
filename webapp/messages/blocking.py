"""Blocks, read-receipt settings and reports: the person's controls over who reaches them."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import Message, MessageBlock, MessagePreferences, MessageReport, User
from ..textrules import clean_text
from . import conversations, live
from .errors import NotAllowed, NotFound, invalid

REASON_MAX = 500


def block(user: User, other: User, now: datetime) -> None:
    """Idempotent; the blocked person is not told (their badge just stops counting for us)."""
    conversations.require_member_of_community(user)
    if other.id == user.id:
        raise invalid("username", "You cannot block yourself.")
    if conversations.has_blocked(user.id, other.id):
        return
    db.session.add(MessageBlock(blocker_id=user.id, blocked_id=other.id, created_at=now))
    try:
        db.session.commit()
    except IntegrityError:  # the same block twice at once
        db.session.rollback()
    live.badge_changed(user.id)


def unblock(user: User, other: User) -> None:
    db.session.execute(delete(MessageBlock).where(MessageBlock.blocker_id == user.id,
                                                  MessageBlock.blocked_id == other.id))
    db.session.commit()
    live.badge_changed(user.id)


def blocked_people(user_id: int) -> list[MessageBlock]:
    return list(db.session.execute(select(MessageBlock).where(MessageBlock.blocker_id == user_id)
                                   .order_by(MessageBlock.created_at.desc())).scalars())


def set_read_receipts(user: User, on: bool) -> None:
    """Off really stops them: what the person reads from now on is never shown to anyone."""
    preferences = db.session.get(MessagePreferences, user.id)
    if preferences is None:
        preferences = MessagePreferences(user_id=user.id)
        db.session.add(preferences)
    preferences.send_read_receipts = on
    db.session.commit()


def report(user: User, message: Message, reason: str, now: datetime) -> MessageReport:
    """A message one received goes to the moderators' queue with the reason."""
    conversations.require_member_of_community(user)
    if message.sender_id == user.id:
        raise NotAllowed("You cannot report your own message; delete it instead.")
    if message.deleted_at is not None:
        raise NotFound("That message was deleted.")
    reason = " ".join(clean_text(reason or "").split())
    if len(reason) < 3:
        raise invalid("reason", "Say briefly what is wrong (at least 3 characters).")
    if len(reason) > REASON_MAX:
        raise invalid("reason", f"Keep the reason to {REASON_MAX} characters.")
    entry = MessageReport(reporter_id=user.id, message_id=message.id, reason=reason, created_at=now)
    db.session.add(entry)
    db.session.commit()
    return entry


def open_reports(limit: int = 100) -> list[MessageReport]:
    return list(db.session.execute(select(MessageReport).where(MessageReport.resolved_at.is_(None))
                                   .order_by(MessageReport.id).limit(limit)).scalars())


def resolve(moderator: User, report_id: int, resolution: str, remove: bool, now: datetime) -> MessageReport:
    if not moderator.is_moderator:
        raise NotAllowed("Only moderators can do that.")
    entry = db.session.get(MessageReport, report_id) if 0 < report_id <= conversations.LARGEST_ID else None
    if entry is None or entry.resolved_at is not None:
        raise NotFound("That report is not open.")
    entry.resolved_at, entry.resolved_by_id = now, moderator.id
    entry.resolution = " ".join(clean_text(resolution or "").split())[:200]
    message = entry.message
    removed = remove and message.deleted_at is None
    if removed:
        message.deleted_at, message.body = now, ""
    db.session.commit()
    if removed:
        member = conversations.membership(message.sender_id, message.conversation_id)
        live.message_deleted(message, message.sender_id, member.other_user_id)
    return entry
