"""What a room looks like at a moment: plain view objects for templates and the API.

Templates never query: everything they show is computed here from rows that were loaded
before rendering, at one `now`, so the page, the socket push and the API agree.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone

from ..models import Participant, Room, to_epoch_ms
from ..rules import solo as solo_rules
from ..rules.timer import COMPLETED, IDLE, LONG_BREAK, PAUSED, RUNNING, SHORT_BREAK, WORK
from . import timer_service

PEOPLE_SHOWN = 60
# Tracking's live figures (share active, score) change every few seconds for everyone; in a big
# room that would re-send the whole list to every page each time, so beyond this many people
# present the list shows statuses only (the API still has the figures).
FIGURES_IN_LIST_UP_TO = 50
# What other features add to a person's row beyond the room's own status: tracking's figures
# (`status` idle/away/failed, seconds, shares, scores). Each source takes the whole list shown and
# returns figures by participant id (a person it has nothing for may be missing), so a list costs
# a source a fixed number of queries, not one per person. Wired in webapp/wiring.py.
FIGURE_SOURCES: list[Callable[[Room, Sequence[Participant], datetime], Mapping[int, dict]]] = []
PHASE_LABELS = {WORK: "Work", SHORT_BREAK: "Short break", LONG_BREAK: "Long break"}
STATUS_LABELS = {
    "waiting": "waiting", "focusing": "focusing", "on_break": "on break", "paused": "paused",
    "left": "left", "idle": "idle", "away": "away", "failed": "failed",
}


@dataclass(frozen=True)
class TimerView:
    code: str
    status: str
    phase: str
    phase_label: str
    round: int
    rounds: int | None
    remaining_seconds: float
    phase_seconds: int
    progress: float
    ends_at_ms: int | None
    server_now_ms: int
    version: int
    # A solo room (/focus) speaks of focuses, not rounds, and has no host to wait for.
    solo: bool = False
    # The whole rhythm, for pages that run the countdown themselves (offline, see _timer.html).
    lengths: dict = field(default_factory=dict)
    ends_at: datetime | None = None  # the running phase's deadline

    @property
    def display_seconds(self) -> int:
        """Whole seconds as a countdown shows them: 25:00 at the start, 00:00 only at the end."""
        return max(0, math.ceil(self.remaining_seconds - 1e-6))

    @property
    def round_label(self) -> str:
        return f"{self.round} of {self.rounds}" if self.rounds else f"{self.round}"

    @property
    def ends_at_iso(self) -> str:
        """The running phase's deadline as ISO 8601 UTC ('' unless running)."""
        if self.ends_at is None or self.status != RUNNING:
            return ""
        return self.ends_at.astimezone(timezone.utc).isoformat(timespec="milliseconds")

    @property
    def headline(self) -> str:
        """The one line that says what is going on, in words."""
        if self.solo:
            return solo_rules.headline(self.status, self.phase, self.round, self.rounds)
        if self.status == COMPLETED:
            return "Session complete. Well done!"
        if self.status == PAUSED:
            return f"{self.phase_label} paused"
        if self.status == IDLE:
            if self.phase == WORK and self.round == 1:
                return "Waiting for the host to start"
            return f"Up next: {self.phase_label.lower()}"
        return "Focus time" if self.phase == WORK else f"{self.phase_label}: time to rest"


@dataclass(frozen=True)
class ParticipantView:
    id: int
    user_id: int
    name: str
    status: str
    is_host: bool
    is_guest: bool
    figures: dict = field(default_factory=dict)
    username: str | None = None  # their profile's address (guests have none)
    present: bool = False  # a page or app of theirs is connected (a "failed" person may have left)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status.replace("_", " "))


def timer_view(room: Room, now: datetime) -> TimerView:
    cfg = timer_service.config_of(room)
    solo = bool(getattr(room, "is_solo", False))
    label = (solo_rules.phase_words(room.status, room.phase, room.round, room.rounds) if solo
             else PHASE_LABELS.get(room.phase, room.phase))
    return TimerView(
        code=room.code, status=room.status, phase=room.phase,
        phase_label=label, round=room.round, rounds=room.rounds, solo=solo, ends_at=room.phase_ends_at,
        lengths={"work": cfg.work_seconds, "short_break": cfg.short_break_seconds,
                 "long_break": cfg.long_break_seconds, "long_break_every": cfg.long_break_every,
                 "auto_start_breaks": cfg.auto_start_breaks, "auto_start_work": cfg.auto_start_work},
        remaining_seconds=timer_service.remaining_seconds(room, now),
        phase_seconds=cfg.phase_seconds(room.phase), progress=timer_service.progress(room, now),
        ends_at_ms=to_epoch_ms(room.phase_ends_at) if room.status == RUNNING else None,
        server_now_ms=to_epoch_ms(now), version=room.timer_version,
    )


@dataclass(frozen=True)
class ClockView:
    """What the once-a-second update carries (see _clock.html); built from plain columns."""

    code: str
    status: str
    version: int
    ends_at_ms: int | None
    remaining_seconds: float
    server_now_ms: int


def clock_view(code: str, status: str, version: int, phase_ends_at: datetime | None,
               remaining_seconds: float, now: datetime) -> ClockView:
    running = status == RUNNING and phase_ends_at is not None
    left = max(0.0, (phase_ends_at - now).total_seconds()) if running else remaining_seconds
    return ClockView(code=code, status=status, version=version,
                     ends_at_ms=to_epoch_ms(phase_ends_at) if running else None,
                     remaining_seconds=left, server_now_ms=to_epoch_ms(now))


def own_status(room: Room, participant: Participant) -> str:
    """The status the room itself knows; tracking may refine it (idle, away, failed)."""
    if participant.connections <= 0:
        return "left"
    if room.status == PAUSED or participant.is_paused:
        return "paused"
    if room.status == RUNNING:
        return "focusing" if room.phase == WORK else "on_break"
    return "waiting"


def participant_view(room: Room, participant: Participant, now: datetime) -> ParticipantView:
    return participant_views(room, [participant], now)[0]


def participant_views(room: Room, participants: Sequence[Participant], now: datetime) -> list[ParticipantView]:
    found = [source(room, participants, now) or {} for source in FIGURE_SOURCES]
    views = []
    for participant in participants:
        figures: dict = {}
        for by_participant in found:
            figures.update(by_participant.get(participant.id) or {})
        views.append(_view(room, participant, figures))
    return views


def _view(room: Room, participant: Participant, figures: dict) -> ParticipantView:
    status = own_status(room, participant)
    tracked = figures.pop("status", None)
    # Tracking's status wins, except that a closed page reads "left" (the word for
    # it) unless tracking says the session failed, which matters more.
    if tracked and (status != "left" or tracked == "failed"):
        status = tracked
    user = participant.user
    return ParticipantView(id=participant.id, user_id=participant.user_id, name=user.name,
                           status=status, is_host=participant.user_id == room.host_id,
                           is_guest=user.is_guest, figures=figures,
                           username=None if user.is_guest else user.username, present=participant.connections > 0)

