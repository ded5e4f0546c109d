"""Interruption rules: live logging during a running session, entries afterwards, edits, detection.

An interruption always lies inside its session's span: [start, end] of an ended session, or
[start, now] of a running one. Its `duration` is computed here, in whole seconds.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from ...extensions import db
from ...models import INTERRUPTION_TYPES, FocusSession, Interruption, User, utcnow
from ...textrules import clean_text
from .errors import Conflict, Problems
from .limits import CLOCK_SLACK, MAX_DESCRIPTION_LENGTH
from .sessions import UNSET, check_window, owned_row, owned_session
from .tallies import settle_untracked
from .spans import whole_seconds

TYPE_LABELS = {"family": "Family", "phone": "Phone", "noise": "Noise", "self": "Myself",
               "urgent_task": "Urgent task", "unknown": "Unknown"}


def owned_interruption(user: User, interruption_id: int) -> Interruption:
    return owned_row(Interruption, user, interruption_id, "interruption")


def open_interruption(session: FocusSession) -> Interruption | None:
    return next((i for i in session.interruptions if i.end_time is None), None)


def session_interruptions(user: User, session_id: int) -> list[Interruption]:
    return list(owned_session(user, session_id).interruptions)


def log_interruption(user: User, session_id: int, *, type: str | None, description: str | None = "",
                     start_time: datetime | None = None, end_time: datetime | None = None,
                     now: datetime | None = None) -> Interruption:
    """Without times: a live interruption starting now (only while the session runs).
    With a start and no end: an open one from then (same rule). With both: entered afterwards."""
    now = now or utcnow()
    session = owned_session(user, session_id)
    problems = Problems()
    kind = check_type(type, problems)
    description = check_description(description, problems)
    if start_time is None and end_time is not None:
        problems.add("start_time", "Give a start time as well as the end time.")
    live = start_time is None and end_time is None
    start = now if live else start_time
    if not live and start_time is not None:
        _check_within(session, start_time, end_time, now, problems)
    problems.raise_if_any()
    if end_time is None:
        _ensure_can_open(session)
    interruption = Interruption(session_id=session.id, user_id=user.id, type=kind, description=description,
                                start_time=start, end_time=end_time, source="live" if live else "manual")
    if end_time is not None:
        interruption.duration = whole_seconds(start, end_time)
    session.interruptions.append(interruption)
    settle_untracked(session)
    db.session.commit()
    if live:
        from .solo import hold_for_interruption  # a solo countdown waits until "I'm back"
        hold_for_interruption(user, session, now)
    return interruption


def end_interruption(user: User, interruption_id: int, *, now: datetime | None = None) -> Interruption:
    """"I'm back": end an open interruption now, or at its session's end if that came first."""
    now = now or utcnow()
    interruption = owned_interruption(user, interruption_id)
    if interruption.end_time is not None:
        raise Conflict("This interruption has already ended.")
    session = interruption.session
    end = min(now, session.end_time) if session.end_time is not None else now
    interruption.end_time = max(end, interruption.start_time)
    interruption.duration = whole_seconds(interruption.start_time, interruption.end_time)
    settle_untracked(session)
    db.session.commit()
    if session.end_time is None:
        from .solo import release_after_interruption  # the solo countdown it held goes on
        release_after_interruption(user, session, now)
    return interruption


def update_interruption(user: User, interruption_id: int, *, type=UNSET, description=UNSET,
                        start_time=UNSET, end_time=UNSET, now: datetime | None = None) -> Interruption:
    """Change the type and description (relabel) and, within the session's span, the times."""
    now = now or utcnow()
    interruption = owned_interruption(user, interruption_id)
    session = interruption.session
    problems = Problems()
    kind = interruption.type if type is UNSET else check_type(type, problems)
    text = interruption.description if description is UNSET else check_description(description, problems)
    start = interruption.start_time if start_time is UNSET else start_time
    end = interruption.end_time if end_time is UNSET else end_time
    times_given = start_time is not UNSET or end_time is not UNSET
    if times_given:
        if start is None:
            problems.add("start_time", "Give a start time.")
        else:
            _check_within(session, start, end, now, problems)
        if end is None and interruption.end_time is not None:
            problems.add("end_time", "An ended interruption keeps an end time.")
    problems.raise_if_any()
    interruption.type, interruption.description = kind, text
    if times_given:
        interruption.start_time, interruption.end_time = start, end
        interruption.duration = whole_seconds(start, end) if end is not None else None
        settle_untracked(session)
    db.session.commit()
    return interruption


def delete_interruption(user: User, interruption_id: int) -> FocusSession:
    """Delete (or, for a detected one, dismiss) an interruption; returns its session."""
    interruption = owned_interruption(user, interruption_id)
    session = interruption.session
    session.interruptions.remove(interruption)
    settle_untracked(session)
    db.session.commit()
    return session


def record_detected(session: FocusSession, start: datetime, end: datetime) -> Interruption:
    """For tracking: a tab hidden from `start` to `end` during a work phase (no commit).

    Recorded as `unknown`, source `detected`, for the person to relabel or dismiss.
    """
    interruption = Interruption(session_id=session.id, user_id=session.user_id, type="unknown",
                                description="", start_time=start, end_time=end, source="detected",
                                duration=whole_seconds(start, end))
    session.interruptions.append(interruption)
    return interruption


def pending_detected(user: User, limit: int = 20) -> list[Interruption]:
    """Detected interruptions not yet relabelled, newest first."""
    return list(db.session.execute(
        select(Interruption).where(Interruption.user_id == user.id, Interruption.source == "detected",
                                   Interruption.type == "unknown")
        .order_by(Interruption.start_time.desc()).limit(limit)).scalars())


# --- checks ---------------------------------------------------------------------------------

def check_type(kind, problems: Problems) -> str:
    if kind not in INTERRUPTION_TYPES:
        problems.add("type", "Choose one of: " + ", ".join(INTERRUPTION_TYPES) + ".")
        return "unknown"
    return kind


def check_description(text, problems: Problems) -> str:
    return check_text(text, problems, "description", MAX_DESCRIPTION_LENGTH,
                      f"Use at most {MAX_DESCRIPTION_LENGTH} characters.")


def check_text(text, problems: Problems, field: str, limit: int, too_long: str) -> str:
    """An optional line of text: cleaned (textrules), at most `limit` characters, else `too_long`."""
    text = "" if text is None else text
    if not isinstance(text, str):
        problems.add(field, f"The {field} must be text.")
        return ""
    text = clean_text(text)
    if len(text) > limit:
        problems.add(field, too_long)
    return text


def _check_within(session: FocusSession, start: datetime, end: datetime | None, now: datetime,
                  problems: Problems) -> None:
    """Inside the session: [session start, session end], or [session start, now] while it runs."""
    upper = session.end_time if session.end_time is not None else now + CLOCK_SLACK
    if end is not None and end <= start:
        problems.add("end_time", "The end must be after the start.")
    if start < session.start_time or start > upper:
        problems.add("start_time", "The interruption must start within its session's time span.")
    if end is not None and end > upper:
        problems.add("end_time", "The interruption must end within its session's time span.")
    if end is None and session.status != "running":
        problems.add("end_time", "Give an end time: the session has ended.")
    check_window(now, problems, start_time=start, end_time=end)  # sessions stored before the window existed


def _ensure_can_open(session: FocusSession) -> None:
    if session.status != "running":
        raise Conflict("Live logging only works during an active session; give a start and an end "
                       "time to log it afterwards.", session_id=session.id)
    if open_interruption(session) is not None:
        raise Conflict("You are already interrupted in this session; say \"I'm back\" first.",
                       session_id=session.id)
