"""Tracking's HTTP side: the beacon report, "What pulled you away?", the host's settings, results.

Thin views: parse, authorize, call a service, commit once, then publish.
"""
from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_login import current_user
from flask_limiter.util import get_remote_address

from ..errors import abort_with
from ..extensions import db, limiter
from ..models import utcnow
from ..realtime import outbox
from ..rooms import publishing
from ..rooms import services as rooms
from . import bp, figures, prompts, reports, settings
from .reports import REPORT_KINDS
from ..rooms.forms import TrackingSettingsForm

# A page beacons only when its socket is down: a few reports a minute. More is a flood.
REPORT_LIMIT = "30 per minute"


def _reporter() -> str:
    return f"user:{current_user.id}" if current_user.is_authenticated else get_remote_address()


def _my_room(code: str):
    """The room and the viewer's participant row; 404 for anyone who is not in it."""
    try:
        room = rooms.find_room(code)
    except rooms.RoomNotFound as error:
        abort_with(404, error.message)
    me = rooms.participant_of(room, current_user) if current_user.is_authenticated else None
    if me is None:
        abort_with(404, f"You are not in room {room.code}.")
    return room, me


@bp.post("/r/<code>/report")
@limiter.limit(REPORT_LIMIT, key_func=_reporter)
def report(code: str):
    """navigator.sendBeacon's way in when the socket is down: the same reports, never any seconds."""
    room, me = _my_room(code)
    kind = request.form.get("type", "")
    if kind not in REPORT_KINDS:
        abort_with(400, "A report is one of: " + ", ".join(REPORT_KINDS) + ".")
    reports.receive(room, me, kind, utcnow())
    return "", 204


@bp.post("/r/<code>/away")
def answer_away(code: str):
    room, me = _my_room(code)
    now = utcnow()
    try:
        logged = prompts.answer(room, me, request.form.get("answer", ""), now)
    except prompts.UnknownAnswer:
        prompt = prompts.prompt_for(room, me, now)
        return render_template("tracking/_prompt.html", room=room, prompt=prompt,
                               error="Choose one of the answers."), _problem_status()
    db.session.commit()
    publishing.participants_changed(room, now)
    return render_template("tracking/_prompt.html", room=room, prompt=None, logged=logged, answered=True)


@bp.post("/r/<code>/tracking")
def change_settings(code: str):
    room, _me = _my_room(code)
    if room.host_id != current_user.id:
        abort_with(403, "Only the host can change how activity is tracked.")
    form = TrackingSettingsForm()
    if not form.validate_on_submit():
        template = "tracking/_settings.html" if request.headers.get("HX-Request") else "tracking/settings_page.html"
        return render_template(template, room=room, form=form), _problem_status()
    settings.change(room, idle_threshold_seconds=form.idle_threshold_seconds.data,
                    strict_mode=form.strict_mode.data, grace_seconds=form.grace_seconds.data, now=utcnow())
    db.session.commit()
    outbox.publish(publishing.room_topic(room.id), render_template("tracking/_rules.html", room=room))
    if not request.headers.get("HX-Request"):
        return redirect(url_for("rooms.room", code=room.code))
    return render_template("tracking/_settings.html", room=room, form=TrackingSettingsForm(obj=room), saved=True)


@bp.get("/r/<code>/results")
def results(code: str):
    """Everyone's session: readable by the room's participants, and by anyone for a public room."""
    try:
        room = rooms.find_room(code)
    except rooms.RoomNotFound as error:
        abort_with(404, error.message)
    is_participant = current_user.is_authenticated and rooms.participant_of(room, current_user) is not None
    if not (room.is_public or is_participant):
        abort_with(404, f"No room has the code {room.code}.")
    return render_template("tracking/results.html", room=room, results=figures.session_results(room),
                           viewer_id=current_user.id if current_user.is_authenticated else None)


def _problem_status() -> int:
    """htmx swaps only 2xx answers; a form sent by htmx gets its errors back with a 200."""
    return 200 if request.headers.get("HX-Request") else 422
