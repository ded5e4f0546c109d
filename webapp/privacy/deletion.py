"""Deleting an account: everything personal goes, in one transaction.

Sessions, interruptions, tasks, API tokens, login sessions, reset links and room participations
are deleted; solo rooms too; so are the leaderboard totals, achievements, follows and who they focused with (both ways).
A shared room the person hosts passes to whoever has been present longest, or is archived when
nobody is there. Content other people see (forum posts, once the
forum exists) must keep its author row: when any other table still points at the user, the row
stays, anonymised ("[deleted account]", no username, e-mail or password); otherwise it goes.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, func, select, update

from ..achievements import together
from ..extensions import db
from ..rooms import presence
from ..models import (AchievementUnlock, ApiToken, BoardWindow, CommentLike, FocusQuarter, FocusSession, FocusTotal,
                      Follow, IdempotencyKey, Interruption, LoginSession, Participant, PasswordReset, PostLike, Room,
                      SoloPreferences, Task, User, WindowTotal)

DELETED_NAME = "[deleted account]"
# Tables whose rows pointing at a user are removed or cleared above; any other reference keeps the row.
_HANDLED = {"interruptions", "focus_sessions", "tasks", "api_tokens", "login_sessions", "password_resets",
            "participants", "rooms", "forum_post_likes", "forum_comment_likes", "solo_preferences",
            "idempotency_keys", "focus_quarters", "focus_totals", "window_totals", "achievement_unlocks",
            "follows", "focus_partners", "shared_rooms"}


@dataclass
class Deletion:
    anonymised: bool = False
    rooms_handed_over: list[Room] = field(default_factory=list)
    rooms_left: list[Room] = field(default_factory=list)


def delete_account(user: User, now: datetime) -> Deletion:
    """Remove or anonymise everything personal of `user`; commits. The caller publishes room changes."""
    result = Deletion()
    hosted = list(db.session.execute(
        select(Room).where(Room.host_id == user.id, Room.archived_at.is_(None), Room.is_solo.is_(False))).scalars())
    for room in hosted:
        if presence.hand_over(room, now, leaving_user_id=user.id):
            result.rooms_handed_over.append(room)
        else:
            room.host_id, room.archived_at, room.last_active_at = None, now, now
    result.rooms_left = list(db.session.execute(
        select(Room).join(Participant, Participant.room_id == Room.id)
        .where(Participant.user_id == user.id, Room.archived_at.is_(None), Room.is_solo.is_(False),
               Room.id.not_in([r.id for r in result.rooms_handed_over] or [0]))).scalars())
    db.session.flush()

    # Who focused with whom: before their records go, which say where others shared only with them.
    together.forget_person(user.id)
    solo_rooms = select(Room.id).where(Room.is_solo.is_(True), Room.created_by_id == user.id)
    for statement in (
        delete(Participant).where(Participant.user_id == user.id),
        delete(Interruption).where(Interruption.user_id == user.id),
        delete(FocusSession).where(FocusSession.user_id == user.id),
        # Their time leaves every board with their sessions (an anonymised row must not rank).
        delete(FocusQuarter).where(FocusQuarter.user_id == user.id),
        delete(FocusTotal).where(FocusTotal.user_id == user.id),
        # By window, so the primary key (window_id, user_id) finds the rows.
        delete(WindowTotal).where(WindowTotal.window_id.in_(select(BoardWindow.id)), WindowTotal.user_id == user.id),
        delete(AchievementUnlock).where(AchievementUnlock.user_id == user.id),
        delete(Follow).where((Follow.follower_id == user.id) | (Follow.followed_id == user.id)),
        delete(Participant).where(Participant.room_id.in_(solo_rooms)),
        delete(Room).where(Room.id.in_(solo_rooms)),
        delete(Task).where(Task.user_id == user.id),
        delete(SoloPreferences).where(SoloPreferences.user_id == user.id),
        delete(ApiToken).where(ApiToken.user_id == user.id),
        delete(LoginSession).where(LoginSession.user_id == user.id),
        delete(PasswordReset).where(PasswordReset.user_id == user.id),
        delete(IdempotencyKey).where(IdempotencyKey.user_id == user.id),  # kept answers hold notes
        delete(PostLike).where(PostLike.user_id == user.id),  # likes are counted, never stored: counts drop
        delete(CommentLike).where(CommentLike.user_id == user.id),
        update(Room).where(Room.host_id == user.id).values(host_id=None),
        update(Room).where(Room.created_by_id == user.id).values(created_by_id=None),
    ):
        db.session.execute(statement.execution_options(synchronize_session=False))

    if _still_referenced(user.id):
        result.anonymised = True
        user.username = user.email = user.password_hash = None
        user.display_name, user.bio, user.timezone, user.role = DELETED_NAME, "", "UTC", "member"
    else:
        db.session.delete(user)
    db.session.commit()
    return result


def _still_referenced(user_id: int) -> bool:
    users_id = User.__table__.c.id
    for table in db.metadata.sorted_tables:
        if table.name in _HANDLED:
            continue
        for key in table.foreign_keys:
            if key.column is users_id and db.session.execute(
                    select(func.count()).select_from(table).where(key.parent == user_id)).scalar():
                return True
    return False


def is_deleted(user: User) -> bool:
    return not user.is_guest and user.username is None and user.display_name == DELETED_NAME
