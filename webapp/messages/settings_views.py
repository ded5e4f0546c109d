"""Messages in Settings: read receipts and blocked people; Block from a conversation."""
from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_login import current_user, login_required

from ..models import utcnow
from . import blocking, bp, conversations, services
from .errors import MessageError
from .forms import ConfirmForm, MessageSettingsForm
from .viewhelpers import fail, require_account


def settings_context() -> dict:
    """What the settings page (accounts) shows of messages, through _partials/settings_extra.html."""
    if request.endpoint != "accounts.settings" or not current_user.is_authenticated or current_user.is_guest:
        return {}
    return {"message_settings": {"receipts": services.sends_read_receipts(current_user.id),
                                 "blocked": blocking.blocked_people(current_user.id)}}


def _checked_form(form_class):
    form = form_class()
    if not form.validate_on_submit():
        fail(MessageError("Your form expired; reload the page and try again.", 400))
    return form


@bp.post("/settings")
@login_required
def save_settings():
    require_account()
    form = _checked_form(MessageSettingsForm)
    blocking.set_read_receipts(current_user, bool(form.send_read_receipts.data))
    flash("Read receipts are on." if form.send_read_receipts.data
          else "Read receipts are off: nobody will see when you read their messages.", "success")
    return redirect(url_for("accounts.settings", _anchor="messages-settings"))


@bp.post("/block/<username>")
@login_required
def block(username: str):
    require_account()
    _checked_form(ConfirmForm)
    try:
        other = conversations.find_person(username)
        blocking.block(current_user, other, utcnow())
    except MessageError as error:
        fail(error)
    flash(f"You blocked {other.name}. They are not told; unblock them here in Settings.", "success")
    return redirect(url_for("accounts.settings", _anchor="messages-settings"))


@bp.post("/unblock/<username>")
@login_required
def unblock(username: str):
    require_account()
    _checked_form(ConfirmForm)
    try:
        other = conversations.find_person(username)
    except MessageError as error:
        fail(error)
    blocking.unblock(current_user, other)
    flash(f"{other.name} can write to you again.", "success")
    return redirect(url_for("accounts.settings", _anchor="messages-settings"))
