"""How a finished focus session is recorded: one rule for solo sessions (page and API) and rooms.

A session that ran to its target is "completed" and counts as a pomodoro. One its owner (or a
room's host) ended before the target is "ended_early": its time still counts as focused time,
but it is no pomodoro. Someone who left a room before the phase ended is "abandoned", and strict
mode's verdict "failed" stands whatever happens next.
"""
from __future__ import annotations

RUNNING, COMPLETED, ENDED_EARLY, ABANDONED, FAILED = "running", "completed", "ended_early", "abandoned", "failed"

# What people read, on cards, the history and the room results (the exports carry the keys).
STATUS_LABELS = {RUNNING: "Running", COMPLETED: "Completed", ENDED_EARLY: "Ended early",
                 ABANDONED: "Left early", FAILED: "Failed"}


def reached_target(worked_seconds: int, target_seconds: int | None) -> bool:
    """A session without a target is complete whenever it ends."""
    return target_seconds is None or worked_seconds >= target_seconds


def end_status(*, reached: bool, left: bool = False) -> str:
    """The status of a session ending now: `reached` its target, or `left` the room before the end."""
    if left:
        return ABANDONED
    return COMPLETED if reached else ENDED_EARLY


def counts_as_pomodoro(status: str) -> bool:
    return status == COMPLETED
