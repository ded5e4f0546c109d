"""One client of the live protocol, whatever carries it (a plain WebSocket or Socket.IO).

Client events call the rooms' services, exactly as the page's buttons and socket do; what the
room publishes (live_state's JSON next to the HTML fragments) is turned into the protocol's
server events by comparing it with what this client was told last. Everything one connection
does happens in one thread, in order (see connection.py).
"""
from __future__ import annotations

import json
import time
from datetime import datetime
from collections.abc import Callable

from ..extensions import db
from ..metrics import OPEN_SOCKETS
from ..models import Room, User, to_epoch_ms, utcnow
from ..rules.timer import RUNNING
from ..realtime.sockets import MAX_CLIENT_MESSAGE_BYTES
from ..rooms import liveness, people, presence, services, views
from ..rooms import sockets as room_sockets
from ..rooms.forms import (JsonFormProblem, RoomForm, code_problem, create_defaults, form_problems, json_form,
                           normalize_code)
from ..rooms.live_state import _iso, live_topic, people_json, person_json, room_json
from . import protocol
from .connection import Mailbox

MESSAGES_PER_WINDOW = 40  # client events per connection per window; more get a rate_limited error
WINDOW_SECONDS = 10.0

ERRORS = ((services.RoomNotFound, "not_found"), (services.NotAllowed, "forbidden"),
          (services.RoomFull, "room_full"), (services.TimerRefused, "conflict"), (services.RoomError, "invalid"))


TOO_LARGE = object()  # the data of a client event over the size limit (Socket.IO's are parsed already)


class Problem(Exception):
    def __init__(self, code: str, message: str, fields: dict | None = None):
        super().__init__(message)
        self.code, self.message, self.fields = code, message, fields


class RateWindow:
    def __init__(self, limit: int = MESSAGES_PER_WINDOW, window: float = WINDOW_SECONDS):
        self.limit, self.window = limit, window
        self.started, self.count = time.monotonic(), 0

    def allow(self) -> bool:
        now = time.monotonic()
        if now - self.started >= self.window:
            self.started, self.count = now, 0
        self.count += 1
        return self.count <= self.limit


class LiveSession:
    """The protocol's state for one connection of `user_id`; `send(event, data)` writes to it."""

    def __init__(self, user_id: int, mailbox: Mailbox, send: Callable[[str, dict], None]):
        self.user_id, self.mailbox, self.send = user_id, mailbox, send
        self.rate = RateWindow()
        self.code: str | None = None
        self.room_id: int | None = None
        self.socket_id: int | None = None
        self.room: dict | None = None
        self.people: dict[int, dict] = {}
        self.ticked_second: int | None = None

    # --- client events ---------------------------------------------------------------------
    def on_text(self, raw) -> None:
        """A WebSocket text message: {"event": ..., "data": {...}}."""
        from ..jsonsafety import loads
        if not isinstance(raw, str):
            return self.error("malformed", "Send text messages holding JSON.")
        if len(raw) > MAX_CLIENT_MESSAGE_BYTES:
            return self.error("too_large", f"Messages are at most {MAX_CLIENT_MESSAGE_BYTES} bytes.")
        try:
            message = loads(raw)
        except ValueError:
            return self.error("malformed", "That is not JSON.")
        if not isinstance(message, dict) or not isinstance(message.get("event"), str):
            return self.error("malformed", 'Send a JSON object {"event": "<name>", "data": {...}}.')
        self.on_event(message["event"], message.get("data", {}))

    def on_event(self, event: str, data) -> None:
        if not self.rate.allow():
            return self.error("rate_limited", "Too many messages; slow down.", event)
        if data is TOO_LARGE:
            return self.error("too_large", f"Messages are at most {MAX_CLIENT_MESSAGE_BYTES} bytes.", event)
        if event not in protocol.CLIENT_EVENTS:
            return self.error("unknown_event", "Unknown event; see /api/v1/live/asyncapi.json.", event)
        data = {} if data is None else data
        problems = protocol.data_problems(event, data)
        if problems:
            return self.error("invalid", "Some fields are not valid: " + ", ".join(problems) + ".", event, problems)
        try:
            self._dispatch(event, data)
        except Problem as problem:
            self.error(problem.code, problem.message, event, problem.fields)
        except services.RoomError as error:
            db.session.rollback()
            code = next(code for kind, code in ERRORS if isinstance(error, kind))
            self.error(code, error.message, event)
        finally:
            db.session.close()

    def _dispatch(self, event: str, data: dict) -> None:
        if event == "create_session":
            self.create(data)
        elif event == "join_session":
            self.join(data["room_code"])
        elif event in protocol.CONTROL_EVENTS:
            room, user = self._room(), self._user()
            services.control(room, user, protocol.CONTROL_EVENTS[event], utcnow())
        elif event == "update_status":
            self.update_status(data["status"])
        elif event in ("activity", "tab_switch"):
            self.report("activity" if event == "activity" else data["state"])
        elif event == "stop":
            self.stop()

    def create(self, settings: dict) -> None:
        try:
            form = json_form(RoomForm, settings, create_defaults())
        except JsonFormProblem as problem:
            raise Problem("invalid", "Some fields are not valid.", problem.fields) from None
        if not form.validate():
            raise Problem("invalid", "Some fields are not valid.", form_problems(form))
        room = services.create_room(self._user(), form.settings(), utcnow())
        self.send("session_created", {"room_code": room.code, "room": room_json(room, utcnow())})
        self.join(room.code)

    def join(self, code: str) -> None:
        if code_problem(normalize_code(code)):  # not a code at all: no query (PostgreSQL refuses a NUL)
            raise Problem("not_found", f"No room has the code {normalize_code(code)[:12] or '…'}.")
        services.join(services.find_room(code), self._user(), utcnow())  # refused: the current room stays
        if self.room_id is not None:
            self._leave_presence()  # (closes the database session: load the rows afterwards)
        room, now = services.find_room(code), utcnow()
        self.mailbox.switch([live_topic(room.id)])  # before reading the state: no change is missed
        self.code, self.room_id = room.code, room.id
        self.socket_id = presence.open_socket(room, self.user_id, now)[1]
        if self.socket_id is not None:
            OPEN_SOCKETS.inc()
            liveness.current().start()
            room_sockets.publish_presence(room.code, now)
        self.send_whole_state()

    def update_status(self, status: str) -> None:
        room, user = self._room(), self._user()
        if status == "failed":
            me = self._me(room)
            handler = room_sockets.MESSAGE_HANDLERS.get("failed")
            if handler is not None:
                handler(room, me, "failed", utcnow())
            return
        services.set_personal_pause(room, user, status == "paused", utcnow())

    def report(self, kind: str) -> None:
        room = self._room()
        me = self._me(room)
        handler = room_sockets.MESSAGE_HANDLERS.get(kind)
        if handler is not None:
            handler(room, me, kind, utcnow())

    def stop(self) -> None:
        code = self._room().code
        self._leave_presence()  # (closes the database session: load the rows afterwards)
        services.leave(services.find_room(code), self._user(), utcnow())
        self.mailbox.switch([])
        self.code = self.room_id = None
        self.room, self.people = None, {}
        self.send("session_left", {"room_code": code})

    # --- what the room publishes -----------------------------------------------------------
    def on_published(self, message: str) -> None:
        try:
            update = json.loads(message)
        except ValueError:
            return
        kind = update.get("kind")
        if self.room is None:
            return
        if kind == "room":
            self.room_changed(update["room"])
        elif kind == "people":
            self.people_changed(update["participants"], update["total"])

    def room_changed(self, new: dict) -> None:
        old, self.room = self.room, new
        before, after = old["timer"], new["timer"]
        if after["status"] == "completed" and before["status"] != "completed":
            self.send_completed()
        elif old["started_at"] is None and new["started_at"] is not None:
            self.send("session_started", {"room_code": self.code, "timer": after})
        elif _timer_key(before) != _timer_key(after):
            self.send("phase_changed", {"room_code": self.code, "timer": after, "previous": {
                "status": before["status"], "phase": before["phase"], "round": before["round"]}})
        if _room_key(old) != _room_key(new):
            self.send("room_updated", {"room": new})

    def people_changed(self, participants: list[dict], total: int) -> None:
        old, new = self.people, {p["user_id"]: p for p in participants}
        self.people = new
        for user_id, person in new.items():
            was = old.get(user_id)
            here, was_here = person["present"], was is not None and was["present"]
            if here and not was_here:
                self.send("participant_joined", {"room_code": self.code, "participant": person})
            elif was_here and not here:
                self.send("participant_left", {"room_code": self.code, "participant": person})
            elif was is not None and (was["status"], was["is_host"]) != (person["status"], person["is_host"]):
                self.send("participant_status_updated", {"room_code": self.code, "participant": person})
        if len(new) < total:
            return  # a big room lists only its first people: one missing from the list may be there still
        for user_id, person in old.items():
            if user_id not in new and person["present"]:
                self.send("participant_left", {"room_code": self.code,
                                               "participant": {**person, "status": "left", "present": False}})

    def seconds_to_next_tick(self) -> float | None:
        """How long until the next whole second, while the room's timer runs; None otherwise."""
        if self.room is None or self.room["timer"]["status"] != RUNNING:
            return None
        return 1.0 - time.time() % 1.0 + 0.001

    def tick_if_due(self) -> None:
        """The time_update of this second (once), derived from the server's stored deadline as the
        last room state gave it. Each connection derives its own: no message per room per second
        is rendered or published for clients that may not exist."""
        if self.room is None or self.room["timer"]["status"] != RUNNING or self.room["timer"]["phase_ends_at"] is None:
            return
        now = utcnow()
        second = int(now.timestamp())
        if second == self.ticked_second:
            return
        self.ticked_second = second
        timer = self.room["timer"]
        left = (datetime.fromisoformat(timer["phase_ends_at"]) - now).total_seconds()
        self.send("time_update", {
            "room_code": self.code, "status": timer["status"], "phase": timer["phase"], "round": timer["round"],
            "remaining_seconds": round(max(0.0, left), 3), "phase_ends_at": timer["phase_ends_at"],
            "server_time": _iso(now), "server_time_ms": to_epoch_ms(now)})

    # --- whole states ----------------------------------------------------------------------
    def send_whole_state(self) -> None:
        if self.code is None:
            return
        try:
            room = services.find_room(self.code)
        except services.RoomNotFound:
            return self._room_gone()
        now = utcnow()
        self.room = room_json(room, now)
        crowd = people_json(*self._people(room, now))
        self.people = {p["user_id"]: p for p in crowd["participants"]}
        me = services.membership(room.id, self.user_id)
        you = person_json(views.participant_view(room, me, now)) if me is not None else None
        self.send("session_joined", {"room": self.room, **crowd, "you": you, "server_time": _iso(now)})

    def send_completed(self) -> None:
        room = db.session.get(Room, self.room_id)  # by id: a room closed for good ends this way too
        now = utcnow()
        crowd = people_json(*self._people(room, now))
        self.people = {p["user_id"]: p for p in crowd["participants"]}
        self.send("session_completed", {"room_code": self.code, "room": room_json(room, now),
                                        "participants": crowd["participants"]})

    def _people(self, room, now):
        data = people.context(room, now)
        return data["people"], data["present"], data["total"]

    def _room_gone(self) -> None:
        self.error("not_found", "The room was closed.", None)

    # --- the end ---------------------------------------------------------------------------
    def close(self) -> None:
        """The connection ended: count its presence out (a host's last socket may hand over)."""
        try:
            self._leave_presence()
        finally:
            self.mailbox.close()
            db.session.close()

    def _leave_presence(self) -> None:
        if self.socket_id is not None:
            socket_id, self.socket_id = self.socket_id, None
            OPEN_SOCKETS.dec()
            room_sockets.disconnect(self.code, self.user_id, socket_id)

    # --- helpers ---------------------------------------------------------------------------
    def error(self, code: str, message: str, event: str | None = None, fields: dict | None = None) -> None:
        data = {"code": code, "message": message, "event": event}
        if fields:
            data["fields"] = fields
        self.send("error", data)

    def _user(self) -> User:
        return db.session.get(User, self.user_id)

    def _room(self):
        if self.code is None:
            raise Problem("not_joined", "Join a session first (join_session or create_session).")
        return services.find_room(self.code)

    def _me(self, room):
        me = services.membership(room.id, self.user_id)
        if me is None:
            raise Problem("not_joined", "You are not in this room any more; join it again.")
        return me


def _timer_key(timer: dict) -> tuple:
    # Not remaining_seconds: while running it differs between any two snapshots.
    return timer["status"], timer["phase"], timer["round"], timer["version"]


def _room_key(room: dict) -> tuple:
    return room["name"], room["host"], room["settings"], room["archived"]
