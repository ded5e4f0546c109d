"""A client of the live protocol (/api/v1/live) for tests: every message it sends or receives is
validated against the AsyncAPI document the server publishes."""
from __future__ import annotations

import json
import time
import urllib.request

import jsonschema
import websocket

from webapp.accounts.tokens import issue_token
from webapp.models import User
from tests.support import factories


class Schemas:
    """The published document's message payloads as validators, by event name."""

    def __init__(self, base_url: str):
        with urllib.request.urlopen(f"{base_url}/api/v1/live/asyncapi.json", timeout=5) as response:
            self.document = json.load(response)
        checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
        self.validators = {}
        for name, message in self.document["components"]["messages"].items():
            jsonschema.Draft202012Validator.check_schema(message["payload"])
            self.validators[name] = jsonschema.Draft202012Validator(message["payload"], format_checker=checker)
        self.directions = {name: message["x-direction"] for name, message in self.document["components"]["messages"].items()}

    def check(self, message: dict, direction: str) -> None:
        name = message.get("event")
        assert name in self.validators, f"{name!r} is not in the protocol document"
        assert self.directions[name] == direction, f"{name} is not a {direction} message"
        self.validators[name].validate(message)


def make_token(app, name: str, **user_fields) -> tuple[int, str]:
    with app.app_context():
        user = factories.make_user(f"{name}{time.monotonic_ns() % 10**9}", display_name=name.title(), **user_fields)
        return user.id, issue_token(user)[1]


class LiveClient:
    def __init__(self, server, schemas: Schemas, token: str | None, *, via: str = "subprotocol"):
        self.schemas, self.seen = schemas, []
        url = f"{server.ws_url}/api/v1/live"
        options = {"timeout": 5}
        if token is not None and via == "subprotocol":
            options["subprotocols"] = ["focusroom.v1", token]
        elif token is not None:
            url += f"?token={token}"
        self.ws = websocket.create_connection(url, **options)

    def send(self, event: str, data: dict | None = None, *, check: bool = True) -> None:
        message = {"event": event, "data": data or {}}
        if check:
            self.schemas.check(message, "client-to-server")
        self.ws.send(json.dumps(message))

    def send_raw(self, text: str) -> None:
        self.ws.send(text)

    def next(self, seconds: float = 5.0) -> dict | None:
        self.ws.settimeout(seconds)
        try:
            raw = self.ws.recv()
        except websocket.WebSocketTimeoutException:
            return None
        message = json.loads(raw)
        self.schemas.check(message, "server-to-client")
        self.seen.append(message)
        return message

    def wait_for(self, event: str, seconds: float = 6.0, **match) -> dict:
        """Read until `event` arrives whose data has these values (nested "participant" keys too)."""
        deadline = time.monotonic() + seconds
        got = []
        while time.monotonic() < deadline:
            message = self.next(max(0.05, deadline - time.monotonic()))
            if message is None:
                break
            got.append(message["event"])
            if message["event"] == event and _matches(message["data"], match):
                return message["data"]
        raise AssertionError(f"no {event} {match or ''} within {seconds}s; got {got}")

    def close(self) -> None:
        self.ws.close()


def _matches(data: dict, match: dict) -> bool:
    for key, value in match.items():
        where = data.get("participant", {}) if key in ("user_id", "status", "name") and "participant" in data else data
        if where.get(key) != value:
            return False
    return True


def user_of(app, user_id: int) -> User:
    from webapp.extensions import db
    return db.session.get(User, user_id)
