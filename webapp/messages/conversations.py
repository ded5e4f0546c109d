"""Conversations: one per pair of people, found or made, and who may see one."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import Conversation, ConversationMember, MessageBlock, User
from .errors import NotAllowed, NotFound, invalid

LARGEST_ID = 2**31 - 1  # ids are INTEGER columns; a larger number names nothing (and would overflow)
GUEST_REFUSAL = "Create a free account to send messages: guests can focus in rooms, but not write to people."


def ordered_pair(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def require_member_of_community(user) -> None:
    """Only signed-in people with an account write messages (guests are invited to sign up)."""
    if user is None or not getattr(user, "is_authenticated", True):
        raise NotAllowed("Sign in to read and send messages.", 401)
    if user.is_guest:
        raise NotAllowed(GUEST_REFUSAL)


def find_person(username: str) -> User:
    person = db.session.execute(select(User).where(User.username == (username or "").lower(),
                                                   User.is_guest.is_(False))).scalar_one_or_none()
    if person is None:
        raise NotFound("There is nobody by that username.")
    return person


def find_person_by_id(user_id: int) -> User:
    person = db.session.get(User, user_id)
    if person is None or person.is_guest:
        raise NotFound("There is nobody to write to there.")
    return person


def between(user_id: int, other_id: int) -> Conversation | None:
    low, high = ordered_pair(user_id, other_id)
    return db.session.execute(select(Conversation).where(
        Conversation.user_low_id == low, Conversation.user_high_id == high)).scalar_one_or_none()


def membership(user_id: int, conversation_id: int) -> ConversationMember:
    """This person's side of the conversation; NotFound for anyone who is not in it."""
    if not 0 < conversation_id <= LARGEST_ID:
        raise NotFound("There is no such conversation.")
    member = db.session.get(ConversationMember, (conversation_id, user_id))
    if member is None:
        raise NotFound("There is no such conversation.")
    return member


def has_blocked(blocker_id: int, blocked_id: int) -> bool:
    return db.session.get(MessageBlock, (blocker_id, blocked_id)) is not None


def check_may_write(sender: User, recipient: User) -> None:
    """Refusals with a clear message; the blocked person is not told more than that."""
    require_member_of_community(sender)
    if recipient.id == sender.id:
        raise invalid("to", "You cannot send a message to yourself.")
    if recipient.is_guest:
        raise NotFound("There is nobody to write to there.")
    if has_blocked(sender.id, recipient.id):
        raise NotAllowed(f"You blocked {recipient.name}. Unblock them in Settings to write to them.")
    if has_blocked(recipient.id, sender.id):
        raise NotAllowed(f"{recipient.name} is not accepting messages from you.")


def get_or_create(sender: User, recipient: User, now: datetime) -> tuple[Conversation, bool]:
    """The pair's conversation, made (and committed) when it is the first message; (it, created).

    Two first messages at once: one insert wins the unique constraint, the other rolls back
    and finds the winner's conversation, so the pair still has exactly one.
    """
    existing = between(sender.id, recipient.id)
    if existing is not None:
        return existing, False
    low, high = ordered_pair(sender.id, recipient.id)
    conversation = Conversation(user_low_id=low, user_high_id=high, created_at=now)
    db.session.add(conversation)
    try:
        db.session.flush()
        for me, other in ((low, high), (high, low)):
            db.session.add(ConversationMember(conversation_id=conversation.id, user_id=me, other_user_id=other,
                                              last_message_at=now))
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        existing = between(sender.id, recipient.id)
        if existing is None:
            raise
        return existing, False
    return conversation, True
