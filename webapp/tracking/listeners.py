"""What tracking does when rooms and the timer announce something (wired in webapp/wiring.py).

Each listener runs inside the announcer's transaction and never commits: the announcer commits
once, and what people must see goes out after that commit (realtime.outbox). `at`/`now` are the
exact moments of the events (a phase's deadline, not the tick that noticed it).
"""
from __future__ import annotations

from .. import events
from . import notify, services, ticking
from .outcome import server_was_down


def work_phase_started(event: events.WorkPhaseStarted) -> None:
    """Open a focus-session record for every participant who is connected (or started it from a
    page offline), from `at`."""
    services.phase_started(event.room, event.at, event.started_by_id)


def work_phase_ended(event: events.WorkPhaseEnded) -> None:
    """Fold every open record to `at`, stop it, score it (against the time each person could
    have focused) and give it its status; tell each person their summary."""
    noticed_at = event.noticed_at
    services.phase_ended(event.room, event.at, event.finished, left_ms=round(event.unused_seconds * 1000),
                         server_down=noticed_at is not None and server_was_down(event.at, noticed_at))
    notify.phase_ended(event.room)


def room_paused(event: events.RoomPaused) -> None:
    services.room_paused(event.room, event.at)


def room_resumed(event: events.RoomResumed) -> None:
    services.room_resumed(event.room, event.at)


def participant_connected(event: events.ParticipantConnected) -> None:
    """During a work phase, count them (from now); in a strict room, ask where they were."""
    services.connected(event.room, event.participant, event.at)
    notify.came_back(event.room, event.participant, event.at)


def participant_disconnected(event: events.ParticipantDisconnected) -> None:
    services.disconnected(event.room, event.participant, event.at)


def participant_paused(event: events.ParticipantPaused) -> None:
    services.personal_pause(event.room, event.participant, event.paused, event.at)


def tick_ran(event: events.TickRan) -> None:
    """Set-based updates (idle transitions, strict-mode failures, checkpoints)."""
    event.lists_to_publish.update(ticking.tick(event.now) or ())


LISTENERS = {
    events.WorkPhaseStarted: work_phase_started,
    events.WorkPhaseEnded: work_phase_ended,
    events.RoomPaused: room_paused,
    events.RoomResumed: room_resumed,
    events.ParticipantConnected: participant_connected,
    events.ParticipantDisconnected: participant_disconnected,
    events.ParticipantPaused: participant_paused,
    events.TickRan: tick_ran,
}
