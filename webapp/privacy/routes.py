import json

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, logout_user

from ..accounts.forms import DeleteAccountForm
from ..models import utcnow
from ..rooms import publishing
from . import bp, deletion, export


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
    if current_user.is_guest:  # a guest has no account to delete; registering gives them one
        abort(404)
    user = current_user._get_current_object()
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
    now = utcnow()
    for room in result.rooms_handed_over:
        publishing.publish_host_change(room, None, now)
    for room in result.rooms_left:
        publishing.participants_changed(room, now)
