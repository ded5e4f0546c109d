"""What the pages show: an achievements overview, a profile's social part, visibility changes."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..accounts.timezones import zone_of
from ..extensions import db
from ..models import User
from ..rules import achievements as rules
from . import follows, metrics, totals, unlocks


@dataclass
class Overview:
    groups: list[tuple[str, list[rules.Progress]]]  # (category label, its achievements)
    unlocked_at: dict[str, datetime]
    points: int
    possible_points: int
    earned: int
    current_streak: int
    longest_streak: int


def overview(user: User, now: datetime) -> Overview:
    unlocked_at = unlocks.unlocked_rows(user.id)
    values = metrics.metrics_of(user.id)
    progress = rules.progress(values, unlocked_at)
    groups = [(label, [p for p in progress if p.achievement.category == key]) for key, label in rules.CATEGORIES]
    days = totals.focus_days(user.id)
    today = now.astimezone(zone_of(user.timezone)).date()
    return Overview(groups, unlocked_at,
                    points=sum(p.achievement.points for p in progress if p.earned),
                    possible_points=sum(a.points for a in rules.ACHIEVEMENTS),
                    earned=sum(1 for p in progress if p.earned),
                    current_streak=rules.current_run(days, today), longest_streak=values["streak"])


def earned(user_id: int) -> list[tuple[rules.Achievement, datetime]]:
    rows = unlocks.unlocked_rows(user_id)
    return sorted(((rules.BY_CODE[code], at) for code, at in rows.items() if code in rules.BY_CODE),
                  key=lambda pair: pair[1], reverse=True)


def can_see_stats(person: User, viewer) -> bool:
    return not person.profile_private or (viewer is not None and viewer.is_authenticated and viewer.id == person.id)


def profile_context(person: User, viewer) -> dict:
    """The profile page's follow button and social sections (accounts asks; wired in wiring.py)."""
    from .forms import FollowForm
    is_self = viewer.is_authenticated and viewer.id == person.id
    context = {"social_is_self": is_self, "social_visible": can_see_stats(person, viewer),
               "actions": [], "sections": ["achievements/_profile.html"]}
    if viewer.is_authenticated and not viewer.is_guest and not is_self:
        context["follow_form"] = FollowForm()
        context["viewer_follows"] = follows.is_following(viewer.id, person.id)
        context["follows_viewer"] = follows.is_following(person.id, viewer.id)
        context["actions"].append("achievements/_follow.html")
    if context["social_visible"]:
        context["follow_counts"] = follows.counts(person.id)
        context["followers"] = follows.followers(person.id, limit=12)
        context["earned"] = earned(person.id)
    return context


def set_visibility(user: User, *, on_global_board: bool, profile_private: bool) -> None:
    user.on_global_board, user.profile_private = on_global_board, profile_private
    totals.relist(user)
    db.session.commit()
