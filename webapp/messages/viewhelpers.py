"""Template filters and small view helpers for the message pages."""
from __future__ import annotations

from datetime import datetime

from flask import Flask, abort, make_response, render_template, request
from flask_login import current_user

from ..accounts.timezones import zone_of
from ..models import utcnow
from .errors import MessageError
from .text import first_line, render_body


def message_time(moment: datetime | None, viewer) -> str:
    """In the viewer's own zone: "14:05" today, "Tue 14:05" this week, else "3 Mar 2026, 14:05"."""
    if moment is None:
        return ""
    zone = zone_of(getattr(viewer, "timezone", None) or "UTC")
    local, today = moment.astimezone(zone), utcnow().astimezone(zone).date()
    if local.date() == today:
        return local.strftime("%H:%M")
    if 0 < (today - local.date()).days < 7:
        return local.strftime("%a %H:%M")
    return local.strftime("%d %b %Y, %H:%M").lstrip("0")


def init_filters(app: Flask) -> None:
    app.add_template_filter(render_body, "message_text")
    app.add_template_filter(message_time, "message_time")
    app.add_template_filter(first_line, "first_line")


def is_htmx() -> bool:
    return bool(request.headers.get("HX-Request"))


def require_account():
    """Guests get the invitation page (403); signed-out visitors were sent to login already."""
    if current_user.is_guest:
        abort(make_response(render_template("messages/guest.html"), 403))


def fail(error: MessageError):
    """Stop here with the error page (or JSON, or an htmx fragment) for this refusal."""
    from ..errors import error_response
    abort(make_response(error_response(error.status, error.message)))
