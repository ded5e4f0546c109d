"""Account forms. Validation messages appear next to the field they concern."""
import re

from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from ..formbase import HtmlForm
from ..textrules import Visible, line_filter, lines_filter
from .passwords import password_problem
from .timezones import all_timezones, is_valid_timezone

USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9_]{3,30}$")


def _valid_username(form, field):
    if not USERNAME_PATTERN.match(field.data or ""):
        raise ValidationError("Use 3 to 30 letters, digits or underscores.")


def _acceptable_password(form, field):
    username = getattr(form, "username", None)
    problem = password_problem(field.data or "", username=username.data if username else None)
    if problem:
        raise ValidationError(problem)


def _valid_timezone(form, field):
    if field.data and not is_valid_timezone(field.data):
        raise ValidationError("Choose a time zone from the list.")


class RegisterForm(HtmlForm):
    username = StringField("Username", validators=[DataRequired("Choose a username."), _valid_username],
                           filters=[line_filter],
                           render_kw={"autocomplete": "username", "autocapitalize": "none"})
    email = EmailField("Email", validators=[DataRequired("Enter your email address."),
                                            Email("Enter a valid email address."), Length(max=254)],
                       filters=[line_filter],
                       render_kw={"autocomplete": "email"})
    password = PasswordField("Password", validators=[DataRequired("Choose a password."), _acceptable_password],
                             render_kw={"autocomplete": "new-password", "minlength": 8})
    confirm = PasswordField("Repeat password",
                            validators=[DataRequired("Repeat your password."),
                                        EqualTo("password", "The two passwords differ.")],
                            render_kw={"autocomplete": "new-password"})
    # Filled by the browser; an unknown zone falls back to UTC (services) instead of blocking sign-up.
    timezone = HiddenField("Time zone", validators=[Optional(), Length(max=64)], filters=[line_filter])


class LoginForm(HtmlForm):
    login = StringField("Username or email", validators=[DataRequired("Enter your username or email.")],
                        filters=[line_filter],
                        render_kw={"autocomplete": "username", "autocapitalize": "none"})
    password = PasswordField("Password", validators=[DataRequired("Enter your password.")],
                             render_kw={"autocomplete": "current-password"})
    remember = BooleanField("Keep me signed in")


class GuestForm(HtmlForm):
    display_name = StringField("Your name", validators=[DataRequired("Tell the room what to call you."), Visible(),
                                                        Length(max=50, message="Use at most 50 characters.")],
                               filters=[line_filter],
                               render_kw={"autocomplete": "nickname"})
    timezone = HiddenField("Time zone", validators=[Optional(), Length(max=64)], filters=[line_filter])


class ProfileForm(HtmlForm):
    display_name = StringField("Display name", validators=[DataRequired("Enter a display name."), Visible(),
                                                           Length(max=50, message="Use at most 50 characters.")],
                               filters=[line_filter])
    bio = TextAreaField("Bio", validators=[Optional(), Length(max=500, message="Use at most 500 characters.")],
                        filters=[lines_filter])
    timezone = SelectField("Time zone", validators=[DataRequired(), _valid_timezone], validate_choice=False,
                           filters=[line_filter])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.timezone.choices = [(name, name.replace("_", " ")) for name in all_timezones()]


class PasswordChangeForm(HtmlForm):
    current = PasswordField("Current password", validators=[DataRequired("Enter your current password.")],
                            render_kw={"autocomplete": "current-password"})
    password = PasswordField("New password", validators=[DataRequired("Choose a new password."),
                                                         _acceptable_password],
                             render_kw={"autocomplete": "new-password", "minlength": 8})
    confirm = PasswordField("Repeat new password",
                            validators=[DataRequired("Repeat the new password."),
                                        EqualTo("password", "The two passwords differ.")],
                            render_kw={"autocomplete": "new-password"})
