"""History pages: the log itself, manual entries, edits, deletion with a confirmation step."""
from __future__ import annotations

from datetime import timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..models import utcnow
from ..errors import error_response
from ..idempotency import HEADER as IDEMPOTENCY_HEADER, idempotent
from ..templating import local_time
from . import bp, services
from .forms import ConfirmForm, SessionEntryForm, fill_task_choices, task_id_of
from .history import HistoryFilter, group_by_day, local_day, make_cursor, parse_cursor
from .times import day_end, day_start, utc_to_local
from .viewhelpers import back, client_moment, form_times, is_htmx, put_errors


@bp.app_context_processor
def _labels():
    return {"type_labels": services.TYPE_LABELS}


@bp.get("/history")
@login_required
def history():
    filters = HistoryFilter.parse(request.args, current_user.timezone)
    try:
        before = parse_cursor(request.args.get("before"))
    except ValueError:
        abort(400)
    page_size = services.HISTORY_PAGE_SIZE
    sessions = services.list_sessions(current_user, start=filters.start, end=filters.end, before=before,
                                      limit=page_size + 1)
    more_url = None
    if len(sessions) > page_size:
        sessions = sessions[:page_size]
        last = sessions[-1]
        more_url = url_for("focus.history", before=make_cursor(last.start_time, last.id), **filters.query_args())
    zone = current_user.timezone
    days = group_by_day(history_rows(sessions), zone, _day_spans(sessions, zone),
                        continued_day=local_day(before[0], zone) if before else None)
    context = {"days": days, "more_url": more_url, "filters": filters, "first_page": before is None}
    if is_htmx() and before is not None:
        return render_template("focus/_history_page.html", **context)
    return render_template("focus/history.html", **context)


@bp.route("/history/new", methods=["GET", "POST"])
@login_required
@idempotent
def new_entry():
    form = SessionEntryForm()
    fill_task_choices(form.task_id, services.task_choices(current_user))
    if request.method == "GET":
        now = utc_to_local(utcnow(), current_user.timezone)
        form.start_time.data, form.end_time.data = now - timedelta(minutes=25), now
    elif form.validate_on_submit() and (times := form_times(form)):
        try:
            session = services.create_manual(current_user, start_time=times[0], end_time=times[1],
                                             task_id=task_id_of(form.task_id), note=form.note.data)
        except services.LogError as error:
            put_errors(form, error)
        else:
            flash("Session added to your history.", "success")
            return redirect(url_for("focus.history", _anchor=f"session-{session.id}"))
    status = 422 if request.method == "POST" else 200
    return render_template("focus/entry_form.html", form=form, session=None), status


@bp.route("/history/<int:session_id>/edit", methods=["GET", "POST"])
@login_required
@idempotent
def edit_entry(session_id: int):
    session = _owned_or_404(session_id)
    times_editable = session.status != "running" and not services.is_tracked(session)
    form = _edit_form(session, times_editable)
    if form.validate_on_submit() and (changes := _entry_changes(form, times_editable)) is not None:
        if (lost := _lost_to_a_later_edit(session)) is not None:
            return lost
        try:
            services.update_session(current_user, session.id, **changes)
        except services.LogError as error:
            put_errors(form, error)
        else:
            flash("Session updated.", "success")
            return redirect(url_for("focus.history", _anchor=f"session-{session.id}"))
    status = 422 if request.method == "POST" else 200
    return render_template("focus/entry_form.html", form=form, session=session,
                           times_editable=times_editable), status


@bp.route("/history/<int:session_id>/delete", methods=["GET", "POST"])
@login_required
def delete_entry(session_id: int):
    """GET asks "Really delete?"; only the POST from that page deletes (no script needed)."""
    session = _owned_or_404(session_id)
    form = ConfirmForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            services.delete_session(current_user, session.id)
        except services.Conflict as error:
            flash(error.message, "warning")
            return redirect(url_for("focus.history", _anchor=f"session-{session.id}"))
        flash("Session deleted.", "success")
        return redirect(url_for("focus.history"))
    return render_template("focus/confirm_delete.html", form=form, session=session,
                           figures=services.figures(session))


@bp.post("/sessions/<int:session_id>/end")
@login_required
def end_session(session_id: int):
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.end_session(current_user, session_id)
    except services.NotFound:
        abort(404)
    except services.Conflict as error:
        flash(error.message, "warning")
    else:
        flash("Session ended. It is in your history.", "success")
    return back("focus.history", _anchor=f"session-{session_id}")


def _lost_to_a_later_edit(session):
    """Last write wins on `updated_at`: an edit made offline (`edited_at`, sent by the outbox)
    before the entry's last change is not applied, and the device that made it is told."""
    edited_at = client_moment("edited_at")
    if edited_at is None or session.updated_at is None or edited_at >= session.updated_at:
        return None
    message = (f"Changed on another device at {local_time(session.updated_at, '%H:%M')}, after this edit: "
               "the newer version was kept.")
    if request.headers.get(IDEMPOTENCY_HEADER):
        return error_response(409, message)  # the outbox shows it next to the edit, to discard
    flash(message, "warning")
    return redirect(url_for("focus.history", _anchor=f"session-{session.id}"))


def _edit_form(session, times_editable: bool) -> SessionEntryForm:
    form = SessionEntryForm(obj=session if request.method == "GET" else None)
    fill_task_choices(form.task_id, services.task_choices(current_user, include_id=session.task_id))
    if request.method == "GET":
        form.start_time.data = utc_to_local(session.start_time, current_user.timezone)
        form.end_time.data = utc_to_local(session.end_time, current_user.timezone)
        form.task_id.data = session.task_id or 0
    if not times_editable:  # the times are shown, not submitted
        form.start_time.validators = form.end_time.validators = []
    return form


def _entry_changes(form, times_editable: bool) -> dict | None:
    """What the edit form asks to change; None when a time does not exist in the person's zone."""
    changes = {"note": form.note.data, "task_id": task_id_of(form.task_id)}
    if times_editable:
        times = form_times(form)
        if times is None:
            return None
        changes.update(start_time=times[0], end_time=times[1])
    return changes


def _owned_or_404(session_id: int):
    try:
        return services.owned_session(current_user, session_id)
    except services.NotFound:
        abort(404)


def _day_spans(sessions, zone) -> list:
    """Every session of the local days this page shows, for their daily totals."""
    if not sessions:
        return []
    first, last = local_day(sessions[-1].start_time, zone), local_day(sessions[0].start_time, zone)
    return services.session_starts_and_lengths(current_user, day_start(first, zone), day_end(last, zone))


def history_rows(sessions) -> list[dict]:
    now = utcnow()
    return [{"session": s, "figures": services.figures(s, now), "open": services.open_interruption(s)}
            for s in sessions]
