"""The fuzz test's tools: hostile values, route discovery, form discovery, query-parameter discovery.

Everything is found from the running app (url_map, the rendered forms, the parameters a view
reads), so a new route, form field or query parameter is fuzzed without touching the test.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from sqlalchemy import func, select
from werkzeug.datastructures import ImmutableMultiDict

from webapp.extensions import db

LONG = "x" * 100_000

# Values a person could type into any field (forms get them as text).
HOSTILE_TEXT = [
    "", "a\x00b\x01\x1b\x7f\x85\x9f\r\n", "\u202eevil\u2066", "\u200b\u200d\ufeff\u3164 ", LONG,
    "99999999999999999999", "-1", "1e309", "1_000", "9999-12-31T23:59", "0001-01-01T00:00", "0001-01-01",
    "9999-12-31", "\x00", "NaN", "-9223372036854775809", "2024-02-30T25:61", "/\r\nSet-Cookie: x=1",
]

# What a JSON client could put in any field.
HOSTILE_JSON = [
    None, True, 0, -1, 1.5, 1e308, -1e308, 2**63, 10**30, -(2**64), "", "\x00", "\ud800", "a\udfffb",
    "\u202eevil", "\u200b\u200b", LONG, "9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z",
    "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-10:00", "2024-05-01", [], [1, 2], {}, {"a": {"b": 1}},
]

DEEP = "[" * 100_000 + "]" * 100_000
DEEP_OBJECT = '{"a":' * 50_000 + "1" + "}" * 50_000

# Whole JSON bodies: (raw body, content type).
HOSTILE_BODIES = [
    (DEEP, "application/json"), (DEEP_OBJECT, "application/json"), ('{"note": "\\ud800"}', "application/json"),
    ('["\\udc00"]', "application/json"), ('{"\\ud800": 1}', "application/json"), ('{"a": NaN}', "application/json"),
    ("", "application/json"), ("null", "application/json"), ("[]", "application/json"), ('"x"', "application/json"),
    ("12", "application/json"), ("{", "application/json"), (b'{"note": "\xff\xfe"}', "application/json"),
    ('{"a": 1' + "0" * 5000 + "}", "application/json"), ('{"a": 1}', "text/plain"),
    ("note=x", "application/x-www-form-urlencoded"), ("", None),
]

PATH_INTS = ["2" + "0" * 19, str(2**63), str(2**64), "9" * 40, "0", "00", "-1"]
PATH_TEXT = ["ZZZZZZ", "%00", "a%01b", "%E2%80%AE", "x" * 3000, "..", "%FF"]
QUERY_VALUES = HOSTILE_TEXT + ["/\x00", "/\\evil.example", "//evil.example", "9" * 30 + "_" + "9" * 25,
                               "-" + "9" * 25 + "_1", "all", "99999999d"]


# --- routes ---------------------------------------------------------------------------------

@dataclass
class Route:
    rule: str
    method: str
    endpoint: str
    arguments: tuple[str, ...]
    int_arguments: tuple[str, ...]

    @property
    def is_api(self) -> bool:
        return self.rule.startswith("/api/")

    def path(self, values: dict) -> str:
        return re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m: str(values[m.group(1)]), self.rule)


def routes_of(app) -> list[Route]:
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or getattr(rule, "websocket", False):
            continue
        ints = tuple(name for name, conv in rule._converters.items() if conv.regex == r"\d+")
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append(Route(rule.rule, method, rule.endpoint, tuple(rule.arguments), ints))
    return sorted(found, key=lambda r: (_destructive(r), r.rule, r.method))


def _destructive(route: Route) -> int:
    """Routes that delete the test's rows run late and those that sign out last, so the rest reach
    their handlers."""
    if re.search(r"logout|reset_password", route.endpoint):  # a reset signs the browser in afresh
        return 2
    return int(bool(re.search(r"delete|revoke|leave|end|control", route.endpoint)) or route.method == "DELETE")


# --- forms on rendered pages ----------------------------------------------------------------

@dataclass
class Form:
    method: str
    action: str
    fields: dict[str, str] = field(default_factory=dict)


class FormParser(HTMLParser):
    """Every <form> (action, hx-post or hx-patch) with its fields' current values."""

    def __init__(self, page_path: str):
        super().__init__()
        self.page_path = page_path
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            target = attrs.get("hx-post") or attrs.get("hx-patch") or attrs.get("action") or self.page_path
            method = "POST" if attrs.get("hx-post") or attrs.get("hx-patch") else (attrs.get("method") or "GET").upper()
            self._form = Form(method, target) if "ws-send" not in attrs else None
            if self._form:
                self.forms.append(self._form)
        elif self._form is None or not attrs.get("name"):
            return
        elif tag == "input" and attrs.get("type") not in ("submit", "checkbox", "radio", "button"):
            self._form.fields[attrs["name"]] = attrs.get("value") or ""
        elif tag == "input" and attrs.get("type") in ("checkbox", "radio", "submit"):
            self._form.fields.setdefault(attrs["name"], attrs.get("value") or "y")
        elif tag == "button" and attrs.get("type", "submit") == "submit":
            self._form.fields.setdefault(attrs["name"], attrs.get("value") or "")
        elif tag == "select":
            self._select = attrs["name"]
            self._form.fields.setdefault(self._select, "")
        elif tag == "option" and self._select and (not self._form.fields[self._select] or "selected" in attrs):
            self._form.fields[self._select] = attrs.get("value") or ""
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self._form.fields[self._textarea] = ""

    def handle_data(self, data):
        if self._textarea and self._form:
            self._form.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def forms_in(html: str, page_path: str) -> list[Form]:
    parser = FormParser(page_path)
    parser.feed(html)
    return parser.forms


# --- query parameters a view reads ----------------------------------------------------------

READ_KEYS: set[str] = set()


class RecordingArgs(ImmutableMultiDict):
    """request.args that remembers every key a view asks for, even ones the request lacks."""

    def get(self, key, default=None, type=None):
        READ_KEYS.add(key)
        return super().get(key, default, type)

    def __getitem__(self, key):
        READ_KEYS.add(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        READ_KEYS.add(key)
        return super().__contains__(key)

    def getlist(self, key, type=None):
        READ_KEYS.add(key)
        return super().getlist(key, type)


# --- the database after a refusal -----------------------------------------------------------

def row_counts() -> tuple[int, ...]:
    """Rows of every table, in one statement."""
    columns = [select(func.count()).select_from(table).scalar_subquery() for table in db.metadata.sorted_tables]
    with db.engine.connect() as connection:
        return tuple(connection.execute(select(*columns)).one())


def json_text(value) -> str:
    return json.dumps(value)
