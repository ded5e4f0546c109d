"""The API's error rule, in one place; every module under webapp/api raises through these.

- 400: the request cannot be read at all: the body is not JSON, not a JSON object, or not sent
  as application/json (see auth.json_body).
- 422: the request was read, but a value in it is not acceptable: a body field *or* a query
  parameter (range, day, from, to, limit, cursor, an unknown name). `fields` names each one.
- 401 no valid token, 404 nothing of yours by that id, 409 a clash with the current state,
  429 too many attempts.

Every error body is {"error": "<one sentence>"} plus, when named fields are at fault,
"fields": {"<name>": "<what is wrong and what to send instead>"}.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping


class ApiError(Exception):
    """Raise in an API view to answer with {"error": message, "fields": {...}} and the status."""

    def __init__(self, status: int, message: str, fields: dict | None = None):
        super().__init__(message)
        self.status, self.message, self.fields = status, message, fields


def malformed(message: str) -> ApiError:
    """400: the request itself cannot be read."""
    return ApiError(400, message)


def invalid(fields: Mapping[str, str], message: str | None = None) -> ApiError:
    """422: readable, but these fields (body or query) have unacceptable values."""
    fields = dict(fields)
    return ApiError(422, message or _summary(fields), fields)


def _summary(fields: dict[str, str]) -> str:
    if len(fields) == 1:
        name, problem = next(iter(fields.items()))
        return f"{name}: {problem}"
    return "Some fields are not valid: " + ", ".join(fields) + "."


class QueryArgs:
    """A query string checked like a body: unknown names are problems, every problem is collected,
    and `check()` raises one 422 naming them all."""

    def __init__(self, args: Mapping[str, str], allowed: Iterable[str]):
        self.args, self.allowed = args, tuple(allowed)
        self.problems: dict[str, str] = {}
        for name in args:
            if name not in self.allowed:
                self.add(name, "Unknown parameter; use " + ", ".join(self.allowed) + ".")

    def get(self, name: str) -> str | None:
        return self.args.get(name)

    def __contains__(self, name: str) -> bool:
        return name in self.args

    def add(self, field: str, message: str) -> None:
        self.problems.setdefault(field, message)

    def check(self) -> None:
        if self.problems:
            raise invalid(self.problems)
