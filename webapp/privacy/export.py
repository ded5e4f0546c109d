"""Everything personal about one account, as one JSON document (GDPR-style "download my data").

Credentials never leave: no password hash, no token or login-session key (not even hashed),
only what a person can recognise them by. Sessions and interruptions use the API's shapes.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..focus.serialize import interruption_json, session_json
from ..focus.times import iso
from ..models import (SOLO_DEFAULTS, AchievementUnlock, ApiToken, ConversationMember, FocusSession, Follow,
                      Interruption, LoginSession, Message, Participant, Room, SoloPreferences, Task, User)

FORMAT_VERSION = 1


def account_data(user: User, now: datetime) -> dict:
    return {
        "format": "focusroom-account-export",
        "version": FORMAT_VERSION,
        "exported_at": iso(now),
        "profile": {"id": user.id, "username": user.username, "email": user.email,
                    "display_name": user.display_name, "bio": user.bio or "", "timezone": user.timezone,
                    "is_guest": user.is_guest, "created_at": iso(user.created_at),
                    "profile_private": user.profile_private, "on_global_board": user.on_global_board},
        "achievements": [{"code": u.code, "unlocked_at": iso(u.unlocked_at)} for u in _rows(
            select(AchievementUnlock).where(AchievementUnlock.user_id == user.id).order_by(AchievementUnlock.id))],
        "following": list(db.session.execute(
            select(User.username).join(Follow, Follow.followed_id == User.id)
            .where(Follow.follower_id == user.id).order_by(User.username)).scalars()),
        "sessions": [{**session_json(s, now), "intention": s.intention or "", "checkin": s.checkin} for s in _rows(
            select(FocusSession).options(selectinload(FocusSession.room))
            .where(FocusSession.user_id == user.id).order_by(FocusSession.start_time, FocusSession.id))],
        "interruptions": [interruption_json(i) for i in _rows(
            select(Interruption).where(Interruption.user_id == user.id)
            .order_by(Interruption.start_time, Interruption.id))],
        "tasks": [{"id": t.id, "title": t.title, "estimated_pomodoros": t.estimated_pomodoros, "done": t.done,
                   "created_at": iso(t.created_at), "done_at": iso(t.done_at)}
                  for t in _rows(select(Task).where(Task.user_id == user.id).order_by(Task.id))],
        "api_tokens": [{"id": t.id, "name": t.name, "prefix": t.prefix, "created_at": iso(t.created_at),
                        "last_used_at": iso(t.last_used_at), "revoked_at": iso(t.revoked_at), "uses": t.uses}
                       for t in _rows(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id))],
        "login_sessions": [{"id": s.id, "browser": s.user_agent, "created_at": iso(s.created_at),
                            "revoked_at": iso(s.revoked_at)}
                           for s in _rows(select(LoginSession).where(LoginSession.user_id == user.id)
                                          .order_by(LoginSession.id))],
        "rooms_joined": [_room_json(p, user) for p in _rows(
            select(Participant).options(selectinload(Participant.room))
            .where(Participant.user_id == user.id).order_by(Participant.joined_at, Participant.id))],
        "solo_preferences": _solo_preferences(user),
        "rooms_hosted": [{"code": r.code, "name": r.name, "created_at": iso(r.created_at),
                          "archived_at": iso(r.archived_at)}
                         for r in _rows(select(Room).where(Room.host_id == user.id, Room.is_solo.is_(False))
                                        .order_by(Room.id))],
        "conversations": _conversations(user),
    }


def _conversations(user: User) -> list[dict]:
    """Each of the person's conversations, both sides, oldest message first (a deleted message is
    kept as deleted, without its text, as both people see it)."""
    found = []
    for member in _rows(select(ConversationMember).where(ConversationMember.user_id == user.id)
                        .order_by(ConversationMember.conversation_id)):
        other = db.session.get(User, member.other_user_id)
        found.append({
            "with": (other.username or other.display_name) if other else None,
            "messages": [{"from_me": m.sender_id == user.id, "sent_at": iso(m.created_at),
                          "body": "" if m.deleted_at else m.body, "deleted": m.deleted_at is not None}
                         for m in _rows(select(Message).where(Message.conversation_id == member.conversation_id)
                                        .order_by(Message.id))],
        })
    return found


def _room_json(participant: Participant, user: User) -> dict:
    room = participant.room
    return {"code": room.code, "name": room.name, "solo": room.is_solo, "joined_at": iso(participant.joined_at),
            "left_at": iso(participant.left_at), "hosting": room.host_id == user.id,
            "archived_at": iso(room.archived_at)}


def _solo_preferences(user: User) -> dict | None:
    row = db.session.get(SoloPreferences, user.id)
    if row is None:
        return None
    return {name: getattr(row, name) for name in SOLO_DEFAULTS}


def _rows(query) -> list:
    return list(db.session.execute(query).scalars())
