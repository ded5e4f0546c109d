"""Achievements, leaderboards and following in the JSON API.

GET    /api/v1/achievements                     every achievement with progress; earned ones with unlocked_at
GET    /api/v1/leaderboard?scope=friends|room:<CODE>|global&period=day|week|month
DELETE /api/v1/follows/<username>, POST ...     unfollow / follow (idempotent)

Lists are short and fixed (achievements) or capped (a board's top 50 plus your own row), so
`next` is always null.
"""
from flask import g, jsonify, request

from ..achievements import boards, follows, services
from ..models import utcnow
from . import bp
from .auth import token_required
from .contract import ApiError, QueryArgs


@bp.get("/achievements")
@token_required
def achievements():
    user = g.api_user
    overview = services.overview(user, utcnow())
    items = [{"code": p.achievement.code, "name": p.achievement.name, "description": p.achievement.description,
              "category": p.achievement.category, "points": p.achievement.points,
              "target": p.achievement.target, "progress": p.current, "progress_label": p.label,
              "earned": p.earned,
              "unlocked_at": overview.unlocked_at[p.achievement.code].isoformat() if p.earned else None}
             for _label, group in overview.groups for p in group]
    return jsonify({"items": items, "next": None, "points": overview.points, "earned": overview.earned,
                    "current_streak": overview.current_streak, "longest_streak": overview.longest_streak})


def _row(row: boards.Row) -> dict:
    return {"rank": row.rank, "username": row.username, "name": row.name, "seconds": row.seconds,
            "is_you": row.is_viewer}


@bp.get("/leaderboard")
@token_required
def leaderboard():
    query = QueryArgs(request.args, ("scope", "period"))
    query.check()
    try:
        scope, period = boards.parse(query.get("scope"), query.get("period"))
        board = boards.board(g.api_user, scope, period, utcnow())
    except boards.BoardError as error:
        raise ApiError(error.status, error.message, {error.field: error.message}) from None
    you = next((row for row in board.rows if row.is_viewer), board.viewer_row)
    return jsonify({"scope": board.scope, "period": board.period, "starts": board.starts.isoformat(),
                    "items": [_row(row) for row in board.rows], "next": None,
                    "you": {"rank": you.rank if you else None, "seconds": board.viewer_seconds,
                            "on_board": board.viewer_listed}})


@bp.post("/follows/<username>")
@token_required
def follow(username: str):
    return _follow_change(username, follows.follow)


@bp.delete("/follows/<username>")
@token_required
def unfollow(username: str):
    return _follow_change(username, follows.unfollow)


def _follow_change(username: str, change):
    try:
        person = change(g.api_user, username)
    except follows.FollowError as error:
        raise ApiError(error.status, error.message) from None
    following = follows.is_following(g.api_user.id, person.id)
    return jsonify({"username": person.username, "following": following,
                    "friends": following and follows.is_following(person.id, g.api_user.id)})
