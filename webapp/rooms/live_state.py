"""The room's state as JSON, published next to the HTML fragments for clients that are not a page.

Same moments, same data as publishing.py and people.py (the view objects of views.py, at one
`now`), rendered as JSON instead of HTML and published on `live_topic(room_id)` through the same
hub and the same outbox (after the commit). Each message is a whole state of one kind, so it is
idempotent like the fragments:
  {"kind": "room",   "room": {...}}                           a timer change, new settings, a new host
  {"kind": "people", "participants": [...], "present", "total"} the list of people
The protocol layer (webapp/live) turns them into its events, and derives each second's time
update from the room state's deadline itself (nothing is published every second for it).
Nothing is rendered or sent for a room no JSON client listens to (on one process; with several
processes the room and people changes, which are rare, are always published).
"""
from __future__ import annotations

import json
from datetime import datetime

from .. import realtime
from ..models import Room
from ..realtime import outbox
from ..rules.timer import RUNNING
from . import views


def live_topic(room_id: int) -> str:
    return f"live:room:{room_id}"


def wanted(room_id: int) -> bool:
    return realtime.distributed() or realtime.get_hub().subscriber_count(live_topic(room_id)) > 0


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment is not None else None


def timer_json(room: Room, now: datetime) -> dict:
    timer = views.timer_view(room, now)
    return {"status": timer.status, "phase": timer.phase, "round": timer.round, "rounds": timer.rounds,
            "remaining_seconds": round(timer.remaining_seconds, 3), "phase_seconds": timer.phase_seconds,
            "phase_ends_at": _iso(room.phase_ends_at) if room.status == RUNNING else None,
            "version": timer.version}


SETTINGS = ("work_minutes", "short_break_minutes", "long_break_minutes", "long_break_every", "rounds",
            "auto_start_breaks", "auto_start_work", "is_public", "max_participants",
            "idle_threshold_seconds", "strict_mode", "grace_seconds")


def room_json(room: Room, now: datetime) -> dict:
    host = room.host
    return {"code": room.code, "name": room.name,
            "host": {"user_id": host.id, "name": host.name} if host is not None else None,
            "settings": {key: getattr(room, key) for key in SETTINGS},
            "timer": timer_json(room, now),
            "started_at": _iso(room.started_at), "ended_at": _iso(room.ended_at),
            "archived": room.archived_at is not None}


def person_json(person: views.ParticipantView) -> dict:
    return {"user_id": person.user_id, "name": person.name, "status": person.status, "present": person.present,
            "is_host": person.is_host, "is_guest": person.is_guest, "figures": dict(person.figures)}


def people_json(people: list[views.ParticipantView], present: int, total: int) -> dict:
    return {"participants": [person_json(p) for p in people], "present": present, "total": total}


def publish_room(room: Room, now: datetime) -> None:
    if wanted(room.id):
        outbox.publish(live_topic(room.id), json.dumps({"kind": "room", "room": room_json(room, now)}))


def publish_people(room_id: int, people: dict) -> None:
    if wanted(room_id):
        outbox.publish(live_topic(room_id), json.dumps({"kind": "people", **people}))
