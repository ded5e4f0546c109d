"""The live protocol, described once: event names, the JSON Schema of every event's data, and the
AsyncAPI 3 document served at /api/v1/live/asyncapi.json (tests validate every message against it).

Every message, either way, is {"event": "<name>", "data": {...}}. Over Socket.IO the same names
and the same data travel as Socket.IO events.
"""
from __future__ import annotations

from copy import deepcopy

from ..rooms.views import PEOPLE_SHOWN
from ..rooms.forms import (LONG_BREAK_EVERY, LONG_BREAK_MINUTES, MAX_PARTICIPANTS, NAME_MAX, ROUNDS,
                           SHORT_BREAK_MINUTES, WORK_MINUTES)

VERSION = "1.0.0"
SUBPROTOCOL = "focusroom.v1"
UNAUTHORIZED_CLOSE = 4401

CONTROL_EVENTS = {"start_session": "start", "pause_session": "pause", "resume_session": "resume",
                  "skip_phase": "skip", "end_session": "end", "reset_session": "reset"}
STATUSES = ("focusing", "paused", "failed")
TAB_STATES = ("hidden", "visible")

ERROR_CODES = ("malformed", "too_large", "unknown_event", "invalid", "not_joined", "not_found", "forbidden",
               "conflict", "room_full", "rate_limited")

_NULLABLE_INT = {"type": ["integer", "null"]}
_NULLABLE_STR = {"type": ["string", "null"]}
_TIME = {"type": ["string", "null"], "format": "date-time"}


def _range(limits: tuple[int, int, int]) -> dict:
    default, low, high = limits
    return {"type": "integer", "minimum": low, "maximum": high, "default": default}


def _object(properties: dict, required=(), extra: bool = False, description: str = "") -> dict:
    schema = {"type": "object", "properties": properties, "required": list(required),
              "additionalProperties": extra}
    if description:
        schema["description"] = description
    return schema


EMPTY = _object({}, description="No data: send {} (or omit data).")

SETTINGS = _object({
    "name": {"type": "string", "minLength": 1, "maxLength": NAME_MAX},
    "work_minutes": _range(WORK_MINUTES), "short_break_minutes": _range(SHORT_BREAK_MINUTES),
    "long_break_minutes": _range(LONG_BREAK_MINUTES), "long_break_every": _range(LONG_BREAK_EVERY),
    "rounds": {**_range(ROUNDS), "type": ["integer", "null"]},
    "until_stopped": {"type": "boolean", "default": False, "description": "No round limit (rounds is ignored)."},
    "auto_start_breaks": {"type": "boolean", "default": True},
    "auto_start_work": {"type": "boolean", "default": False},
    "is_public": {"type": "boolean", "default": False},
    "max_participants": _range(MAX_PARTICIPANTS),
    "idle_threshold_seconds": {"type": "integer"}, "strict_mode": {"type": "boolean"},
    "grace_seconds": {"type": "integer"},
}, required=["name"], description="The fields of the create form (/rooms/new), with its defaults and ranges.")

TIMER = _object({
    "status": {"enum": ["idle", "running", "paused", "completed"]},
    "phase": {"enum": ["work", "short_break", "long_break"]},
    "round": {"type": "integer"}, "rounds": _NULLABLE_INT,
    "remaining_seconds": {"type": "number", "minimum": 0},
    "phase_seconds": {"type": "integer"},
    "phase_ends_at": {**_TIME, "description": "The server's deadline while running, else null."},
    "version": {"type": "integer", "description": "Grows with every change of the timer."},
}, required=["status", "phase", "round", "rounds", "remaining_seconds", "phase_seconds", "phase_ends_at", "version"])

ROOM = _object({
    "code": {"type": "string", "pattern": "^[A-Z0-9]{6}$"},
    "name": {"type": "string"},
    "host": {"oneOf": [{"type": "null"}, _object({"user_id": {"type": "integer"}, "name": {"type": "string"}},
                                                 required=["user_id", "name"])]},
    "settings": {"type": "object"},
    "timer": TIMER,
    "started_at": _TIME, "ended_at": _TIME, "archived": {"type": "boolean"},
}, required=["code", "name", "host", "settings", "timer", "started_at", "ended_at", "archived"])

PARTICIPANT = _object({
    "user_id": {"type": "integer"}, "name": {"type": "string"},
    "status": {"type": "string", "description": "waiting, focusing, on_break, paused, idle, away, failed or left."},
    "present": {"type": "boolean", "description": "A page or app of theirs is connected now."},
    "is_host": {"type": "boolean"}, "is_guest": {"type": "boolean"},
    "figures": {"type": "object", "description": "Tracking's figures, derived on the server: elapsed_seconds, "
                "active_seconds, idle_seconds, away_seconds, tab_switches, active_share, focus_score, "
                "score_so_far, available_seconds."},
}, required=["user_id", "name", "status", "present", "is_host", "is_guest", "figures"])

PEOPLE = {"type": "array", "items": PARTICIPANT}
ROOM_CODE = {"type": "string", "minLength": 1, "maxLength": 12}

CLIENT_EVENTS: dict[str, dict] = {
    "create_session": SETTINGS,
    "join_session": _object({"room_code": ROOM_CODE}, required=["room_code"],
                            description="Join (or re-join after a reconnect) and receive the whole state."),
    **{name: _object({}, description=f"Host only: the timer's {action} button.")
       for name, action in CONTROL_EVENTS.items()},
    "update_status": _object({"status": {"enum": list(STATUSES)}}, required=["status"],
                             description="focusing resumes, paused pauses only you, failed gives up the phase."),
    "activity": _object({}, description="The person is active (at most one every few seconds; never seconds)."),
    "tab_switch": _object({"state": {"enum": list(TAB_STATES)}}, required=["state"]),
    "stop": _object({}, description="Stop: leave the room (a host hands over)."),
}

SERVER_EVENTS: dict[str, dict] = {
    "session_created": _object({"room_code": {"type": "string"}, "room": ROOM}, required=["room_code", "room"]),
    "session_joined": _object({"room": ROOM, "participants": {**PEOPLE, "description": f"The first {PEOPLE_SHOWN} "
                                                           "people (present ones first); present and total count everyone."},
                               "present": {"type": "integer"},
                               "total": {"type": "integer"}, "you": PARTICIPANT,
                               "server_time": {"type": "string", "format": "date-time"}},
                              required=["room", "participants", "present", "total", "you", "server_time"],
                              description="The whole state: after join_session, and again whenever the "
                                          "server could not deliver every change."),
    "participant_joined": _object({"room_code": {"type": "string"}, "participant": PARTICIPANT},
                                  required=["room_code", "participant"]),
    "participant_left": _object({"room_code": {"type": "string"}, "participant": PARTICIPANT},
                                required=["room_code", "participant"]),
    "participant_status_updated": _object({"room_code": {"type": "string"}, "participant": PARTICIPANT},
                                          required=["room_code", "participant"]),
    "session_started": _object({"room_code": {"type": "string"}, "timer": TIMER}, required=["room_code", "timer"]),
    "phase_changed": _object({"room_code": {"type": "string"}, "timer": TIMER,
                              "previous": _object({"status": {"type": "string"}, "phase": {"type": "string"},
                                                   "round": {"type": "integer"}},
                                                  required=["status", "phase", "round"])},
                             required=["room_code", "timer", "previous"],
                             description="A new phase, a pause, a resume, a reset or new lengths."),
    "room_updated": _object({"room": ROOM}, required=["room"],
                            description="The name, the settings or the host changed."),
    "time_update": _object({"room_code": {"type": "string"}, "status": {"type": "string"},
                            "phase": {"type": "string"}, "round": {"type": "integer"},
                            "remaining_seconds": {"type": "number", "minimum": 0},
                            "phase_ends_at": _TIME,
                            "server_time": {"type": "string", "format": "date-time"},
                            "server_time_ms": {"type": "integer"}},
                           required=["room_code", "status", "phase", "round", "remaining_seconds",
                                     "phase_ends_at", "server_time", "server_time_ms"],
                           description="Every second while running, derived from the server's deadline."),
    "session_completed": _object({"room_code": {"type": "string"}, "room": ROOM, "participants": PEOPLE},
                                 required=["room_code", "room", "participants"],
                                 description="Everyone's figures and focus score at the end."),
    "session_left": _object({"room_code": {"type": "string"}}, required=["room_code"]),
    "error": _object({"code": {"enum": list(ERROR_CODES)}, "message": {"type": "string"},
                      "event": _NULLABLE_STR, "fields": {"type": "object", "additionalProperties": {"type": "string"}}},
                     required=["code", "message", "event"]),
}


def envelope(event: str, data_schema: dict) -> dict:
    return _object({"event": {"const": event}, "data": data_schema}, required=["event", "data"])


def asyncapi() -> dict:
    """The AsyncAPI 3.0 document of the protocol."""
    messages = {}
    for direction, events in (("client", CLIENT_EVENTS), ("server", SERVER_EVENTS)):
        for name, schema in events.items():
            messages[name] = {"name": name, "title": name.replace("_", " "),
                              "summary": schema.get("description", ""),
                              "payload": envelope(name, deepcopy(schema)),
                              "x-direction": "client-to-server" if direction == "client" else "server-to-client"}
    return {
        "asyncapi": "3.0.0",
        "info": {"title": "Focusroom live protocol", "version": VERSION,
                 "description": "Create, join, run and follow a focus room from any client. Connect to "
                                "/api/v1/live with an API token (Sec-WebSocket-Protocol: "
                                f"{SUBPROTOCOL}, <token>; or ?token=<token>); without one the socket closes "
                                f"with {UNAUTHORIZED_CLOSE}. Every message is a JSON object "
                                "{\"event\": ..., \"data\": {...}}. The same events travel over Socket.IO "
                                "at /socket.io/ (WebSocket transport; auth {\"token\": ...})."},
        "servers": {"live": {"host": "localhost:5000", "protocol": "ws", "pathname": "/api/v1/live"}},
        "channels": {"live": {"address": "/api/v1/live",
                              "messages": {name: {"$ref": f"#/components/messages/{name}"} for name in messages}}},
        "operations": {
            "send": {"action": "receive", "channel": {"$ref": "#/channels/live"},
                     "summary": "What a client sends.",
                     "messages": [{"$ref": f"#/channels/live/messages/{name}"} for name in CLIENT_EVENTS]},
            "receive": {"action": "send", "channel": {"$ref": "#/channels/live"},
                        "summary": "What the server sends.",
                        "messages": [{"$ref": f"#/channels/live/messages/{name}"} for name in SERVER_EVENTS]},
        },
        "components": {"messages": messages},
    }


def data_problems(event: str, data) -> dict[str, str]:
    """A client event's data checked against its schema's shape (names, types, enums); the rules
    themselves (ranges, texts) are the forms' and services'. {} when it is fine."""
    schema = CLIENT_EVENTS[event]
    if not isinstance(data, dict):
        return {"data": "Send a JSON object."}
    properties = schema["properties"]
    problems = {key: "Unknown field; allowed: " + (", ".join(properties) or "none") + "."
                for key in data if key not in properties}
    for key in schema["required"]:
        if data.get(key) is None:
            problems.setdefault(key, "This field is required.")
    for key, rule in properties.items():
        value = data.get(key)
        if key in data and "enum" in rule and value not in rule["enum"]:
            problems[key] = "Use one of: " + ", ".join(rule["enum"]) + "."
        elif key in data and rule.get("type") == "string" and not isinstance(value, str):
            problems[key] = "Give text (a JSON string)."
    return problems
