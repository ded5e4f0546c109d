"""Reading JSON request bodies and query strings for the API: types checked per field, 422 naming it."""
from __future__ import annotations

from datetime import datetime

from ..errors import error_response
from ..extensions import db
from ..focus.services import Invalid, LogError, Problems
from ..focus.times import BadTime, parse_iso
from ..textrules import clean_text

MISSING = object()


class Payload:
    """One JSON object. Unknown keys are problems too: a typo must not be silently ignored."""

    def __init__(self, data: dict, allowed: tuple[str, ...]):
        self.data = data
        self.problems = Problems()
        for key in data:
            if key not in allowed:
                self.problems.add(key, "Unknown field; allowed: " + ", ".join(allowed) + ".")

    def has(self, name: str) -> bool:
        return name in self.data

    def time(self, name: str) -> datetime | None:
        value = self.data.get(name)
        if value is None:
            return None
        try:
            return parse_iso(value)
        except BadTime as error:
            self.problems.add(name, str(error))
            return None

    def integer(self, name: str) -> int | None:
        value = self.data.get(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.problems.add(name, "Give a whole number.")
            return None
        return value

    def text(self, name: str, *, multiline: bool = False, raw: bool = False) -> str | None:
        """A string, cleaned by the text rules (textrules.py) unless `raw` (passwords)."""
        value = self.data.get(name)
        if value is not None and not isinstance(value, str):
            self.problems.add(name, "Give text (a JSON string).")
            return None
        if value is None or raw:
            return value
        return clean_text(value, multiline=multiline)

    def require(self, *names: str) -> None:
        for name in names:
            if self.data.get(name) is None:
                self.problems.add(name, "This field is required.")

    def check(self) -> None:
        """Raise Invalid (422) when any field had the wrong type, before any rule runs."""
        if self.problems.fields:
            raise Invalid(dict(self.problems.fields))


def register_api_errors(api_bp) -> None:
    """The log's errors become the API's JSON errors (the session is rolled back first)."""
    @api_bp.errorhandler(LogError)
    def _log_error(error: LogError):
        db.session.rollback()
        return error_response(error.status, error.message, error.fields or None)
