"""One running focus-session record per person, always.

Records are created in one place (services.open_for: a room's or a solo room's work phase, when the
person is there); the focus log refuses to start a session while one runs (focus.services
.ensure_none_running). The other way round is decided here: joining a running work phase ends
whatever the person was focusing on elsewhere first, as ended early, by the rule of the place it
belongs to:
- a solo session on the room machinery (a room of one) ends by ending its room's timer, which
  closes and scores the record like any other phase ended before its deadline;
- an untracked session (started through the API) ends by the focus log's own rule;
- a shared room's work phase: they left it for this one (its record ends as left).
Nothing here commits; the caller commits once.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from ..extensions import db
from ..focus import services as focus_log
from ..models import FocusSession, Room
from ..realtime import outbox
from ..rooms import publishing, timer_service
from ..rules.timer import TimerError


def end_running_elsewhere(room: Room, user_ids: list[int], at: datetime) -> None:
    """End these people's running sessions other than this room's, at `at` (two queries for all)."""
    if not user_ids:
        return
    for solo in _live_solo_rooms(room, user_ids):  # with a record or still waiting for their page
        _end_solo_room(solo, at)
    for record in _running_records(room, user_ids):
        if record.room_id is None:
            focus_log.finish(record, at)
        else:
            from .services import finish  # services imports this module
            finish(record.room, record, None, at, finished=False)


def _live_solo_rooms(room: Room, user_ids: list[int]) -> list[Room]:
    """Their solo cycles still on: a phase running or paused, or waiting between two."""
    return list(db.session.execute(
        select(Room).where(Room.is_solo.is_(True), Room.host_id.in_(user_ids), Room.id != room.id,
                           Room.archived_at.is_(None), focus_log.solo_room_is_live())
        .order_by(Room.id)).scalars())


def _running_records(room: Room, user_ids: list[int]) -> list[FocusSession]:
    return list(db.session.execute(
        select(FocusSession).where(FocusSession.user_id.in_(user_ids), FocusSession.status == "running",
                                   FocusSession.end_time.is_(None),
                                   (FocusSession.room_id != room.id) | FocusSession.room_id.is_(None))
        .order_by(FocusSession.id)).scalars())


def _end_solo_room(solo: Room, at: datetime) -> None:
    try:
        timer_service.change(solo, at, "end")
    except (TimerError, timer_service.StaleRoom):
        return  # over already, or changing right now: a record still running is ended as any other
    with publishing.rendering():  # its page, if still open, shows the session as over
        outbox.queue(publishing.room_topic(solo.id), publishing.timer_html(solo, at))
