"""Server-authoritative Pomodoro timer as a pure state machine.

The timer is stored as a deadline (`phase_ends_at`), never as a counter, so the
state at any moment follows from the clock alone: a late, doubled or missed tick
changes nothing. Every function takes `now` (a timezone-aware UTC datetime) and
returns a new state; nothing here sleeps or reads the clock.

Phase order: work 1, break, work 2, break, ... A long break follows every
`long_break_every`-th work phase, the others get a short break, and the session
completes right after work phase `rounds` (no break after the final one).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

WORK, SHORT_BREAK, LONG_BREAK = "work", "short_break", "long_break"
PHASES = (WORK, SHORT_BREAK, LONG_BREAK)

IDLE, RUNNING, PAUSED, COMPLETED = "idle", "running", "paused", "completed"
STATUSES = (IDLE, RUNNING, PAUSED, COMPLETED)


class TimerError(ValueError):
    """An action not allowed in the current state; the message is user-facing."""


@dataclass(frozen=True)
class TimerConfig:
    """A room's timer settings; lengths are whole seconds.

    Raises ValueError on construction if a length is not positive,
    `long_break_every` is below 1 or `rounds` is neither None nor at least 1.
    """

    work_seconds: int = 25 * 60
    short_break_seconds: int = 5 * 60
    long_break_seconds: int = 15 * 60
    long_break_every: int = 4
    rounds: int | None = None  # number of work phases; None = until stopped
    auto_start_breaks: bool = True
    auto_start_work: bool = False

    def __post_init__(self) -> None:
        lengths = (self.work_seconds, self.short_break_seconds, self.long_break_seconds)
        # A zero-length phase would let advance() loop forever on a running timer.
        if any(length < 1 for length in lengths):
            raise ValueError("Every phase must last at least one second.")
        if self.long_break_every < 1:
            raise ValueError("long_break_every must be at least 1.")
        if self.rounds is not None and self.rounds < 1:
            raise ValueError("rounds must be None or at least 1.")

    def phase_seconds(self, phase: str) -> int:
        """Return the full length of `phase`; raise ValueError for an unknown phase."""
        lengths = {
            WORK: self.work_seconds,
            SHORT_BREAK: self.short_break_seconds,
            LONG_BREAK: self.long_break_seconds,
        }
        if phase not in lengths:
            raise ValueError(f"Unknown phase {phase!r}.")
        return lengths[phase]

    def auto_starts(self, phase: str) -> bool:
        """Whether `phase` starts running as soon as the phase before it ends."""
        return self.auto_start_work if phase == WORK else self.auto_start_breaks


@dataclass(frozen=True)
class TimerState:
    """One room's timer at a moment.

    `round` is the 1-based number of the current work phase, or of the one
    about to start; a break keeps the number of the work phase it follows.
    `phase_ends_at` is set iff status is running. `remaining_seconds` is what
    is left when idle or paused (idle: the full length of the waiting phase).
    `work_phases_done` counts work phases that ran to their deadline; skipped
    ones are not counted there, although they do count toward `rounds`.
    """

    status: str
    phase: str
    round: int
    phase_ends_at: datetime | None
    remaining_seconds: float
    work_phases_done: int

    @classmethod
    def initial(cls, cfg: TimerConfig) -> TimerState:
        """Idle, before work phase 1, with its full length remaining."""
        return cls(
            status=IDLE,
            phase=WORK,
            round=1,
            phase_ends_at=None,
            remaining_seconds=float(cfg.work_seconds),
            work_phases_done=0,
        )


@dataclass(frozen=True)
class Transition:
    """A phase that ended, for the caller to record and announce."""

    at: datetime  # the moment the phase ended: its deadline, not the tick time
    ended_phase: str
    ended_round: int
    next_phase: str | None  # None when the session completed
    started: bool  # the next phase started running right away
    completed: bool  # the whole session is finished
    skipped: bool  # ended early by skip()


def start(state: TimerState, cfg: TimerConfig, now: datetime) -> TimerState:
    """Start the waiting phase: idle -> running. Raise TimerError otherwise."""
    if state.status != IDLE:
        raise TimerError(_refusal("start", state.status))
    return _running_until(state, now + timedelta(seconds=state.remaining_seconds))


def pause(state: TimerState, now: datetime) -> TimerState:
    """Freeze the countdown: running -> paused. Raise TimerError otherwise.

    Call advance() first: pausing after a deadline the tick has not yet seen
    leaves the phase paused with nothing remaining instead of ending it.
    """
    if state.status != RUNNING:
        raise TimerError(_refusal("pause", state.status))
    return replace(
        state,
        status=PAUSED,
        phase_ends_at=None,
        remaining_seconds=remaining_at(state, now),
    )


def resume(state: TimerState, now: datetime) -> TimerState:
    """Continue a paused phase with exactly what was left. Raise TimerError otherwise."""
    if state.status != PAUSED:
        raise TimerError(_refusal("resume", state.status))
    return _running_until(state, now + timedelta(seconds=state.remaining_seconds))


def skip(state: TimerState, cfg: TimerConfig, now: datetime) -> tuple[TimerState, Transition]:
    """End the current phase now and move to the next one.

    A running timer keeps running into the next phase; an idle or paused one
    leaves the next phase waiting, idle, with its full length. Skipping the
    final work phase completes the session. Raise TimerError when completed.
    Call advance() first so a deadline already passed is not skipped twice.
    """
    if state.status == COMPLETED:
        raise TimerError(_refusal("skip", state.status))
    return _end_phase(state, cfg, now, run_next=state.status == RUNNING, skipped=True)


def reset(state: TimerState, cfg: TimerConfig, now: datetime) -> TimerState:
    """Return to the very beginning (idle, work phase 1) from any status."""
    return TimerState.initial(cfg)


def end(state: TimerState, now: datetime) -> TimerState:
    """Finish the whole session now. Raise TimerError if it is already completed."""
    if state.status == COMPLETED:
        raise TimerError(_refusal("end", state.status))
    return replace(state, status=COMPLETED, phase_ends_at=None, remaining_seconds=0.0)


def advance(
    state: TimerState, cfg: TimerConfig, now: datetime
) -> tuple[TimerState, list[Transition]]:
    """The tick: end every phase whose deadline is at or before `now`.

    Each phase ends at its own deadline. A next phase whose auto-start rule is
    on starts at that same deadline, so after a long outage the timer catches
    up over several phases to exactly where the clock says; otherwise it waits
    idle. Calling again with the same or an earlier `now` changes nothing.
    """
    transitions: list[Transition] = []
    while state.status == RUNNING and state.phase_ends_at <= now:
        deadline = state.phase_ends_at
        next_phase = _next_phase(state, cfg)
        run_next = next_phase is not None and cfg.auto_starts(next_phase)
        state, transition = _end_phase(state, cfg, deadline, run_next=run_next, skipped=False)
        transitions.append(transition)
    return state, transitions


def remaining_at(state: TimerState, now: datetime) -> float:
    """Seconds left in the current phase at `now` (never negative)."""
    if state.status == RUNNING:
        return max(0.0, (state.phase_ends_at - now).total_seconds())
    return state.remaining_seconds


def progress_at(state: TimerState, cfg: TimerConfig, now: datetime) -> float:
    """Fraction of the current phase elapsed at `now`, from 0.0 to 1.0 (1.0 once completed)."""
    if state.status == COMPLETED:
        return 1.0
    length = cfg.phase_seconds(state.phase)
    elapsed_fraction = 1.0 - remaining_at(state, now) / length
    return min(1.0, max(0.0, elapsed_fraction))


def _next_phase(state: TimerState, cfg: TimerConfig) -> str | None:
    """The phase after the current one, or None when the session is over."""
    if state.phase != WORK:
        return WORK
    if cfg.rounds is not None and state.round >= cfg.rounds:
        return None
    if state.round % cfg.long_break_every == 0:
        return LONG_BREAK
    return SHORT_BREAK


def _end_phase(
    state: TimerState, cfg: TimerConfig, at: datetime, *, run_next: bool, skipped: bool
) -> tuple[TimerState, Transition]:
    """End the current phase at `at`; the next one runs from `at` if `run_next`."""
    next_phase = _next_phase(state, cfg)
    finished_work = state.phase == WORK and not skipped
    work_phases_done = state.work_phases_done + int(finished_work)
    transition = Transition(
        at=at,
        ended_phase=state.phase,
        ended_round=state.round,
        next_phase=next_phase,
        started=run_next and next_phase is not None,
        completed=next_phase is None,
        skipped=skipped,
    )
    if next_phase is None:
        completed = replace(
            state,
            status=COMPLETED,
            phase_ends_at=None,
            remaining_seconds=0.0,
            work_phases_done=work_phases_done,
        )
        return completed, transition

    length = cfg.phase_seconds(next_phase)
    waiting = TimerState(
        status=IDLE,
        phase=next_phase,
        round=state.round + 1 if next_phase == WORK else state.round,
        phase_ends_at=None,
        remaining_seconds=float(length),
        work_phases_done=work_phases_done,
    )
    if transition.started:
        return _running_until(waiting, at + timedelta(seconds=length)), transition
    return waiting, transition


def _running_until(state: TimerState, phase_ends_at: datetime) -> TimerState:
    return replace(state, status=RUNNING, phase_ends_at=phase_ends_at)


_REFUSALS = {
    IDLE: "The timer has not been started.",
    RUNNING: "The timer is already running.",
    PAUSED: "The timer is paused.",
    COMPLETED: "The session is over; reset the timer to start again.",
}
_SPECIFIC_REFUSALS = {
    ("start", PAUSED): "The timer is paused; resume it instead.",
    ("pause", PAUSED): "The timer is already paused.",
    ("resume", RUNNING): "The timer is already running.",
    ("resume", IDLE): "The timer is not paused.",
    ("end", COMPLETED): "The session is already over.",
}


def _refusal(action: str, status: str) -> str:
    """The user-facing reason `action` is not allowed while `status`."""
    return _SPECIFIC_REFUSALS.get((action, status), _REFUSALS[status])
