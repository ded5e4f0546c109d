"""Small helpers the focus pages share: fragments for htmx, errors next to fields, safe returns."""
from __future__ import annotations

from flask import redirect, request, url_for
from flask_login import current_user

from ..accounts.timezones import zone_of
from ..models import utcnow
from ..rules.review import prefill_inside
from ..urlparams import is_local_path
from .services import LogError
from .times import BadTime, local_to_utc, parse_iso


def is_htmx() -> bool:
    return bool(request.headers.get("HX-Request"))


def client_moment(name: str):
    """A moment the offline outbox recorded (an ISO form field: when a click or an edit really
    happened), or None when absent or unreadable."""
    raw = request.form.get(name)
    if not raw:
        return None
    try:
        return parse_iso(raw)
    except BadTime:
        return None


def safe_next(default: str) -> str:
    """`next` if it points to this site, else `default` (a URL)."""
    target = request.values.get("next", "")
    return target if is_local_path(target) else default


def back(default_endpoint: str = "focus.history", **values):
    return redirect(safe_next(url_for(default_endpoint, **values)))


def put_errors(form, error: LogError) -> None:
    """Each field problem next to its field; the rest (conflicts) above the form."""
    placed = False
    for name, message in error.fields.items():
        field = getattr(form, name, None)
        if field is not None:
            field.errors = list(field.errors) + [message]
            placed = True
    if not placed or error.status == 409:
        form.form_errors.append(error.message)


def form_times(form) -> tuple | None:
    """The form's start and end, typed in the person's zone, in UTC; None with the problem next to
    the field when a time does not exist there."""
    times = []
    for field in (form.start_time, form.end_time):
        try:
            times.append(local_to_utc(field.data, current_user.timezone))
        except BadTime as error:
            field.errors = list(field.errors) + [str(error)]
    return tuple(times) if len(times) == 2 else None


def prefill_times(form, session) -> None:
    """Fill an interruption form's From/Until with a span inside the session (rules/review.py), in the
    person's zone: submitted as it is, it is accepted. Seconds show only when the session is too
    short to hold a whole minute."""
    start, end = prefill_inside(session.start_time, session.end_time, utcnow())
    zone = zone_of(current_user.timezone)
    try:
        local = [moment.astimezone(zone).replace(tzinfo=None) for moment in (start, end)]
    except OverflowError:  # the very ends of the calendar: leave the fields for the person
        return
    if any(moment.second for moment in local):
        for field in (form.start_time, form.end_time):
            field.format = list(reversed(field.format))  # render with seconds first
            field.render_kw = {**(field.render_kw or {}), "step": 1}
    form.start_time.data, form.end_time.data = local
