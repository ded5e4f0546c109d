"""Errors the log rules raise; the pages and the API turn them into messages and status codes."""


class LogError(Exception):
    """A refused change. `message` is user-facing; `fields` maps a field name to its problem."""

    status = 422

    def __init__(self, message: str, fields: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class NotFound(LogError):
    """The thing does not exist or is not the person's own (the two are never told apart)."""

    status = 404


class Conflict(LogError):
    """The change clashes with the current state (already ended, another session running, ...)."""

    status = 409

    def __init__(self, message: str, fields: dict[str, str] | None = None, *, session_id: int | None = None):
        super().__init__(message, fields)
        self.session_id = session_id  # the session the conflict is about, for a link


class Invalid(LogError):
    """One or more fields are not acceptable; nothing was written."""

    def __init__(self, fields: dict[str, str], message: str | None = None):
        super().__init__(message or _summary(fields), fields)


def _summary(fields: dict[str, str]) -> str:
    if len(fields) == 1:
        name, problem = next(iter(fields.items()))
        return f"{name}: {problem}"
    return "Some fields are not valid: " + ", ".join(fields) + "."


class Problems:
    """Collects field problems so every field is checked before anything is written."""

    def __init__(self) -> None:
        self.fields: dict[str, str] = {}

    def add(self, field: str, message: str) -> None:
        self.fields.setdefault(field, message)

    def __contains__(self, field: str) -> bool:
        return field in self.fields

    def raise_if_any(self) -> None:
        if self.fields:
            raise Invalid(dict(self.fields))
