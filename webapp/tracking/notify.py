"""What tracking tells people over the room socket, queued until the caller's commit (realtime.outbox).

- to the person who just came back in a strict room: "What pulled you away?" (or that they failed);
- to each person at the end of a work phase: their short summary, score and why.
Nothing goes to the whole room: the list is the rooms' to publish, and activity.js reads the timer
(a new work phase puts the summary away; "completed" leads to the results).
"""
from __future__ import annotations

from datetime import datetime

from flask import render_template

from ..models import Participant, Room
from ..realtime import outbox
from ..rooms import publishing
from . import figures
from .presence import ms
from .prompts import prompt_for
from .services import open_record


def came_back(room: Room, participant: Participant, at: datetime) -> None:
    """After a report or a reconnection: if it ended an away spell in a strict room, ask."""
    record = open_record(participant)
    if not room.strict_mode or record is None:
        return
    if record.last_away_until_ms is None or record.last_away_until_ms < ms(at):
        return  # this event did not end an away spell
    prompt = prompt_for(room, participant, at)
    if prompt is not None:
        with publishing.rendering():
            html = render_template("tracking/_prompt.html", room=room, prompt=prompt)
        outbox.queue(publishing.user_topic(room.id, participant.user_id), html)


def phase_ended(room: Room) -> None:
    with publishing.rendering():
        for participant in room.participants:
            summary = figures.phase_summary(participant)
            if summary is not None and participant.connections > 0:
                html = render_template("tracking/_summary.html", room=room, summary=summary)
                outbox.queue(publishing.user_topic(room.id, participant.user_id), html)
