"""Reporting a message, and the message part of the moderators' queue (shown on the forum's
reports page through templates/messages/_report_queue.html)."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..models import utcnow
from . import blocking, bp, services
from .errors import MessageError
from .forms import ReportForm, ResolveForm
from .viewhelpers import fail, require_account


def queue_context() -> dict:
    """The forum's reports page lists message reports too (moderators only)."""
    if request.endpoint != "community.reports" or not current_user.is_authenticated or not current_user.is_moderator:
        return {}
    return {"message_reports": blocking.open_reports(), "message_resolve_form": ResolveForm()}


@bp.route("/m/<int:message_id>/report", methods=["GET", "POST"])
@login_required
def report(message_id: int):
    require_account()
    try:
        message = services.get_message_for(current_user, message_id)
    except MessageError as error:
        fail(error)
    if message.sender_id == current_user.id or message.deleted_at is not None:
        fail(MessageError("Only messages you received and that are still there can be reported.", 404))
    form = ReportForm()
    sender = message_sender(message)
    if request.method == "POST" and form.validate_on_submit():
        try:
            blocking.report(current_user, message, form.reason.data or "", utcnow())
            if form.block.data:
                blocking.block(current_user, sender, utcnow())
        except MessageError as error:
            form.reason.errors = [error.message]
        else:
            flash("Thank you. The moderators will look at it." + (f" {sender.name} is blocked." if form.block.data else ""),
                  "success")
            return redirect(url_for("messages.conversation", conversation_id=message.conversation_id))
    status = 422 if request.method == "POST" else 200
    return render_template("messages/report.html", form=form, message=message, sender=sender), status


def message_sender(message):
    from ..extensions import db
    from ..models import User
    return db.session.get(User, message.sender_id)


@bp.post("/moderation/reports/<int:report_id>")
@login_required
def resolve_report(report_id: int):
    form = ResolveForm()
    if not form.validate_on_submit():
        fail(MessageError("Your form expired; reload the page and try again.", 400))
    try:
        blocking.resolve(current_user, report_id, form.resolution.data or "", request.form.get("remove") == "1",
                         utcnow())
    except MessageError as error:
        fail(error)
    flash("Report resolved.", "success")
    return redirect(url_for("community.reports"))
