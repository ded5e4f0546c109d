"""One error type for the pages and the API: a status, a sentence, and field messages."""


class ForumError(Exception):
    status = 422

    def __init__(self, message: str, fields: dict | None = None, status: int | None = None):
        super().__init__(message)
        self.message, self.fields = message, fields or {}
        if status is not None:
            self.status = status


class NotFound(ForumError):
    status = 404


class NotAllowed(ForumError):
    status = 403


class Conflict(ForumError):
    status = 409


def invalid(fields: dict) -> ForumError:
    message = next(iter(fields.values())) if len(fields) == 1 else "Some fields are not valid."
    return ForumError(message, fields)


MAX_ID = 2**31 - 1  # ids are INTEGER columns; a larger number names nothing (and would overflow)


def row(model, row_id):
    """db.session.get for ids from outside: an id out of range is simply not found."""
    from ...extensions import db
    if not isinstance(row_id, int) or isinstance(row_id, bool) or not 0 < row_id <= MAX_ID:
        return None
    return db.session.get(model, row_id)
