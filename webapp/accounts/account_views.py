"""The account itself: e-mail and username ("download my data" and deleting it: webapp/privacy)."""
from flask import abort, flash, redirect, url_for
from flask_login import current_user, login_required

from ..models import utcnow
from . import bp, services
from .forms import EmailChangeForm, UsernameChangeForm
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
