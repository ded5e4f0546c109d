"""The room's list of people: rendered per person, published as the smallest change that keeps
every page right, at most about once a second per room.

A list is the same for everyone (room.js marks "you"). When only statuses changed, just the
changed <li> elements and the count go out (swapped by id); when someone arrives, leaves the
shown part or the order changes, the whole section does. Many changes within a second (a crowd
arriving, tracking's idle transitions) are held back and published by the next tick.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from markupsafe import Markup

from .. import realtime
from ..models import Room
from ..realtime import outbox
from . import live_state, presence, publishing, views

MIN_INTERVAL = 1.0  # seconds between two publications of one room's list...
PAGES_PER_INTERVAL = 100  # ...one more such interval per this many open pages: the bytes sent are
#                           (list size x pages), so a room of 1,000 refreshes its list every 10 s
FORGET_AFTER = 60.0


@dataclass(frozen=True)
class Rendered:
    at: float
    order: tuple[int, ...]
    items: dict[int, str]
    present_html: str
    section: str
    total: int
    json: dict  # the same list for clients that are not a page (live_state.people_json)


class _State:
    def __init__(self):
        self.lock = threading.Lock()
        self.last_sent: dict[int, float] = {}
        self.pending: set[int] = set()
        self.published: dict[int, Rendered] = {}  # what every open page of the room shows


def _state() -> _State:
    return current_app.extensions.setdefault("focusroom_room_people", _State())


def context(room: Room, now: datetime, limit: int | None = None) -> dict:
    roster = presence.roster(room, limit or views.PEOPLE_SHOWN)
    return {"people": views.participant_views(room, roster.shown, now), "present": roster.present,
            "total": roster.total}


def render(room: Room, now: datetime) -> Rendered:
    data = context(room, now)
    show_figures = data["present"] <= views.FIGURES_IN_LIST_UP_TO
    items = {p.user_id: publishing.fragment("rooms/_person.html", room=room, person=p, show_figures=show_figures)
             for p in data["people"]}
    order = tuple(p.user_id for p in data["people"])
    section = publishing.fragment("rooms/_participants.html", room=room, present=data["present"],
                                  total=data["total"], items=[Markup(items[uid]) for uid in order])
    present_html = publishing.fragment("rooms/_present.html", room=room, present=data["present"])
    return Rendered(time.monotonic(), order, items, present_html, section, data["total"],
                    live_state.people_json(data["people"], data["present"], data["total"]))


def section_html(room: Room, now: datetime) -> str:
    """The whole section for a page that opens (or re-syncs). It is the version everyone else
    shows: reused if published less than MIN_INTERVAL ago (a hundred people connecting at once
    cost one render, not a hundred), else published anew first, so later updates, computed
    against the published version, fit this page too."""
    state = _state()
    with state.lock:
        published = state.published.get(room.id)
    if published is None or time.monotonic() - published.at >= MIN_INTERVAL:
        publish(room, now)
        with state.lock:
            published = state.published[room.id]
    return published.section


def update_html(room: Room, now: datetime) -> str:
    """What to send so pages showing the published version show the current one ("" if nothing
    changed); the current one becomes the published version. The caller must send it."""
    state = _state()
    after = render(room, now)
    with state.lock:
        before = state.published.get(room.id)
        state.published[room.id] = after
    # With several processes publishing, this process's last version is not what pages show.
    if (before is None or before.order != after.order or before.total != after.total
            or realtime.distributed()):
        return after.section
    changed = [after.items[uid] for uid in after.order if after.items[uid] != before.items[uid]]
    if after.present_html != before.present_html:
        changed.append(after.present_html)
    return "".join(changed)


def publish(room: Room, now: datetime, note: str | None = None) -> None:
    with publishing.rendering():
        html = update_html(room, now)
        if note:
            html += publishing.announce_html(room, note)
        if html:
            outbox.publish(publishing.room_topic(room.id), html)
    publish_json(room.id)


def publish_json(room_id: int) -> None:
    """The list as pages now show it (the last update_html), for clients that are not a page."""
    state = _state()
    with state.lock:
        rendered = state.published.get(room_id)
    if rendered is not None:
        live_state.publish_people(room_id, rendered.json)


def _interval(room_id: int) -> float:
    pages = realtime.get_hub().subscriber_count(publishing.room_topic(room_id))
    return MIN_INTERVAL * max(1.0, pages / PAGES_PER_INTERVAL)


def changed(room: Room, now: datetime) -> None:
    """Publish the room's list now, or leave it for a later tick if it went out too recently."""
    state, clock, interval = _state(), time.monotonic(), _interval(room.id)
    with state.lock:
        due = clock - state.last_sent.get(room.id, float("-inf")) >= interval
        if due:
            state.last_sent[room.id] = clock
            state.pending.discard(room.id)
        else:
            state.pending.add(room.id)
    if due:
        publish(room, now)


def mark_changed(room_ids: set[int]) -> None:
    """These rooms' lists changed (tracking's tick says so): publish them when due."""
    state = _state()
    with state.lock:
        state.pending |= room_ids


def hold_back(room_ids: set[int]) -> None:
    """Taken but not published after all: due again at the next tick."""
    state = _state()
    with state.lock:
        state.pending |= room_ids
        for room_id in room_ids:
            state.last_sent.pop(room_id, None)


def take_due() -> set[int]:
    """Room ids whose held-back list may go out now; the caller (the ticker) publishes them."""
    state, clock = _state(), time.monotonic()
    intervals = {room_id: _interval(room_id) for room_id in list(state.pending)}
    with state.lock:
        due = {room_id for room_id in state.pending
               if clock - state.last_sent.get(room_id, float("-inf")) >= intervals.get(room_id, MIN_INTERVAL)}
        state.pending -= due
        for room_id in due:
            state.last_sent[room_id] = clock
        for room_id in [r for r, sent in state.last_sent.items() if clock - sent > FORGET_AFTER]:
            del state.last_sent[room_id]
        for room_id in [r for r, seen in state.published.items() if clock - seen.at > FORGET_AFTER]:
            del state.published[room_id]
    return due
