"""Interruption pages: one-click live logging and "I'm back", entries afterwards, relabel, delete."""
from __future__ import annotations

from flask import abort, flash, render_template, request, url_for
from flask_login import current_user, login_required

from . import bp, services
from .forms import ConfirmForm, InterruptionEntryForm, InterruptionLabelForm
from .times import utc_to_local
from .viewhelpers import back, form_times, is_htmx, prefill_times, put_errors


def live_panel(session, message: str | None = None, warning: bool = False):
    """The fragment with the one-click buttons (or "I'm back") of one session, for htmx swaps."""
    return render_template("focus/_live.html", panel_id=f"live-{session.id}", open=services.open_interruption(session),
                           interrupt_url=url_for("focus.interrupt", session_id=session.id), message=message,
                           warning=warning)


@bp.post("/sessions/<int:session_id>/interrupted")
@login_required
def interrupt(session_id: int):
    """One click: an interruption of the clicked type starts now."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.log_interruption(current_user, session_id, type=request.form.get("type"))
    except services.NotFound:
        abort(404)
    except services.LogError as error:
        return _refused(session_id, error)
    return _after_live(session_id)


@bp.post("/interruptions/<int:interruption_id>/back")
@login_required
def im_back(interruption_id: int):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        interruption = services.end_interruption(current_user, interruption_id)
    except services.NotFound:
        abort(404)
    except services.Conflict:
        interruption = services.owned_interruption(current_user, interruption_id)
    return _after_live(interruption.session_id, "Welcome back.")


@bp.route("/history/<int:session_id>/interruptions/new", methods=["GET", "POST"])
@login_required
def new_interruption(session_id: int):
    session = _owned_session_or_404(session_id)
    form = InterruptionEntryForm()
    if request.method == "GET":
        prefill_times(form, session)
    elif form.validate_on_submit() and (times := form_times(form)):
        try:
            services.log_interruption(current_user, session.id, type=form.type.data,
                                      description=form.description.data, start_time=times[0], end_time=times[1])
        except services.LogError as error:
            put_errors(form, error)
        else:
            flash("Interruption added.", "success")
            return back("focus.history", _anchor=f"session-{session.id}")
    return render_template("focus/interruption_form.html", form=form, session=session, interruption=None), \
        422 if request.method == "POST" else 200


@bp.route("/interruptions/<int:interruption_id>/edit", methods=["GET", "POST"])
@login_required
def edit_interruption(interruption_id: int):
    """Edit, or relabel a detected one. An open interruption has no end yet: only its label changes."""
    interruption = _owned_interruption_or_404(interruption_id)
    ended = interruption.end_time is not None
    form_class = InterruptionEntryForm if ended else InterruptionLabelForm
    form = form_class(obj=interruption if request.method == "GET" else None)
    if request.method == "GET" and ended:
        form.start_time.data = utc_to_local(interruption.start_time, current_user.timezone)
        form.end_time.data = utc_to_local(interruption.end_time, current_user.timezone)
    elif request.method == "POST" and form.validate_on_submit():
        changes = {"type": form.type.data, "description": form.description.data}
        times = form_times(form) if ended else ()
        if times is not None:
            if times:
                changes.update(start_time=times[0], end_time=times[1])
            try:
                services.update_interruption(current_user, interruption.id, **changes)
            except services.LogError as error:
                put_errors(form, error)
            else:
                flash("Interruption updated.", "success")
                return back("focus.history", _anchor=f"session-{interruption.session_id}")
    return render_template("focus/interruption_form.html", form=form, session=interruption.session,
                           interruption=interruption), 422 if request.method == "POST" else 200


@bp.post("/interruptions/<int:interruption_id>/delete")
@login_required
def delete_interruption(interruption_id: int):
    """Delete an interruption; for a detected one this is "dismiss"."""
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        session = services.delete_interruption(current_user, interruption_id)
    except services.NotFound:
        abort(404)
    flash("Interruption removed.", "success")
    return back("focus.history", _anchor=f"session-{session.id}")


def _after_live(session_id: int, message: str | None = None):
    session = services.owned_session(current_user, session_id)
    if is_htmx() and request.form.get("panel") == "now":
        from .solo_views import now_panel
        return now_panel(message)
    if is_htmx():
        return live_panel(session, message)
    return back("focus.history", _anchor=f"session-{session_id}")


def _refused(session_id: int, error: services.LogError):
    if is_htmx():
        # htmx swaps only 2xx answers: the refusal is shown inside the panel instead.
        return live_panel(services.owned_session(current_user, session_id), error.message, warning=True)
    flash(error.message, "warning")
    return back("focus.history", _anchor=f"session-{session_id}")


def _owned_session_or_404(session_id: int):
    try:
        return services.owned_session(current_user, session_id)
    except services.NotFound:
        abort(404)


def _owned_interruption_or_404(interruption_id: int):
    try:
        return services.owned_interruption(current_user, interruption_id)
    except services.NotFound:
        abort(404)
