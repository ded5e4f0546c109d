"""Drift-free activity accounting for one participant in one work phase.

Tallies are derived from "since when" timestamps, never from counting ticks:
`counted_until_ms` says up to when they are exact, and `mode` says how the time
since then counts. Folding the same moment twice, late, or after a restart
gives the same result, and the database can mirror `fold` in one set-based
UPDATE per tick; that is why times are integer epoch milliseconds.

Invariant at every moment: elapsed = active + idle, exactly. Away time is a
part of idle time. Paused and stopped time is not counted at all.

Events that arrive with a time before `counted_until_ms` take effect at
`counted_until_ms`: what has been counted is never rewritten.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

ACTIVE, IDLE, AWAY, PAUSED, STOPPED = "active", "idle", "away", "paused", "stopped"
MODES = (ACTIVE, IDLE, AWAY, PAUSED, STOPPED)
_NOT_COUNTING = (PAUSED, STOPPED)


@dataclass(frozen=True)
class Presence:
    """Where one participant's tallies stand, all in milliseconds."""

    mode: str  # the mode in force since counted_until_ms
    counted_until_ms: int  # tallies below are exact up to this moment
    last_activity_ms: int  # last "I am here" report (or the start)
    away_since_ms: int | None  # when the tab was hidden or the connection lost; set iff AWAY
    elapsed_ms: int = 0
    active_ms: int = 0
    idle_ms: int = 0
    away_ms: int = 0
    tab_switches: int = 0


@dataclass(frozen=True)
class Seconds:
    """Whole-second tallies for display and scoring; elapsed == active + idle exactly."""

    elapsed: int
    active: int
    idle: int
    away: int


def begin(at_ms: int) -> Presence:
    """A participant starting a work phase at `at_ms`, active, nothing counted yet."""
    return Presence(mode=ACTIVE, counted_until_ms=at_ms, last_activity_ms=at_ms, away_since_ms=None)


def fold(p: Presence, until_ms: int, threshold_ms: int) -> Presence:
    """Count the time from `p.counted_until_ms` to `until_ms` into the tallies.

    ACTIVE time stays active until the last activity is `threshold_ms` old and
    is idle after that; from that moment on the mode is IDLE (at exactly the
    threshold the person is idle). IDLE time is idle; AWAY time is idle and
    away; PAUSED and STOPPED time is not counted. A `until_ms` at or before
    `counted_until_ms` returns `p` unchanged.
    """
    if until_ms <= p.counted_until_ms:
        return p
    span = until_ms - p.counted_until_ms
    if p.mode in _NOT_COUNTING:
        return replace(p, counted_until_ms=until_ms)

    idle_from = p.last_activity_ms + threshold_ms
    active = 0
    mode = p.mode
    if p.mode == ACTIVE:
        active = max(0, min(until_ms, idle_from) - p.counted_until_ms)
        if until_ms >= idle_from:
            mode = IDLE
    away = span if p.mode == AWAY else 0
    return replace(
        p,
        mode=mode,
        counted_until_ms=until_ms,
        elapsed_ms=p.elapsed_ms + span,
        active_ms=p.active_ms + active,
        idle_ms=p.idle_ms + span - active,
        away_ms=p.away_ms + away,
    )


def on_activity(p: Presence, at_ms: int, threshold_ms: int) -> Presence:
    """An "I am here" report: active from `at_ms` (clears away). Ignored while paused or stopped."""
    p = fold(p, at_ms, threshold_ms)
    if p.mode in _NOT_COUNTING:
        return p
    return _active_from(p, p.counted_until_ms)


def on_hidden(p: Presence, at_ms: int, threshold_ms: int) -> Presence:
    """The tab was hidden: away from `at_ms` and one more tab switch.

    A second hidden while already away counts nothing more. Ignored while
    paused or stopped.
    """
    p = fold(p, at_ms, threshold_ms)
    if p.mode in _NOT_COUNTING or p.mode == AWAY:
        return p
    return replace(_away_from(p, p.counted_until_ms), tab_switches=p.tab_switches + 1)


def on_visible(p: Presence, at_ms: int, threshold_ms: int) -> Presence:
    """The tab is visible again: active from `at_ms`. Ignored while paused or stopped."""
    return on_activity(p, at_ms, threshold_ms)


def on_disconnect(p: Presence, at_ms: int, threshold_ms: int) -> Presence:
    """The connection was lost: away from `at_ms`, without a tab switch.

    Already away stays away since the earlier moment. Ignored while paused or stopped.
    """
    p = fold(p, at_ms, threshold_ms)
    if p.mode in _NOT_COUNTING or p.mode == AWAY:
        return p
    return _away_from(p, p.counted_until_ms)


def on_pause(p: Presence, at_ms: int, threshold_ms: int) -> Presence:
    """Stop counting from `at_ms` until on_resume. Ignored once stopped."""
    p = fold(p, at_ms, threshold_ms)
    if p.mode == STOPPED:
        return p
    return replace(p, mode=PAUSED, away_since_ms=None)


def on_resume(p: Presence, at_ms: int) -> Presence:
    """Count again from `at_ms`, as active. Returns `p` unchanged unless paused."""
    if p.mode != PAUSED:
        return p
    # Paused time counts nothing, so no threshold is needed to fold it.
    resumed_at = max(at_ms, p.counted_until_ms)
    return _active_from(replace(p, counted_until_ms=resumed_at), resumed_at)


def stop(p: Presence, at_ms: int, threshold_ms: int) -> Presence:
    """Close the tallies at `at_ms` (the phase ended or the person left); nothing counts after."""
    p = fold(p, at_ms, threshold_ms)
    return replace(p, mode=STOPPED, away_since_ms=None)


def live_mode(p: Presence, now_ms: int, threshold_ms: int) -> str:
    """The mode to show at `now_ms`: `p.mode`, except ACTIVE turns IDLE at the threshold."""
    if p.mode == ACTIVE and now_ms >= p.last_activity_ms + threshold_ms:
        return IDLE
    return p.mode


def seconds(p: Presence) -> Seconds:
    """Whole seconds, rounded down, such that elapsed == active + idle and away <= idle."""
    elapsed = p.elapsed_ms // 1000
    active = p.active_ms // 1000
    idle = elapsed - active
    return Seconds(elapsed=elapsed, active=active, idle=idle, away=min(p.away_ms // 1000, idle))


def away_too_long(p: Presence, now_ms: int, grace_ms: int) -> bool:
    """Strict mode: True once the participant has been away for `grace_ms` or more."""
    return p.mode == AWAY and p.away_since_ms is not None and now_ms - p.away_since_ms >= grace_ms


def _active_from(p: Presence, at_ms: int) -> Presence:
    return replace(p, mode=ACTIVE, last_activity_ms=at_ms, away_since_ms=None)


def _away_from(p: Presence, at_ms: int) -> Presence:
    return replace(p, mode=AWAY, away_since_ms=at_ms)
