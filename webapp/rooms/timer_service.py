"""Applies the pure timer rules (rules/timer.py) to Room rows, and tells tracking what happened.

Every change goes through `change()`: catch up with the clock (advance), apply the action,
claim the row by its `timer_version` (a compare-and-set, so a doubled tick or two hosts
clicking at once cannot apply the same step twice), write the new state, and call the
domain events (webapp/events.py) at the exact moments of the events. Nothing here commits.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import update

from .. import events
from ..extensions import db
from ..models import Room
from ..rules import timer
from ..rules.timer import PAUSED, RUNNING, WORK, TimerConfig, TimerError, TimerState, Transition

ACTIONS = ("start", "pause", "resume", "skip", "reset", "end")


class StaleRoom(Exception):
    """Someone else changed the timer between our read and our write."""


@dataclass
class TimerChange:
    room: Room
    transitions: list[Transition] = field(default_factory=list)
    action: str | None = None


def config_of(room: Room) -> TimerConfig:
    return TimerConfig(
        work_seconds=room.work_minutes * 60,
        short_break_seconds=room.short_break_minutes * 60,
        long_break_seconds=room.long_break_minutes * 60,
        long_break_every=room.long_break_every,
        rounds=room.rounds,
        auto_start_breaks=room.auto_start_breaks,
        auto_start_work=room.auto_start_work,
    )


def state_of(room: Room) -> TimerState:
    return TimerState(status=room.status, phase=room.phase, round=room.round,
                      phase_ends_at=room.phase_ends_at, remaining_seconds=room.remaining_seconds,
                      work_phases_done=room.work_phases_done)


def initialize(room: Room) -> None:
    """Give a new room its idle timer (before work phase 1)."""
    _write(room, TimerState.initial(config_of(room)))
    room.timer_version = 0


def advance(room: Room, now: datetime) -> TimerChange:
    """The tick's step for one room: end every phase whose deadline has passed."""
    return change(room, now, None)


def change(room: Room, now: datetime, action: str | None, *, started_by_id: int | None = None) -> TimerChange:
    """Catch up with `now`, then apply `action` (one of ACTIONS, or None for a plain advance).

    Raises TimerError (user-facing) when the action is not allowed, StaleRoom when another
    writer changed the row first. On either, nothing has been written. `started_by_id`: see
    events.WorkPhaseStarted (a start sent later by an offline page).
    """
    cfg = config_of(room)
    before = state_of(room)
    caught_up, transitions = timer.advance(before, cfg, now)
    after, extra = _apply(action, caught_up, cfg, now)
    if extra is not None:
        transitions = [*transitions, extra]
    if after == before:
        return TimerChange(room, [], action)
    _claim(room)
    _write(room, after)
    _stamp_moments(room, before, after, transitions, action, now)
    _announce(room, before, caught_up, after, transitions, action, now, started_by_id)
    return TimerChange(room, transitions, action)


def _apply(action: str | None, state: TimerState, cfg: TimerConfig, now: datetime):
    if action is None:
        return state, None
    if action == "start":
        return timer.start(state, cfg, now), None
    if action == "pause":
        return timer.pause(state, now), None
    if action == "resume":
        return timer.resume(state, now), None
    if action == "skip":
        return timer.skip(state, cfg, now)
    if action == "reset":
        return timer.reset(state, cfg, now), None
    if action == "end":
        return timer.end(state, now), None
    raise TimerError("Unknown action.")


def _claim(room: Room) -> None:
    claimed = db.session.execute(
        update(Room).where(Room.id == room.id, Room.timer_version == room.timer_version)
        .values(timer_version=room.timer_version + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        raise StaleRoom(room.id)
    room.timer_version += 1


def _stamp_moments(room, before, after, transitions, action, now) -> None:
    """When the current phase and the whole session started and ended (for people, not rules)."""
    if transitions:
        last = transitions[-1]
        # Running or waiting, the phase became the current one then (a late start checks against it).
        room.phase_started_at = last.at
    if action == "start":
        room.phase_started_at = now
        room.started_at = room.started_at or now
    elif action == "reset":
        room.phase_started_at = room.started_at = room.ended_at = None
    if after.status == timer.COMPLETED and before.status != timer.COMPLETED:
        room.phase_started_at = None
        room.ended_at = transitions[-1].at if transitions and action != "end" else now
    room.last_active_at = now


def _write(room: Room, state: TimerState) -> None:
    room.status = state.status
    room.phase = state.phase
    room.round = state.round
    room.phase_ends_at = state.phase_ends_at
    room.remaining_seconds = state.remaining_seconds
    room.work_phases_done = state.work_phases_done


def _work_active(state: TimerState) -> bool:
    return state.phase == WORK and state.status in (RUNNING, PAUSED)


def _announce(room, before, caught_up, after, transitions, action, now, started_by_id=None) -> None:
    """Events in the order things happened: deadlines first (at their own moments), then the action."""
    for transition in transitions:
        if transition.ended_phase == WORK:
            # A skipped phase ends with part of its countdown unused; one at its deadline, with none.
            unused = timer.remaining_at(caught_up, transition.at) if transition.skipped else 0.0
            events.announce(events.WorkPhaseEnded(room, transition.at, finished=not transition.skipped,
                                                       unused_seconds=unused, noticed_at=now))
        if transition.started and transition.next_phase == WORK:
            events.announce(events.WorkPhaseStarted(room, transition.at))
    if action == "start" and after.phase == WORK:
        events.announce(events.WorkPhaseStarted(room, now, started_by_id))
    elif action == "pause":
        events.announce(events.RoomPaused(room, now))
    elif action == "resume":
        events.announce(events.RoomResumed(room, now))
    elif action in ("reset", "end") and _work_active(caught_up):
        events.announce(events.WorkPhaseEnded(room, now, finished=False,
                                              unused_seconds=timer.remaining_at(caught_up, now), noticed_at=now))
    if after.status == timer.COMPLETED and before.status != timer.COMPLETED:
        events.announce(events.RoomFinished(room, room.ended_at or now))


def remaining_seconds(room: Room, now: datetime) -> float:
    return timer.remaining_at(state_of(room), now)


def progress(room: Room, now: datetime) -> float:
    return timer.progress_at(state_of(room), config_of(room), now)
