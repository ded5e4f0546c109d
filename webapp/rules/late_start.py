"""A solo phase started on a page that had no network, sent later with the moment of the click.

The server starts the phase as of that moment (not the replay's), so the countdown ends where the
page's did. The moment is the client's, so it is checked first; `late_start_refusal` says why one
cannot be taken (None when it can). Pure: the state, the rhythm and the moments are arguments.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from .timer import COMPLETED, IDLE, RUNNING, TimerConfig, TimerState, advance

# Clients' clocks run a little ahead: a moment up to this far in our future is taken as now.
CLOCK_SLACK = timedelta(seconds=60)
FUTURE = "This moment is in the future: check the device's clock."
FINISHED = "This session is already over: there is no phase left to start."
TOO_EARLY = "At this moment the phase before was still going on: the next one could not start yet."
RUNNING_THEN = "At this moment a phase was running (started on another device?): there was nothing to start."
PAUSED_THEN = "At this moment the timer was paused, not waiting for a start."


def late_start_refusal(state: TimerState, cfg: TimerConfig, waiting_since: datetime | None,
                       at: datetime, now: datetime, skew: timedelta = CLOCK_SLACK) -> str | None:
    """Why the waiting phase cannot start at `at`, or None when it can.

    `state` is the stored timer; `waiting_since` when its waiting phase became the current one
    (None: unknown, no lower bound). A running phase whose deadline is at or before `at` ends at
    that deadline, as the tick would have ended it, so the phase after it may start from then on.
    """
    if at > now + skew:
        return FUTURE
    caught_up, transitions = advance(state, cfg, at)
    if caught_up.status == COMPLETED:
        return FINISHED
    if caught_up.status != IDLE:
        return RUNNING_THEN if caught_up.status == RUNNING else PAUSED_THEN
    began = transitions[-1].at if transitions else waiting_since
    if began is not None and at < began:
        return TOO_EARLY
    return None

