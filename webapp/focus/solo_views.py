"""/focus: start a solo Pomodoro (a private room of one), log interruptions in it, end it, check in.

The running solo session is shown by the room page itself (rooms.room), so it gets the rooms'
live timer and tracking's activity reports; focus/_room_extra.html adds the log's part there.
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..errors import error_response
from ..idempotency import HEADER as IDEMPOTENCY_HEADER, idempotent
from . import bp, services
from .forms import CheckinForm, ConfirmForm, StartFocusForm, fill_task_choices, task_id_of
from .viewhelpers import client_moment, is_htmx, put_errors


@bp.route("/focus", methods=["GET", "POST"])
@login_required
@idempotent
def index():
    room = services.active_solo_room(current_user)
    if room is not None and request.method == "GET":
        return redirect(url_for("rooms.room", code=room.code))
    form = StartFocusForm()
    if request.method == "GET":
        form.fill_cycle(services.preferences_of(current_user))
    fill_task_choices(form.task_id, services.task_choices(current_user))
    if form.validate_on_submit():
        try:
            room = services.start_solo(current_user, target_minutes=form.target_minutes.data,
                                       task_id=task_id_of(form.task_id), cycle=form.chosen_cycle(),
                                       intention=form.intention.data)
        except services.Conflict as error:
            flash(error.message, "warning")  # /focus then shows the running session or links to it
            return redirect(url_for("focus.index"))
        except services.LogError as error:
            put_errors(form, error)
        else:
            return redirect(url_for("rooms.room", code=room.code))
    return _start_page(form), 422 if request.method == "POST" else 200


@bp.post("/focus/end")
@login_required
def end_solo():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    room = services.active_solo_room(current_user)
    try:
        record = services.end_solo(current_user)
    except services.Conflict as error:
        flash(error.message, "warning")
        return redirect(url_for("focus.index"))
    if record is None or room is None:  # nothing was recorded: nothing to check in on
        flash("Session ended before anything was recorded.", "info")
        return redirect(url_for("focus.history"))
    # The ended room shows the check-in and the way to the history.
    flash("Session ended. It is in your history.", "success")
    return redirect(url_for("rooms.room", code=room.code))


@bp.post("/focus/interrupted")
@login_required
@idempotent
def interrupt_now():
    """One click on a room page (solo or shared): an interruption starts now in the running session."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    message, status = None, 409
    clicked_at = client_moment("started_at")  # the offline outbox: when the click really was
    try:
        if clicked_at is None:
            session = services.live_session_now(current_user)
            services.log_interruption(current_user, session.id, type=request.form.get("type"))
        else:
            services.log_clicked_interruption(current_user, type=request.form.get("type"), started_at=clicked_at,
                                              ended_at=client_moment("ended_at"))
    except services.LogError as error:
        message, status = error.message, error.status
    if message and request.headers.get(IDEMPOTENCY_HEADER) and not is_htmx():
        return error_response(status, message)  # the offline outbox replaying: a plain refusal it can show
    if not is_htmx():
        if message:
            flash(message, "warning")
        return redirect(url_for("focus.index"))
    return now_panel(message, warning=True)


@bp.post("/focus/back")
@login_required
@idempotent
def back_now():
    """"I'm back" said offline, sent later by the outbox (the page never knew the interruption's id):
    the open interruption ends at `ended_at`, the moment the page saw."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.end_clicked_interruption(current_user, ended_at=client_moment("ended_at"))
    except services.LogError as error:
        if request.headers.get(IDEMPOTENCY_HEADER) and not is_htmx():
            return error_response(error.status, error.message)
        flash(error.message, "warning")
    return redirect(url_for("focus.index"))


@bp.post("/focus/<code>/checkin")
@login_required
def checkin(code: str):
    """One tap at the end of a solo cycle: done, partly or not (kept on each of its records)."""
    form = CheckinForm()
    if not form.validate_on_submit() and "csrf_token" in form.errors:
        abort(400)
    try:
        code = services.finished_solo_room(current_user, code).code
    except services.NotFound:
        abort(404)
    if form.errors:
        return _checkin_answer(code, None, "Choose done, partly or not."), 422
    try:
        services.check_in(current_user, code, form.answer.data)
    except services.LogError as error:
        if not is_htmx():
            flash(error.message, "warning")
            return redirect(url_for("focus.history"))
        return _checkin_answer(code, None, error.message)
    if not is_htmx():
        flash("Thanks: your check-in is in your history.", "success")
        return redirect(url_for("focus.history"))
    return _checkin_answer(code, form.answer.data)


def _checkin_answer(code: str, answer: str | None, message: str | None = None):
    return render_template("focus/_checkin.html", code=code, checkin=answer, message=message)


def now_panel(message: str | None = None, warning: bool = False):
    running = services.running_session(current_user)
    return_to = url_for("rooms.room", code=running.room.code) if running and running.room else url_for("focus.index")
    return render_template("focus/_live.html", panel_id="live-now", interrupt_url=url_for("focus.interrupt_now"),
                           open=services.open_interruption(running) if running else None, message=message,
                           warning=warning, return_to=return_to, now_panel=True)


def _start_page(form):
    from .routes import history_rows

    running = services.running_session(current_user)
    from ..rules.solo import rhythm
    return render_template("focus/index.html", form=form, running=running,
                           cycle_words=rhythm(services.preferences_of(current_user)),
                           recent=[] if running else history_rows(services.list_sessions(current_user, limit=1)),
                           figures=services.figures(running) if running else None,
                           open=services.open_interruption(running) if running else None)
