"""Forgot password: ask for a link, then choose a new password with it."""
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..extensions import limiter
from ..models import utcnow
from ..rules import reset_links
from . import bp, recovery
from .forms import ForgotPasswordForm, ResetPasswordForm
from .routes import HOME
from .sessions import start_login_session


def _reset_limit() -> str:
    return current_app.config["PASSWORD_RESET_RATE_LIMIT"]


@bp.route("/forgot-password", methods=["GET", "POST"])
@limiter.limit(_reset_limit, methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        recovery.request_reset_in_background(form.email.data, utcnow())
        # One answer for every address, so nobody learns which addresses have accounts.
        return render_template("accounts/forgot_sent.html", email=form.email.data)
    status = 200 if request.method == "GET" else 422
    return render_template("accounts/forgot.html", form=form), status


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@limiter.limit(_reset_limit, methods=["POST"])
def reset_password(token: str):
    link = recovery.find_link(token)
    now = utcnow()
    state = recovery.link_state(link, now)
    if state != reset_links.VALID:
        return _no_store(render_template("accounts/reset_invalid.html", state=state)), 410
    user = link.user
    form = ResetPasswordForm(account_username=user.username)
    if form.validate_on_submit():
        try:
            user = recovery.reset_password(link, form.password.data, now)
        except recovery.LinkSpent:
            return _no_store(render_template("accounts/reset_invalid.html", state=reset_links.USED)), 410
        start_login_session(user, remember=False)
        flash("Your password is changed, and you are signed in. Every other session is signed out.", "success")
        return redirect(url_for(HOME))
    status = 200 if request.method == "GET" else 422
    return _no_store(render_template("accounts/reset.html", form=form, user=user,
                                     signed_in_as_other=current_user.is_authenticated
                                     and current_user.id != user.id)), status


def _no_store(html: str):
    """The page's address holds a live credential: no cache may keep it."""
    response = current_app.make_response(html)
    response.headers["Cache-Control"] = "no-store"
    return response
