"""Following: one row per direction; mutual follows are friends. Guests neither follow nor are followed."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import aliased

from ..extensions import db
from ..models import Follow, User, utcnow


class FollowError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


def person(username: str) -> User | None:
    """A registered person by username (guests have none)."""
    return db.session.execute(
        select(User).where(User.username == (username or "").lower(), User.is_guest.is_(False))
    ).scalar_one_or_none()


def follow(viewer: User, username: str) -> User:
    """Follow `username` (again: no change). Raises FollowError 404/422."""
    target = _target(viewer, username)
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    db.session.execute(dialect.insert(Follow).values(follower_id=viewer.id, followed_id=target.id,
                                                     created_at=utcnow()).on_conflict_do_nothing())
    db.session.commit()
    return target


def unfollow(viewer: User, username: str) -> User:
    target = _target(viewer, username)
    db.session.execute(delete(Follow).where(Follow.follower_id == viewer.id, Follow.followed_id == target.id))
    db.session.commit()
    return target


def _target(viewer: User, username: str) -> User:
    if viewer.is_guest:
        raise FollowError(403, "Guests cannot follow people; sign up to keep friends.")
    target = person(username)
    if target is None:
        raise FollowError(404, "There is nobody with that username.")
    if target.id == viewer.id:
        raise FollowError(422, "You cannot follow yourself.")
    return target


def is_following(viewer_id: int, target_id: int) -> bool:
    return db.session.get(Follow, (viewer_id, target_id)) is not None


def friend_ids(user_id: int) -> list[int]:
    """People who follow this person and whom this person follows."""
    back = aliased(Follow)
    return list(db.session.execute(
        select(Follow.followed_id).join(back, (back.follower_id == Follow.followed_id)
                                        & (back.followed_id == Follow.follower_id))
        .where(Follow.follower_id == user_id)).scalars())


@dataclass(frozen=True)
class FollowCounts:
    followers: int
    following: int
    friends: int


def counts(user_id: int) -> FollowCounts:
    followers = db.session.execute(select(func.count()).where(Follow.followed_id == user_id)).scalar_one()
    following = db.session.execute(select(func.count()).where(Follow.follower_id == user_id)).scalar_one()
    return FollowCounts(followers, following, len(friend_ids(user_id)))


def followers(user_id: int, limit: int = 30) -> list[User]:
    return list(db.session.execute(
        select(User).join(Follow, Follow.follower_id == User.id).where(Follow.followed_id == user_id)
        .order_by(Follow.created_at.desc()).limit(limit)).scalars())
