"""The contract between rooms (timer, sockets, ticker) and tracking (accounting, scores).

Rooms calls these functions at the moments named below; tracking implements them. None of
them commits: the caller commits once, then publishes. `at`/`now` are aware UTC datetimes and
are the exact moments of the events (a phase's deadline, not the tick that noticed it).
The bodies delegate to tracking's services (accounting: services.py and ticking.py; what people
see: figures.py).
"""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from . import figures, notify, services, ticking
from .flood import flood_guard
from .outcome import server_was_down

if TYPE_CHECKING:
    from ..models import Participant, Room


def work_phase_started(room: Room, at: datetime) -> None:
    """A work phase began running (start, auto-start, skip into work): open a focus-session record
    for every participant who is connected, from `at`."""
    services.phase_started(room, at)


def work_phase_ended(room: Room, at: datetime, *, finished: bool, unused_seconds: float = 0.0,
                     noticed_at: datetime | None = None) -> None:
    """The running work phase ended at `at` (deadline, skip, reset or end). `finished` is True when it
    ran to its deadline; `unused_seconds` is what its countdown still held (0 at the deadline);
    `noticed_at` is when the ticker or the host's action got to it (a deadline noticed long after
    means the server was down then). Fold every open record to `at`, stop it, compute its score
    (against the time each person could have focused) and status."""
    services.phase_ended(room, at, finished, left_ms=round(unused_seconds * 1000),
                         server_down=noticed_at is not None and server_was_down(at, noticed_at))
    notify.phase_ended(room)


def room_paused(room: Room, at: datetime) -> None:
    """The host paused the room: stop counting for everyone from `at`."""
    services.room_paused(room, at)


def room_resumed(room: Room, at: datetime) -> None:
    """The host resumed the room: count again from `at`."""
    services.room_resumed(room, at)


def participant_connected(room: Room, participant: Participant, at: datetime) -> None:
    """A participant's first socket opened (joined or came back); during a work phase, count them."""
    services.connected(room, participant, at)
    notify.came_back(room, participant, at)


def participant_disconnected(room: Room, participant: Participant, at: datetime) -> None:
    """A participant's last socket closed: they count as away from `at`."""
    services.disconnected(room, participant, at)


def participant_paused(room: Room, participant: Participant, paused: bool, at: datetime) -> None:
    """A participant paused or resumed themselves."""
    services.personal_pause(room, participant, paused, at)


def client_report(room: Room, participant: Participant, kind: str, at: datetime) -> bool:
    """The page reported `kind` in {"activity", "hidden", "visible"}. True when what others see changed."""
    if not flood_guard.allow(participant.id):
        return False
    changed = services.report(room, participant, kind, at)
    if changed:
        notify.came_back(room, participant, at)
    return changed


def tick(now: datetime) -> set[int]:
    """Once per tick: set-based updates (idle transitions, strict-mode failures).
    Returns the ids of rooms whose participant list must be re-published."""
    return ticking.tick(now)


def participant_figures(room: Room, participant: Participant, now: datetime) -> dict:
    """What the participant list and the API show beyond the room's own status: may contain
    `status` (idle/away/failed overriding focusing), `elapsed_seconds, active_seconds,
    idle_seconds, tab_switches, active_share, available_seconds` and `score_so_far` (the running
    phase's, as if it ended `now`), and `focus_score` (the last finished phase's)."""
    return figures.participant_figures(room, participant, now)
