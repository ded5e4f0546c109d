"""Room fragments: rendered once, sent to the page (include), the socket (push) and htmx (OOB).

Each fragment's root element has a stable id (`room-<CODE>-timer`, ...), so the htmx ws
extension swaps it out-of-band wherever it is on the page. Everyone in a room subscribes to
`room_topic`; the host's controls and a person's own buttons go to their `user_topic`.
Everything but the time goes out through realtime.outbox: after the commit that made it true.
"""
from __future__ import annotations

from contextlib import nullcontext
from datetime import datetime

from flask import current_app, has_request_context

from .. import realtime
from ..models import Participant, Room
from ..realtime import outbox
from ..rules import solo as solo_rules
from ..rules.timer import COMPLETED, IDLE, PAUSED, WORK
from ..templating import format_duration
from . import people, views


def room_topic(room_id: int) -> str:
    return f"room:{room_id}"


def user_topic(room_id: int, user_id: int) -> str:
    return f"room:{room_id}:user:{user_id}"


def rendering():
    """Templates use url_for; the ticker has no request, so give it a neutral one."""
    return nullcontext() if has_request_context() else current_app.test_request_context("/")


def fragment(name: str, **context) -> str:
    """Render a fragment without Flask's context processors: fragments take everything they show
    as arguments (never current_user), and the processors (navigation, other features' page
    data) would cost every socket push a few queries and url_for calls."""
    return current_app.jinja_env.get_template(name).render(**context)


def timer_html(room: Room, now: datetime) -> str:
    """The timer as people see it, and its clock."""
    timer = views.timer_view(room, now)
    return fragment("rooms/_timer.html", timer=timer, room=room, host_name=host_name(room)) + _clock(timer)


def host_name(room: Room) -> str | None:
    return room.host.name if room.host is not None else None


def heading_html(room: Room) -> str:
    """The room's name, rhythm and host: changes when the host edits the room or hands over."""
    return fragment("rooms/_heading.html", room=room, host_name=host_name(room))


def clock_html(clock: views.ClockView) -> str:
    """Only the deadline and the server's time: small, because it goes out every second."""
    return _clock(clock)


def _clock(timer: views.TimerView | views.ClockView) -> str:
    # The ticker renders this for every running room every second, so it gets a bare context:
    # no context processors and no globals (copying the environment's globals into each new
    # context was half its cost). The template uses nothing but `timer` and filters.
    template = current_app.jinja_env.get_template("rooms/_clock.html")
    return "".join(template.root_render_func(template.new_context({"timer": timer}, shared=True)))


def controls_html(room: Room, viewer_id: int | None) -> str:
    return fragment("rooms/_controls.html", room=room,
                           is_host=viewer_id is not None and viewer_id == room.host_id)


def me_html(room: Room, participant: Participant | None) -> str:
    return fragment("rooms/_me.html", room=room, me=participant,
                    is_host=participant is not None and participant.user_id == room.host_id)


def announce_html(room: Room, text: str) -> str:
    return fragment("rooms/_announce.html", room=room, text=text)


def notice_html(room: Room, text: str) -> str:
    return fragment("rooms/_notice.html", room=room, text=text)


def full_state_html(room: Room, viewer: Participant | None, now: datetime) -> str:
    """Everything a page shows that can change: sent on (re)connect and after an overflow."""
    viewer_id = viewer.user_id if viewer is not None else None
    return "".join([timer_html(room, now), people.section_html(room, now),
                    controls_html(room, viewer_id), me_html(room, viewer)])


def announcement(room: Room) -> str:
    """What screen readers hear after a phase change (never every second)."""
    phase = views.PHASE_LABELS.get(room.phase, room.phase)
    if room.is_solo:
        words = solo_rules.phase_words(room.status, room.phase, room.round, room.rounds)
        if room.status in (IDLE, PAUSED, COMPLETED):
            return f"{words}. {solo_rules.headline(room.status, room.phase, room.round, room.rounds)}"
        return f"{words}, {format_duration(room.remaining_seconds)}."
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
        parts = [timer_html(room, now), people.update_html(room, now)]
        if announce:
            parts.append(announce_html(room, announcement(room)))
        outbox.publish(room_topic(room.id), "".join(parts))
        if room.host_id is not None:
            outbox.publish(user_topic(room.id, room.host_id), controls_html(room, room.host_id))


def publish_room_changed(room: Room, now: datetime) -> None:
    """The host renamed the room or changed its lengths (between phases)."""
    with rendering():
        outbox.publish(room_topic(room.id), heading_html(room) + timer_html(room, now))


def publish_time(room_id: int, clock: views.ClockView) -> None:
    """The once-a-second correction of every screen in a running room. Not a change to anything
    (it is derived from the stored deadline), so it skips the outbox's check: the hottest path."""
    realtime.publish(room_topic(room_id), clock_html(clock), key="clock")


def participants_changed(room: Room, now: datetime) -> None:
    """Someone's presence or status changed: the room's list goes out (see people.changed for
    how often). The entry point for other features too (tracking's reports)."""
    people.changed(room, now)


def publish_me(room: Room, participant: Participant) -> None:
    with rendering():
        outbox.publish(user_topic(room.id, participant.user_id), me_html(room, participant))


def publish_host_change(room: Room, old_host_id: int | None, now: datetime) -> None:
    new_host = room.host.name if room.host is not None else "Nobody"
    people.publish(room, now, note=f"{new_host} is now the host.")
    with rendering():
        outbox.publish(room_topic(room.id), heading_html(room) + timer_html(room, now))
        if old_host_id is not None:
            outbox.publish(user_topic(room.id, old_host_id), controls_html(room, old_host_id))
        if room.host_id is not None:
            # The new host's Leave now asks for a confirmation first (their own buttons change).
            participant = next((p for p in room.participants if p.user_id == room.host_id), None)
            outbox.publish(user_topic(room.id, room.host_id),
                             controls_html(room, room.host_id) + me_html(room, participant))
