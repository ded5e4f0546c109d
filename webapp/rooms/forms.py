"""Room forms. Every setting's default and range lives here once (the model mirrors the defaults)."""
from wtforms import BooleanField, IntegerField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from ..formbase import HtmlForm
from ..models import ROOM_CODE_ALPHABET, ROOM_CODE_LENGTH
from ..textrules import Visible, line_filter
from ..rules.tracking_limits import (DEFAULT_GRACE_SECONDS, DEFAULT_IDLE_THRESHOLD_SECONDS, MAX_GRACE_SECONDS,
                                    MAX_IDLE_THRESHOLD_SECONDS, MIN_GRACE_SECONDS, MIN_IDLE_THRESHOLD_SECONDS)

# (default, minimum, maximum)
WORK_MINUTES = (25, 1, 180)
SHORT_BREAK_MINUTES = (5, 1, 60)
LONG_BREAK_MINUTES = (15, 1, 120)
LONG_BREAK_EVERY = (4, 1, 12)
ROUNDS = (4, 1, 50)
MAX_PARTICIPANTS = (50, 2, 1000)
NAME_MAX = 80
DEFAULT_SETTINGS = {
    "work_minutes": WORK_MINUTES[0], "short_break_minutes": SHORT_BREAK_MINUTES[0],
    "long_break_minutes": LONG_BREAK_MINUTES[0], "long_break_every": LONG_BREAK_EVERY[0],
    "rounds": ROUNDS[0], "auto_start_breaks": True, "auto_start_work": False, "is_public": False,
    "max_participants": MAX_PARTICIPANTS[0],
    "idle_threshold_seconds": DEFAULT_IDLE_THRESHOLD_SECONDS, "strict_mode": False,
    "grace_seconds": DEFAULT_GRACE_SECONDS,
}
# What the host may change between phases (RoomEditForm): the name and the lengths.
EDITABLE = ("name", "work_minutes", "short_break_minutes", "long_break_minutes", "long_break_every")


def _seconds(label: str, low: int, high: int, default: int) -> IntegerField:
    return IntegerField(label, default=default, validators=[
        InputRequired("Enter a number of seconds."),
        NumberRange(low, high, f"Choose between {low} and {high} seconds.")],
        render_kw={"min": low, "max": high, "inputmode": "numeric"})


class TrackingSettingsForm(HtmlForm):
    """The host's tracking settings for a room: the idle threshold and strict mode."""
    idle_threshold_seconds = _seconds("Idle after … seconds without input",
                                      MIN_IDLE_THRESHOLD_SECONDS, MAX_IDLE_THRESHOLD_SECONDS,
                                      DEFAULT_IDLE_THRESHOLD_SECONDS)
    strict_mode = BooleanField("Strict mode: staying away fails the phase")
    grace_seconds = _seconds("Strict mode: away for at most … seconds", MIN_GRACE_SECONDS, MAX_GRACE_SECONDS,
                             DEFAULT_GRACE_SECONDS)


def _minutes(label: str, limits: tuple[int, int, int], unit: str = "minutes") -> IntegerField:
    default, low, high = limits
    return IntegerField(label, default=default, validators=[
        InputRequired(f"Enter a number of {unit}."),
        NumberRange(low, high, f"Choose between {low} and {high} {unit}.")],
        render_kw={"min": low, "max": high, "inputmode": "numeric"})


def _name_field() -> StringField:
    return StringField("Room name", validators=[
        DataRequired("Give the room a name."), Visible(),
        Length(max=NAME_MAX, message=f"Use at most {NAME_MAX} characters.")], filters=[line_filter],
        render_kw={"maxlength": NAME_MAX, "placeholder": "Morning writing sprint", "autocomplete": "off"})


class RoomEditForm(HtmlForm):
    """The host's changes between phases: the name and the lengths (never mid-phase)."""

    name = _name_field()
    work_minutes = _minutes("Work (minutes)", WORK_MINUTES)
    short_break_minutes = _minutes("Short break (minutes)", SHORT_BREAK_MINUTES)
    long_break_minutes = _minutes("Long break (minutes)", LONG_BREAK_MINUTES)
    long_break_every = _minutes("Long break after every … work phases", LONG_BREAK_EVERY, "work phases")

    def settings(self) -> dict:
        values = {key: getattr(self, key).data for key in EDITABLE}
        values["name"] = values["name"].strip()
        return values


def _seconds_or_default(label: str, low: int, high: int, default: int) -> IntegerField:
    """Tracking's number, optional here: a room made by an older form or script gets the default."""
    return IntegerField(label, default=default, validators=[
        Optional(), NumberRange(low, high, f"Choose between {low} and {high} seconds.")],
        render_kw={"min": low, "max": high, "inputmode": "numeric"})


class RoomForm(RoomEditForm, TrackingSettingsForm):
    idle_threshold_seconds = _seconds_or_default(
        TrackingSettingsForm.idle_threshold_seconds.args[0], MIN_IDLE_THRESHOLD_SECONDS,
        MAX_IDLE_THRESHOLD_SECONDS, DEFAULT_IDLE_THRESHOLD_SECONDS)
    grace_seconds = _seconds_or_default(
        TrackingSettingsForm.grace_seconds.args[0], MIN_GRACE_SECONDS, MAX_GRACE_SECONDS, DEFAULT_GRACE_SECONDS)
    rounds = IntegerField("Rounds (work phases)", default=ROUNDS[0], validators=[
        Optional(), NumberRange(ROUNDS[1], ROUNDS[2], f"Choose between {ROUNDS[1]} and {ROUNDS[2]} rounds.")],
        render_kw={"min": ROUNDS[1], "max": ROUNDS[2], "inputmode": "numeric"})
    until_stopped = BooleanField("Keep going until stopped (no round limit)", default=False)
    auto_start_breaks = BooleanField("Start breaks automatically", default=True)
    auto_start_work = BooleanField("Start the next work phase automatically", default=False)
    is_public = BooleanField("List this room in the public directory", default=False)
    max_participants = _minutes("Maximum participants", MAX_PARTICIPANTS, "people")

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        # Optional() ends the field's own chain on an empty value, so this check lives here.
        if not self.until_stopped.data and self.rounds.data is None and not self.rounds.errors:
            self.rounds.errors = [*self.rounds.errors,
                                  "Enter a number of rounds, or choose to keep going until stopped."]
            valid = False
        return valid

    def settings(self) -> dict:
        """The validated values as Room column values."""
        return {
            **super().settings(),
            "idle_threshold_seconds": self.idle_threshold_seconds.data or DEFAULT_IDLE_THRESHOLD_SECONDS,
            "strict_mode": self.strict_mode.data,
            "grace_seconds": self.grace_seconds.data or DEFAULT_GRACE_SECONDS,
            "rounds": None if self.until_stopped.data else self.rounds.data,
            "auto_start_breaks": self.auto_start_breaks.data,
            "auto_start_work": self.auto_start_work.data,
            "is_public": self.is_public.data,
            "max_participants": self.max_participants.data,
        }


def normalize_code(raw: str | None) -> str:
    """Codes are accepted in any letter case and with stray spaces or dashes."""
    return "".join(ch for ch in (raw or "").upper() if not ch.isspace() and ch != "-")


def code_problem(code: str) -> str | None:
    if not code:
        return "Enter a room code."
    if len(code) != ROOM_CODE_LENGTH or any(ch not in ROOM_CODE_ALPHABET for ch in code):
        return f"A room code has {ROOM_CODE_LENGTH} letters and digits, like K7QM2X."
    return None


class JoinForm(HtmlForm):
    """The home page's "join with a code" box: a GET form, so no CSRF token is needed."""

    class Meta:
        csrf = False

    code = StringField("Room code", validators=[DataRequired("Enter a room code.")], filters=[line_filter],
                       render_kw={"autocomplete": "off", "autocapitalize": "characters",
                                  "spellcheck": "false", "maxlength": 12, "placeholder": "6-character code"})

    def validate_code(self, field):
        problem = code_problem(normalize_code(field.data))
        if problem:
            raise ValidationError(problem)


class JsonFormProblem(Exception):
    """A JSON value no form field can take (an object, a list, an unknown name)."""

    def __init__(self, fields: dict[str, str]):
        super().__init__(", ".join(fields))
        self.fields = fields


def json_form(form_class, values: dict, base: dict):
    """The form `form_class` filled from a JSON object over `base` (the create form's defaults,
    or a room's current settings), so scripts and apps go through the very rules the pages use.

    True/false fill check boxes, numbers and text fill their fields; null leaves a field empty.
    Raises JsonFormProblem for names the form does not have and values of no form type. The
    caller validates (no CSRF token: the API authenticates with a bearer token instead)."""
    allowed = form_field_names(form_class)
    problems = {key: "Unknown field; allowed: " + ", ".join(allowed) + "." for key in values if key not in allowed}
    problems.update({key: "Give a number, text, true/false or null." for key, value in values.items()
                     if key in allowed and not (value is None or isinstance(value, (bool, int, float, str)))})
    if problems:
        raise JsonFormProblem(problems)
    from werkzeug.datastructures import MultiDict
    formdata = MultiDict()
    for key, value in {**base, **values}.items():
        if value is False:
            continue  # an unchecked box
        formdata.add(key, "" if value is None else "y" if value is True else str(value))  # null: left empty
    return form_class(formdata=formdata, meta={"csrf": False})


def form_field_names(form_class) -> list[str]:
    from wtforms.fields.core import UnboundField
    return sorted(name for name in dir(form_class)
                  if isinstance(getattr(form_class, name), UnboundField) and name != "csrf_token")


def form_problems(form) -> dict[str, str]:
    """Each invalid field's first message, by name."""
    return {name: messages[0] for name, messages in form.errors.items() if messages}


def create_defaults() -> dict:
    """What the create form starts from (the page's defaults)."""
    return {**DEFAULT_SETTINGS, "until_stopped": False}


def edit_base(room) -> dict:
    """The edit form filled with the room as it is (a PATCH changes only what it names)."""
    return {key: getattr(room, key) for key in EDITABLE}
