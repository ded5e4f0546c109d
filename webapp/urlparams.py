"""Path and query parameters that cannot reach the database in a form it refuses.

Ids in paths are 64-bit at most (SQLite raises OverflowError past 2**63, PostgreSQL an
out-of-range error), and path segments never carry control characters (PostgreSQL refuses NUL
in text): a URL that breaks either rule matches no route, so it is a plain 404.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask
from werkzeug.routing import IntegerConverter, UnicodeConverter, ValidationError

MAX_ID = 2**63 - 1
_MAX_ID_DIGITS = len(str(MAX_ID))


def has_control(text: str) -> bool:
    return any(ord(char) < 0x20 or 0x7F <= ord(char) <= 0x9F or 0xD800 <= ord(char) <= 0xDFFF for char in text)


class IdConverter(IntegerConverter):
    """<int:...> with the database's bounds: 0 .. 2**63-1."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = None,
                 signed: bool = False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=MAX_ID if max is None else max, signed=signed)

    def to_python(self, value: str):
        if len(value.lstrip("-0")) > _MAX_ID_DIGITS:  # int() of thousands of digits is slow or refused
            raise ValidationError()
        return super().to_python(value)


class TextConverter(UnicodeConverter):
    """The default <name> converter, refusing control characters."""

    def to_python(self, value: str):
        if has_control(value):
            raise ValidationError()
        return super().to_python(value)


def is_local_path(target: str) -> bool:
    """A redirect target on this site: a path, not //host or scheme:, and nothing that could
    split the Location header (CR/LF) or confuse a browser (other control characters)."""
    parts = urlsplit(target)
    return (target.startswith("/") and not target.startswith("//") and not parts.netloc and not parts.scheme
            and not has_control(target) and "\\" not in target)


def query_int(args, name: str, default: int, *, low: int, high: int) -> int:
    """A whole-number query parameter clamped to [low, high]; the default when missing or malformed."""
    raw = (args.get(name) or "").strip()
    if not raw.isascii() or not raw.lstrip("-").isdigit() or len(raw) > 30:
        return default
    return min(max(int(raw), low), high)


def init_app(app: Flask) -> None:
    """Before any blueprint adds its rules: converters are bound when a rule is added."""
    app.url_map.converters["int"] = IdConverter
    app.url_map.converters["default"] = TextConverter
    app.url_map.converters["string"] = TextConverter
