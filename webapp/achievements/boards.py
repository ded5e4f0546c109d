"""Leaderboards: counted focus for today / this week / this month, for friends, a room, or everyone.

All boards are exact in the viewer's time zone. Friends and room boards sum the precomputed
quarter hours of their few people over the viewer's window (totals.py explains the design). The
everyone board reads the listed people's totals in the viewer's window (windows.py) with one index
range (top 50) and one index count (the viewer's rank).
Guests never appear; private people appear on nobody's board but their own.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select

from ..accounts.timezones import zone_of
from ..extensions import db
from ..models import FocusQuarter, Participant, Room, User
from ..rules import leaderboard as rules
from . import follows, totals, windows

TOP = 50
PERIOD_LABELS = {"day": "Today", "week": "This week", "month": "This month"}


class BoardError(Exception):
    def __init__(self, status: int, field: str, message: str):
        super().__init__(message)
        self.status, self.field, self.message = status, field, message


@dataclass(frozen=True)
class Row:
    rank: int
    user_id: int
    name: str
    username: str | None
    seconds: int
    is_viewer: bool = False


@dataclass
class Board:
    scope: str
    period: str
    starts: date
    rows: list[Row]
    viewer_row: Row | None  # the viewer's own row when it is not among `rows`
    viewer_seconds: int
    viewer_listed: bool = True  # False: the viewer is not on this board (not opted in, private)
    room: Room | None = None
    people: int = 0  # how many people the board considers (friends, room members, listed people)
    notes: list[str] = field(default_factory=list)

    @property
    def period_label(self) -> str:
        return PERIOD_LABELS[self.period]


def parse(scope: str | None, period: str | None) -> tuple[str, str]:
    scope, period = (scope or "friends").strip(), (period or "week").strip()
    if period not in rules.PERIODS:
        raise BoardError(422, "period", "Use day, week or month.")
    if scope not in ("friends", "global") and not (scope.startswith("room:") and len(scope) > 5):
        raise BoardError(422, "scope", "Use friends, global or room:<CODE>.")
    return scope, period


def board(viewer: User, scope: str, period: str, now: datetime) -> Board:
    if scope == "global":
        return _global(viewer, period, now)
    if scope == "friends":
        ids = follows.friend_ids(viewer.id)
        return _exact(viewer, "friends", period, now, _visible(ids))
    room = _room(viewer, scope.removeprefix("room:"))
    ids = list(db.session.execute(select(Participant.user_id).where(Participant.room_id == room.id)).scalars())
    result = _exact(viewer, scope, period, now, _visible(ids), include_viewer=viewer.id in ids)
    result.room = room
    return result


def _room(viewer: User, code: str) -> Room:
    room = db.session.execute(
        select(Room).where(Room.code == code.strip().upper(), Room.is_solo.is_(False))
        .order_by(Room.archived_at.is_not(None), Room.id.desc()).limit(1)).scalar_one_or_none()
    was_there = room is not None and db.session.execute(
        select(Participant.id).where(Participant.room_id == room.id, Participant.user_id == viewer.id)
    ).first() is not None
    if room is None or not (was_there or room.is_public):
        raise BoardError(404, "scope", "There is no room with that code that you were in.")
    return room


def _visible(ids: list[int]) -> list[int]:
    """Of these people, those who may appear on someone else's board."""
    if not ids:
        return []
    return list(db.session.execute(select(User.id).where(
        User.id.in_(ids), User.is_guest.is_(False), User.profile_private.is_(False))).scalars())


def _people(ids) -> dict[int, User]:
    ids = list(ids)
    if not ids:
        return {}
    return {user.id: user for user in db.session.execute(select(User).where(User.id.in_(ids))).scalars()}


def _exact(viewer: User, scope: str, period: str, now: datetime, ids: list[int],
           include_viewer: bool = True) -> Board:
    """Sum the people's quarters over the viewer's window, in the viewer's zone."""
    starts, first, after = rules.window(period, now, zone_of(viewer.timezone))
    wanted = set(ids) | ({viewer.id} if include_viewer and not viewer.is_guest else set())
    totals = dict(db.session.execute(
        select(FocusQuarter.user_id, func.sum(FocusQuarter.seconds))
        .where(FocusQuarter.user_id.in_(wanted), FocusQuarter.quarter >= first, FocusQuarter.quarter < after)
        .group_by(FocusQuarter.user_id)).all()) if wanted else {}
    ranked = rules.ranked({user_id: int(seconds) for user_id, seconds in totals.items()})
    top = ranked[:TOP]
    mine = next((entry for entry in ranked if entry[1] == viewer.id), None)
    shown = {entry[1] for entry in top} | ({mine[1]} if mine else set())
    people = _people(shown)
    rows = [_row(entry, people, viewer) for entry in top]
    viewer_row = _row(mine, people, viewer) if mine and mine not in top else None
    return Board(scope, period, starts, rows, viewer_row, int(totals.get(viewer.id, 0)),
                 viewer_listed=viewer.id in wanted, people=len(wanted))


def _row(entry: tuple[int, int, int], people: dict[int, User], viewer: User) -> Row:
    rank, user_id, seconds = entry
    user = people[user_id]
    return Row(rank, user_id, user.name, user.username, seconds, user_id == viewer.id)


def _global(viewer: User, period: str, now: datetime) -> Board:
    """Listed people's seconds in the viewer's window (windows.py): top 50 in one index range, the
    viewer's rank in one index count, the viewer's own seconds from their quarters."""
    zone = zone_of(viewer.timezone)
    starts = rules.period_start(period, now.astimezone(zone).date())
    window, first, after = windows.window_id(period, now, zone)
    # Ordering by seconds alone walks the index backwards and stops after 50 rows; ties are
    # ordered here.
    ranked = rules.ranked(dict(windows.top(window, TOP)))
    mine_seconds = int(db.session.execute(select(func.coalesce(func.sum(FocusQuarter.seconds), 0)).where(
        FocusQuarter.user_id == viewer.id, FocusQuarter.quarter >= first, FocusQuarter.quarter < after)).scalar_one())
    listed = totals.is_listed(viewer)
    mine = None
    if listed and mine_seconds > 0 and viewer.id not in {entry[1] for entry in ranked}:
        mine = (windows.above(window, mine_seconds) + 1, viewer.id, mine_seconds)
    people = _people({entry[1] for entry in ranked} | ({viewer.id} if mine else set()))
    rows = [_row(entry, people, viewer) for entry in ranked]
    return Board("global", period, starts, rows, _row(mine, people, viewer) if mine else None, mine_seconds,
                 viewer_listed=listed)


def recent_rooms(viewer: User, limit: int = 4) -> list[Room]:
    """Shared rooms the viewer was in lately: the "this room" boards they can open."""
    return list(db.session.execute(
        select(Room).join(Participant, Participant.room_id == Room.id)
        .where(Participant.user_id == viewer.id, Room.is_solo.is_(False))
        .order_by(Participant.joined_at.desc()).limit(limit)).scalars())
