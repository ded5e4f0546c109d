"""Account forms. Validation messages appear next to the field they concern."""
import re

from wtforms import BooleanField, EmailField, HiddenField, PasswordField, StringField, TextAreaField
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
    # Forms without a username field (a reset) name the account's in `account_username`.
    name = username.data if username is not None else getattr(form, "account_username", None)
    problem = password_problem(field.data or "", username=name)
    if problem:
        raise ValidationError(problem)


def _zone_name_filter(value):
    """People type "New York" as the list shows it; the zone is America/New_York."""
    if isinstance(value, str):
        value = value.strip().replace(" ", "_")
        if not is_valid_timezone(value):
            matches = [name for name in all_timezones() if name.lower() == value.lower()]
            value = matches[0] if matches else value
    return value


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
    # A text field with a datalist: browsers filter the ~600 zones as one types, without script.
    timezone = StringField("Time zone", validators=[DataRequired("Choose a time zone."), _valid_timezone],
                           filters=[line_filter, _zone_name_filter],
                           render_kw={"list": "timezone-list", "autocomplete": "off", "spellcheck": "false",
                                      "autocapitalize": "none"})


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


def _new_password_fields():
    password = PasswordField("New password", validators=[DataRequired("Choose a new password."), _acceptable_password],
                             render_kw={"autocomplete": "new-password", "minlength": 8})
    confirm = PasswordField("Repeat new password",
                            validators=[DataRequired("Repeat the new password."),
                                        EqualTo("password", "The two passwords differ.")],
                            render_kw={"autocomplete": "new-password"})
    return password, confirm


def _email_field(label: str):
    return EmailField(label, validators=[DataRequired("Enter your email address."),
                                         Email("Enter a valid email address."), Length(max=254)],
                      filters=[line_filter], render_kw={"autocomplete": "email"})


class ForgotPasswordForm(HtmlForm):
    email = _email_field("Email")


class ResetPasswordForm(HtmlForm):
    password, confirm = _new_password_fields()

    def __init__(self, *args, account_username: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.account_username = account_username


class EmailChangeForm(HtmlForm):
    email = _email_field("New email")
    current = PasswordField("Current password", validators=[DataRequired("Enter your current password.")],
                            render_kw={"autocomplete": "current-password"})


class UsernameChangeForm(HtmlForm):
    username = StringField("New username", validators=[DataRequired("Choose a username."), _valid_username],
                           filters=[line_filter],
                           render_kw={"autocomplete": "username", "autocapitalize": "none"})


class DeleteAccountForm(HtmlForm):
    confirm_username = StringField("Type your username to confirm",
                                   validators=[DataRequired("Type your username to confirm.")],
                                   filters=[line_filter],
                                   render_kw={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"})
