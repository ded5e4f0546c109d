"""What Today shows, read in a handful of bounded queries at one `now`.

Rooms of "people you focus with" are the *public* live rooms where someone who once shared a room
with you is present now: a private room's code is only ever given by its host, never by us.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import aliased

from ..accounts.timezones import zone_of
from ..extensions import db
from ..focus import services as focus
from ..insights import queries
from ..insights.ranges import local_midnight, local_today
from ..insights.streaks import current_streak
from ..models import FocusSession, Participant, Room, Task, User
from ..rules import daily
from ..rules import solo as solo_rules

LIVE = ("running", "paused")
# A lobby (nobody has pressed Start yet) still counts as "your room" this long after its last activity.
LOBBY_KEPT = timedelta(hours=2)
RECENT_SESSIONS = 5
OPEN_TASKS = 5
FRIENDS_ROOMS = 4
USUAL_FROM_LAST = 10


@dataclass
class FriendsRoom:
    room: Room
    names: list[str] = field(default_factory=list)


@dataclass
class Today:
    goal: daily.GoalProgress
    streak: int
    usual_minutes: int
    solo_room: Room | None
    my_rooms: list[Room]
    tasks: list[Task]
    friends_rooms: list[FriendsRoom]
    recent: list[FocusSession]
    solo_rhythm: str = ""  # the remembered solo Pomodoro in words, under the one-click start

    @property
    def is_new(self) -> bool:
        """Nothing yet to show: the page explains how to begin instead."""
        return not (self.recent or self.tasks or self.my_rooms or self.solo_room or self.streak)


def build(user: User, now: datetime) -> Today:
    zone = zone_of(user.timezone)
    today = local_today(zone, now)
    spans = queries.session_spans(user.id, local_midnight(today - timedelta(days=1), zone),
                                  local_midnight(today + timedelta(days=1), zone))
    worked = daily.worked_on(today, spans, zone, now)
    usual = usual_solo_minutes(user)
    return Today(
        goal=daily.goal_progress(worked, user.daily_goal_minutes),
        streak=current_streak(user.id, zone, today),
        usual_minutes=usual,
        solo_room=focus.active_solo_room(user),
        my_rooms=my_rooms(user, now),
        tasks=[task for task in focus.task_choices(user) if not task.done][:OPEN_TASKS],
        friends_rooms=friends_rooms(user),
        recent=focus.list_sessions(user, limit=RECENT_SESSIONS),
        solo_rhythm=solo_rules.rhythm(replace(focus.preferences_of(user), work_minutes=usual)),
    )


def usual_solo_minutes(user: User) -> int:
    """The focus length of Today's one-click start: the person's remembered solo rhythm once they
    have one (the rest of it, breaks and rounds, comes with it), else what they usually picked."""
    if focus.has_preferences(user):
        return focus.preferences_of(user).work_minutes
    targets = db.session.execute(
        select(FocusSession.target_seconds)
        .where(FocusSession.user_id == user.id, FocusSession.source == "solo")
        .order_by(FocusSession.start_time.desc()).limit(USUAL_FROM_LAST)).scalars().all()
    return daily.usual_minutes(targets, focus.DEFAULT_TARGET_MINUTES)


def my_rooms(user: User, now: datetime) -> list[Room]:
    """Shared rooms the person has not left whose session is on (or whose lobby is fresh)."""
    return list(db.session.execute(
        select(Room).join(Participant, Participant.room_id == Room.id)
        .where(Participant.user_id == user.id, Participant.left_at.is_(None),
               Room.archived_at.is_(None), Room.is_solo.is_(False),
               Room.status.in_(LIVE) | ((Room.status == "idle") & (Room.last_active_at >= now - LOBBY_KEPT)))
        .order_by(Room.last_active_at.desc()).limit(3)).scalars())


def friends_rooms(user: User) -> list[FriendsRoom]:
    mine, theirs, present = aliased(Participant), aliased(Participant), aliased(Participant)
    partners = (select(theirs.user_id).join(mine, mine.room_id == theirs.room_id)
                .where(mine.user_id == user.id, theirs.user_id != user.id))
    in_already = select(Participant.room_id).where(Participant.user_id == user.id,
                                                   Participant.left_at.is_(None))
    rows = db.session.execute(
        select(Room, User.display_name).join(present, present.room_id == Room.id)
        .join(User, User.id == present.user_id)
        .where(present.user_id.in_(partners), present.connections > 0,
               Room.is_public.is_(True), Room.is_solo.is_(False), Room.archived_at.is_(None),
               Room.status.in_(LIVE), Room.id.not_in(in_already))
        .order_by(Room.last_active_at.desc(), Room.id, User.display_name).limit(FRIENDS_ROOMS * 5)).all()
    found: dict[int, FriendsRoom] = {}
    for room, name in rows:
        entry = found.setdefault(room.id, FriendsRoom(room))
        entry.names.append(name)
    return list(found.values())[:FRIENDS_ROOMS]


def set_goal(user: User, minutes: int) -> None:
    user.daily_goal_minutes = minutes
    db.session.commit()
