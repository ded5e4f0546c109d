"""Interruptions clicked on a page that could not send them at once: the offline outbox replays the
click later with the moments the page saw (`started_at`, and `ended_at` when "I'm back" was also
said offline). The server records them at those moments, not at the replay's, so the session's
accounting is right, and does to a solo countdown what the click would have done then.

The moments are the client's, so they are checked: never after now (a fast clock), never before
the session they fall in, an end never before its start nor after the session's end.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select

from ...extensions import db
from ...models import FocusSession, Interruption, User, utcnow
from .errors import Conflict, Problems
from .interruptions import _ensure_can_open, check_type
from .limits import CLOCK_SLACK
from .solo import hold_for_interruption, release_after_interruption
from .spans import whole_seconds
from .tallies import settle_untracked


def clicked_moments(started_at: datetime, ended_at: datetime | None, now: datetime,
                    session_start: datetime, session_end: datetime | None) -> tuple[datetime, datetime | None]:
    """The start and end to record for a click the page saw at `started_at` (pure). Clamped into
    the session ([start, end], or [start, now] while it runs); an end before the start is the start."""
    upper = min(session_end, now) if session_end is not None else now
    start = min(max(started_at, session_start), upper)
    end = ended_at
    if end is None and session_end is not None:
        end = session_end  # the session ended meanwhile: so did the interruption
    if end is not None:
        end = min(max(end, start), upper)
    return start, end


def session_at(user: User, moment: datetime) -> FocusSession | None:
    """The person's session going on at `moment`; failing that (a clock a little behind), the one
    that started within CLOCK_SLACK after it."""
    def newest(*conditions):
        return db.session.execute(
            select(FocusSession).where(FocusSession.user_id == user.id, *conditions)
            .order_by(FocusSession.start_time.desc(), FocusSession.id.desc()).limit(1)).scalar_one_or_none()
    return (newest(FocusSession.start_time <= moment,
                   or_(FocusSession.end_time.is_(None), FocusSession.end_time >= moment))
            or newest(FocusSession.start_time > moment, FocusSession.start_time <= moment + CLOCK_SLACK))


def log_clicked_interruption(user: User, *, type: str | None, started_at: datetime,
                             ended_at: datetime | None = None, now: datetime | None = None) -> Interruption:
    """Record an interruption clicked at `started_at` (and over at `ended_at`, if said), in the session
    going on then. A solo focus still running that phase is paused as of the click (and resumed as of
    "I'm back"), as the click would have done; a phase that has ended since stays as it went.
    Conflict when no session was going on then, or one is already open."""
    now = now or utcnow()
    problems = Problems()
    kind = check_type(type, problems)
    if started_at > now + CLOCK_SLACK:
        problems.add("started_at", "This moment is in the future: check the device's clock.")
    problems.raise_if_any()
    session = session_at(user, min(started_at, now))
    if session is None:
        raise Conflict("No session was running when this interruption was logged.")
    start, end = clicked_moments(started_at, ended_at, now, session.start_time, session.end_time)
    if end is None:
        _ensure_can_open(session)
    interruption = Interruption(session_id=session.id, user_id=user.id, type=kind, description="",
                                start_time=start, end_time=end, source="live")
    if end is not None:
        interruption.duration = whole_seconds(start, end)
    session.interruptions.append(interruption)
    settle_untracked(session)
    db.session.commit()
    if session.end_time is None and hold_for_interruption(user, session, now, at=start) and end is not None:
        release_after_interruption(user, session, now, at=end)
    return interruption


def end_clicked_interruption(user: User, *, ended_at: datetime | None,
                             now: datetime | None = None) -> Interruption | None:
    """"I'm back" from a page that never knew the interruption's id (it was logged offline): the
    person's open interruption ends at `ended_at` (checked like a click), and a solo countdown it
    holds runs on from then. None when nothing is open (it ended with its session): nothing to do."""
    now = now or utcnow()
    if ended_at is not None and ended_at > now + CLOCK_SLACK:
        problems = Problems()
        problems.add("ended_at", "This moment is in the future: check the device's clock.")
        problems.raise_if_any()
    interruption = db.session.execute(
        select(Interruption).where(Interruption.user_id == user.id, Interruption.end_time.is_(None))
        .order_by(Interruption.start_time.desc()).limit(1)).scalar_one_or_none()
    if interruption is None:
        return None
    session = interruption.session
    _, end = clicked_moments(interruption.start_time, ended_at or now, now, session.start_time, session.end_time)
    interruption.end_time = end
    interruption.duration = whole_seconds(interruption.start_time, end)
    settle_untracked(session)
    db.session.commit()
    if session.end_time is None:
        release_after_interruption(user, session, now, at=end)
    return interruption
