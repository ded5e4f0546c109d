"""Tests drive tracking the way rooms do: by announcing domain events, and by handing over a
page's report as the room socket does (without committing, so a test decides when)."""
from __future__ import annotations

from webapp import events
from webapp.tracking import figures, reports


def work_phase_started(room, at):
    events.announce(events.WorkPhaseStarted(room, at))


def work_phase_ended(room, at, *, finished, unused_seconds=0.0, noticed_at=None):
    events.announce(events.WorkPhaseEnded(room, at, finished, unused_seconds, noticed_at))


def room_paused(room, at):
    events.announce(events.RoomPaused(room, at))


def room_resumed(room, at):
    events.announce(events.RoomResumed(room, at))


def participant_connected(room, participant, at):
    events.announce(events.ParticipantConnected(room, participant, at))


def participant_disconnected(room, participant, at):
    events.announce(events.ParticipantDisconnected(room, participant, at))


def participant_paused(room, participant, paused, at):
    events.announce(events.ParticipantPaused(room, participant, paused, at))


def client_report(room, participant, kind, at) -> bool:
    return reports.account(room, participant, kind, at)


def tick(now) -> set[int]:
    ran = events.TickRan(now)
    events.announce(ran)
    return ran.lists_to_publish


def participant_figures(room, participant, now) -> dict:
    return figures.participant_figures(room, participant, now)
