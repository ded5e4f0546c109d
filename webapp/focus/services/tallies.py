"""Tallies of sessions without live tracking, and the whole-second figures the API and pages show."""
from __future__ import annotations

from datetime import datetime

from ...models import FocusSession, to_epoch_ms, utcnow
from ...rules.durations import seconds_of_ms
from .spans import covered_seconds, whole_seconds


def is_tracked(session: FocusSession) -> bool:
    """Room sessions (solo rooms included) have live activity tracking; others do not."""
    return session.room_id is not None


def settle_untracked(session: FocusSession) -> None:
    """Tallies for an ended session without live tracking (manual and API/solo ones).

    Nobody watched the tab, so the logged interruptions are the only evidence: their time (overlaps
    once) counts as idle, the rest as active; elapsed = active + idle as in rules/accounting.py.
    Tracked sessions keep what the ticker counted. No focus score: there is nothing to score on.
    """
    if is_tracked(session) or session.end_time is None:
        return
    elapsed = whole_seconds(session.start_time, session.end_time)
    spans = [(i.start_time, i.end_time) for i in session.interruptions if i.end_time is not None]
    idle = min(elapsed, covered_seconds(spans, (session.start_time, session.end_time)))
    session.mode = "stopped"
    session.elapsed_ms, session.idle_ms = elapsed * 1000, idle * 1000
    session.active_ms, session.away_ms = (elapsed - idle) * 1000, 0
    session.counted_until_ms = to_epoch_ms(session.end_time)


def figures(session: FocusSession, now: datetime | None = None) -> dict:
    """Whole-second tallies with rules/accounting.seconds semantics (elapsed = active + idle).

    A running untracked session has counted nothing yet, so its elapsed time is its age so far.
    """
    if session.status == "running" and not is_tracked(session):
        now = now or utcnow()
        elapsed = whole_seconds(session.start_time, now)
        spans = [(i.start_time, i.end_time or now) for i in session.interruptions]
        idle = min(elapsed, covered_seconds(spans, (session.start_time, now)))
        return {"elapsed_seconds": elapsed, "active_seconds": elapsed - idle, "idle_seconds": idle,
                "tab_switches": session.tab_switches or 0}
    elapsed = seconds_of_ms(session.elapsed_ms)
    if session.duration_seconds is not None:
        # Tallies count from the start cut to the millisecond, so they can pass the stored span by
        # a fraction of a second: never read more focus than the session's own duration.
        elapsed = min(elapsed, session.duration_seconds)
    active = min(seconds_of_ms(session.active_ms), elapsed)
    return {"elapsed_seconds": elapsed, "active_seconds": active, "idle_seconds": elapsed - active,
            "tab_switches": session.tab_switches or 0}
