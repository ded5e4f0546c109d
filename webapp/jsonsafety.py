"""JSON from clients, parsed once and safely: HTTP bodies (every request.get_json) and socket messages.

The standard parser raises RecursionError (not ValueError) on deeply nested input, which no
caller expects, and accepts lone surrogates ("\\ud800"), which no database can store as UTF-8,
as well as NaN and Infinity, which are not JSON. Here all of these become `UnsafeJSON`, a
ValueError with a message a client can act on.
"""
from __future__ import annotations

import json

from flask import Flask, Request
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import BadRequest

MAX_DEPTH = 32  # our documents are 1-2 levels deep; anything deeper is not meant for us


class UnsafeJSON(ValueError):
    """Input that is not JSON we accept; the message is user-facing."""


def _refuse_constant(name: str):
    raise UnsafeJSON(f"{name} is not a JSON number.")


def loads(text: str | bytes, **kwargs):
    """Like json.loads (ValueError when malformed), and UnsafeJSON, a ValueError too, for input
    that parses but cannot be accepted: too deeply nested, NaN/Infinity, lone surrogates."""
    try:
        data = json.loads(text, parse_constant=_refuse_constant, **kwargs)
    except RecursionError:
        raise UnsafeJSON(f"The JSON is nested too deeply (at most {MAX_DEPTH} levels).") from None
    _check_tree(data)
    return data


def _check_tree(data) -> None:
    """Depth and strings of a parsed document, without recursion."""
    pending = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if depth > MAX_DEPTH:
            raise UnsafeJSON(f"The JSON is nested too deeply (at most {MAX_DEPTH} levels).")
        if isinstance(value, str):
            _check_string(value)
        elif isinstance(value, dict):
            for key, item in value.items():
                _check_string(key)
                pending.append((item, depth + 1))
        elif isinstance(value, list):
            pending.extend((item, depth + 1) for item in value)


def _check_string(value: str) -> None:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise UnsafeJSON("The JSON contains a lone surrogate (an escape like \\ud800 without its pair); "
                         "send valid Unicode text.") from None


class SafeJSONProvider(DefaultJSONProvider):
    def loads(self, s, **kwargs):
        return loads(s, **kwargs)


class SafeRequest(Request):
    def on_json_loading_failed(self, e: ValueError | None):
        """A refused body is a 400 that says why (Flask's default hides the reason)."""
        if isinstance(e, UnsafeJSON):
            error = BadRequest(description=str(e))
            error.custom_message = True  # errors.py shows the description as is
            raise error
        return super().on_json_loading_failed(e)


def body_json(request: Request):
    """The request's JSON, or None when there is none (another content type, no body, malformed);
    UnsafeJSON when it parses but cannot be accepted."""
    if not request.is_json:
        return None
    try:
        return loads(request.get_data(cache=True))
    except UnsafeJSON:
        raise
    except ValueError:
        return None


def init_app(app: Flask) -> None:
    app.json = SafeJSONProvider(app)
    app.request_class = SafeRequest
