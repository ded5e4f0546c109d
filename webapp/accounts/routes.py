"""Account pages: thin views that parse a form, call a service, and render."""
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from ..extensions import db, limiter
from ..models import User
from ..urlparams import is_local_path
from . import bp, services
from .forms import (EmailChangeForm, GuestForm, LoginForm, PasswordChangeForm, ProfileForm, RegisterForm,
                    UsernameChangeForm)
from .timezones import all_timezones
from .sessions import (active_login_sessions, current_login_session_id, end_login_session,
                       end_other_login_sessions, restart_login_session, start_login_session)


def safe_next(default: str = "main.index") -> str:
    """The `next` target if it stays on this site, else the default page."""
    target = request.values.get("next", "")
    return target if is_local_path(target) else url_for(default)


# Where people land after signing up or in: their Today page (/ sends them there too).
HOME = "today.page"


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _signup_limit() -> str:
    return current_app.config["SIGNUP_RATE_LIMIT"]


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_signup_limit, methods=["POST"])
def register():
    if current_user.is_authenticated and not current_user.is_guest:
        return redirect(url_for("main.index"))
    form = RegisterForm()
    if form.validate_on_submit():
        guest = current_user._get_current_object() if current_user.is_authenticated and current_user.is_guest else None
        try:
            user = services.register(username=form.username.data, email=form.email.data,
                                     password=form.password.data, timezone=form.timezone.data, guest=guest)
        except services.AccountError as error:
            getattr(form, error.field).errors.append(str(error))
        else:
            start_login_session(user, remember=False)
            flash(f"Welcome to Focusroom, {user.name}!", "success")
            return redirect(safe_next(HOME))
    return render_template("accounts/register.html", form=form), 200 if request.method == "GET" or not form.errors else 422


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], deduct_when=lambda response: response.status_code != 302)
def login():
    if current_user.is_authenticated and not current_user.is_guest:
        return redirect(safe_next(HOME))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.login.data, form.password.data)
        if user is not None:
            start_login_session(user, remember=form.remember.data)
            flash(f"Welcome back, {user.name}.", "success")
            return redirect(safe_next(HOME))
        form.form_errors.append("That username/email and password do not match an account.")
    status = 200 if request.method == "GET" else 401
    return render_template("accounts/login.html", form=form), status


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        end_login_session(current_user)
        flash("You are signed out.", "info")
    return redirect(url_for("main.index"))


@bp.route("/guest", methods=["GET", "POST"])
@limiter.limit(_signup_limit, methods=["POST"])
def guest():
    if current_user.is_authenticated:
        return redirect(safe_next())
    form = GuestForm()
    if form.validate_on_submit():
        user = services.create_guest(form.display_name.data, form.timezone.data)
        # A guest's identity lives in the signed remember-me cookie, so it survives closing the tab.
        start_login_session(user, remember=True)
        return redirect(safe_next())
    return render_template("accounts/guest.html", form=form), 200 if request.method == "GET" else 422


@bp.get("/u/<username>")
def profile(username: str):
    user = db.session.execute(
        select(User).where(User.username == username.lower(), User.is_guest.is_(False))
    ).scalar_one_or_none()
    if user is None:
        abort(404)
    return render_template("accounts/profile.html", user=user, **profile_extras(user))


# Other features add to a profile (wired in webapp/wiring.py): each source takes (person, viewer)
# and returns template context; its "actions" (buttons beside the name: follow, message, ...) and
# "sections" (below the bio) are template names the page includes in order.
PROFILE_SOURCES: list = []


def profile_extras(user: User) -> dict:
    context: dict = {"profile_actions": [], "profile_sections": []}
    for source in PROFILE_SOURCES:
        extra = dict(source(user, current_user))
        context["profile_actions"] += extra.pop("actions", [])
        context["profile_sections"] += extra.pop("sections", [])
        context.update(extra)
    return context


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    profile_form = ProfileForm(prefix="profile", obj=current_user)
    password_form = PasswordChangeForm(prefix="password")
    if request.method == "POST":
        if "profile-submit" in request.form and profile_form.validate_on_submit():
            services.update_profile(current_user, display_name=profile_form.display_name.data,
                                    bio=profile_form.bio.data, timezone=profile_form.timezone.data)
            flash("Your profile is saved.", "success")
            return redirect(url_for("accounts.settings"))
        if "password-submit" in request.form and not current_user.is_guest and password_form.validate_on_submit():
            try:
                services.change_password(current_user, current=password_form.current.data,
                                         new=password_form.password.data)
            except services.AccountError as error:
                getattr(password_form, error.field).errors.append(str(error))
            else:
                restart_login_session(current_user._get_current_object())
                flash("Your password is changed. Every other session is signed out.", "success")
                return redirect(url_for("accounts.settings"))
    return render_settings(422 if request.method == "POST" else 200,
                           profile_form=profile_form, password_form=password_form)


def render_settings(status: int, **forms):
    """The settings page with fresh forms, except those given (which carry what was typed and its errors)."""
    forms.setdefault("profile_form", ProfileForm(prefix="profile", obj=current_user, formdata=None))
    forms.setdefault("password_form", PasswordChangeForm(prefix="password", formdata=None))
    forms.setdefault("email_form", EmailChangeForm(prefix="email", formdata=None))
    forms.setdefault("username_form", UsernameChangeForm(prefix="username", formdata=None))
    sessions = active_login_sessions(current_user)
    return render_template("accounts/settings.html", login_sessions=sessions,
                           current_session_id=current_login_session_id(current_user),
                           timezones=all_timezones(), **forms), status


@bp.post("/settings/logout-everywhere")
@login_required
def logout_everywhere():
    ended = end_other_login_sessions(current_user)
    if ended:
        flash(f"Signed out of {ended} other session{'s' if ended != 1 else ''}.", "success")
    else:
        flash("You were signed in nowhere else.", "info")
    return redirect(url_for("accounts.settings"))
