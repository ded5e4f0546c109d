"""Room fragments: rendered once, sent to the page (include), the socket (push) and htmx (OOB).

Each fragment's root element has a stable id (`room-<CODE>-timer`, ...), so the htmx ws
extension swaps it out-of-band wherever it is on the page. Everyone in a room subscribes to
`room_topic`; the host's controls and a person's own buttons go to their `user_topic`.
Called only after the commit that made the change.
"""
from __future__ import annotations

import threading
import time
from contextlib import nullcontext
from datetime import datetime

from flask import current_app, has_request_context, render_template

from .. import realtime
from ..models import Participant, Room
from ..rules.timer import COMPLETED, IDLE, PAUSED, WORK
from ..templating import format_duration
from . import views


def room_topic(room_id: int) -> str:
    return f"room:{room_id}"


def user_topic(room_id: int, user_id: int) -> str:
    return f"room:{room_id}:user:{user_id}"


def rendering():
    """Templates use url_for; the ticker has no request, so give it a neutral one."""
    return nullcontext() if has_request_context() else current_app.test_request_context("/")


def timer_html(room: Room, now: datetime) -> str:
    return render_template("rooms/_timer.html", timer=views.timer_view(room, now))


def participants_html(room: Room, now: datetime) -> str:
    people = views.participant_views(room, now)
    return render_template("rooms/_participants.html", room=room, people=people,
                           present=views.present_count(people))


def controls_html(room: Room, viewer_id: int | None) -> str:
    return render_template("rooms/_controls.html", room=room,
                           is_host=viewer_id is not None and viewer_id == room.host_id)


def me_html(room: Room, participant: Participant | None) -> str:
    return render_template("rooms/_me.html", room=room, me=participant)


def announce_html(room: Room, text: str) -> str:
    return render_template("rooms/_announce.html", room=room, text=text)


def notice_html(room: Room, text: str) -> str:
    return render_template("rooms/_notice.html", room=room, text=text)


def full_state_html(room: Room, viewer: Participant | None, now: datetime) -> str:
    """Everything a page shows that can change: sent on (re)connect and after an overflow."""
    viewer_id = viewer.user_id if viewer is not None else None
    return "".join([timer_html(room, now), participants_html(room, now),
                    controls_html(room, viewer_id), me_html(room, viewer)])


def announcement(room: Room) -> str:
    """What screen readers hear after a phase change (never every second)."""
    phase = views.PHASE_LABELS.get(room.phase, room.phase)
    if room.status == COMPLETED:
        return "Session complete."
    if room.status == PAUSED:
        return f"{phase} paused."
    if room.status == IDLE:
        return f"Up next: {phase.lower()}. Waiting for the host to start it."
    length = format_duration(room.remaining_seconds)
    if room.phase == WORK:
        rounds = f" of {room.rounds}" if room.rounds else ""
        return f"Work, round {room.round}{rounds}, {length}."
    return f"{phase}, {length}."


def publish_timer_change(room: Room, now: datetime, *, announce: bool = True) -> None:
    """A start, pause, skip, deadline...: everyone's timer, statuses and the host's buttons."""
    with rendering():
        parts = [timer_html(room, now), participants_html(room, now)]
        if announce:
            parts.append(announce_html(room, announcement(room)))
        realtime.publish(room_topic(room.id), "".join(parts))
        if room.host_id is not None:
            realtime.publish(user_topic(room.id, room.host_id), controls_html(room, room.host_id))


def publish_time(room: Room, now: datetime) -> None:
    """The once-a-second correction of every screen in a running room."""
    with rendering():
        realtime.publish(room_topic(room.id), timer_html(room, now))


def publish_participants(room: Room, now: datetime, note: str | None = None) -> None:
    with rendering():
        html = participants_html(room, now)
        if note:
            html += announce_html(room, note)
        realtime.publish(room_topic(room.id), html)


# A busy room (hundreds arriving at once, tracking's reports) would otherwise re-send its
# whole list to everyone on every change: publish at most once per interval per room and let
# the ticker send what was held back.
PARTICIPANTS_MIN_INTERVAL = 1.0


class _ListThrottle:
    def __init__(self):
        self.lock = threading.Lock()
        self.last_sent: dict[int, float] = {}
        self.pending: set[int] = set()


def _throttle() -> _ListThrottle:
    return current_app.extensions.setdefault("focusroom_room_lists", _ListThrottle())


def participants_changed(room: Room, now: datetime) -> None:
    """Publish the room's list now, or leave it for the next tick if it just went out."""
    throttle, clock = _throttle(), time.monotonic()
    with throttle.lock:
        due = clock - throttle.last_sent.get(room.id, float("-inf")) >= PARTICIPANTS_MIN_INTERVAL
        if due:
            throttle.last_sent[room.id] = clock
            throttle.pending.discard(room.id)
        else:
            throttle.pending.add(room.id)
    if due:
        publish_participants(room, now)


def take_pending_lists() -> set[int]:
    """Room ids whose list was held back; the caller (the ticker) publishes them now."""
    throttle, clock = _throttle(), time.monotonic()
    with throttle.lock:
        pending, throttle.pending = throttle.pending, set()
        for room_id in pending:
            throttle.last_sent[room_id] = clock
    return pending


def publish_me(room: Room, participant: Participant) -> None:
    with rendering():
        realtime.publish(user_topic(room.id, participant.user_id), me_html(room, participant))


def publish_host_change(room: Room, old_host_id: int | None, now: datetime) -> None:
    new_host = room.host.name if room.host is not None else "Nobody"
    publish_participants(room, now, note=f"{new_host} is now the host.")
    with rendering():
        if old_host_id is not None:
            realtime.publish(user_topic(room.id, old_host_id), controls_html(room, old_host_id))
        if room.host_id is not None:
            realtime.publish(user_topic(room.id, room.host_id), controls_html(room, room.host_id))
