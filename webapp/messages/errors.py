"""What the message services refuse, with the status a page or the API answers."""
from __future__ import annotations


class MessageError(Exception):
    status = 400

    def __init__(self, message: str, status: int | None = None, fields: dict | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        if status is not None:
            self.status = status


class NotFound(MessageError):
    """Not there, or not yours to see: the same answer, so nobody learns a conversation exists."""
    status = 404


class NotAllowed(MessageError):
    status = 403


def invalid(field: str, message: str) -> MessageError:
    return MessageError(message, 422, {field: message})
