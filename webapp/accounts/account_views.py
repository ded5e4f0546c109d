"""The account itself: e-mail, username, "download my data", and deleting it."""
import json

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, logout_user

from ..models import utcnow
from . import bp, deletion, export, services
from .forms import DeleteAccountForm, EmailChangeForm, UsernameChangeForm
from .routes import render_settings


def _account_owner():
    """Guests have no e-mail, username or password to change; registering gives them one."""
    if current_user.is_guest:
        abort(404)
    return current_user._get_current_object()


@bp.post("/settings/email")
@login_required
def change_email():
    user = _account_owner()
    form = EmailChangeForm(prefix="email")
    if form.validate_on_submit():
        try:
            services.change_email(user, email=form.email.data, current=form.current.data, now=utcnow())
        except services.AccountError as error:
            getattr(form, error.field).errors.append(str(error))
        else:
            flash(f"Your email address is now {user.email}.", "success")
            return redirect(url_for("accounts.settings"))
    return render_settings(422, email_form=form)


@bp.post("/settings/username")
@login_required
def change_username():
    user = _account_owner()
    form = UsernameChangeForm(prefix="username")
    if form.validate_on_submit():
        try:
            services.change_username(user, username=form.username.data)
        except services.AccountError as error:
            form.username.errors.append(str(error))
        else:
            flash(f"Your username is now {user.username}; your profile lives at /u/{user.username}.", "success")
            return redirect(url_for("accounts.settings"))
    return render_settings(422, username_form=form)


@bp.get("/settings/export.json")
@login_required
def export_data():
    data = export.account_data(current_user, utcnow())
    body = json.dumps(data, ensure_ascii=False, indent=1)
    name = f"focusroom-{current_user.username or 'guest'}-{data['exported_at'][:10]}.json"
    return body, 200, {"Content-Type": "application/json; charset=utf-8",
                       "Content-Disposition": f'attachment; filename="{name}"'}


@bp.route("/settings/delete", methods=["GET", "POST"])
@login_required
def delete_account():
    user = _account_owner()
    form = DeleteAccountForm()
    if form.validate_on_submit():
        if form.confirm_username.data.strip().lower() != user.username:
            form.confirm_username.errors.append(f"Type {user.username} exactly, to show you mean it.")
        else:
            result = deletion.delete_account(user, utcnow())
            logout_user()
            session.clear()
            _publish_room_changes(result)
            flash("Your account is deleted. Thank you for focusing with us.", "info")
            return redirect(url_for("main.index"))
    status = 200 if request.method == "GET" else 422
    return render_template("accounts/delete.html", form=form, user=user), status


def _publish_room_changes(result: deletion.Deletion) -> None:
    """After the commit, people in the rooms concerned see the new host or the shorter list."""
    from ..rooms import publishing
    now = utcnow()
    for room in result.rooms_handed_over:
        publishing.publish_host_change(room, None, now)
    for room in result.rooms_left:
        publishing.participants_changed(room, now)
