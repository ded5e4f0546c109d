"""Focus-log forms. Field names match the API's, so one rule's message lands next to its field."""
from wtforms import DateTimeLocalField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..formbase import HtmlForm
from ..models import INTERRUPTION_TYPES
from ..textrules import Visible, line_filter, lines_filter
from .services import DEFAULT_TARGET_MINUTES, MAX_TARGET_MINUTES, MIN_TARGET_MINUTES, TYPE_LABELS
from .services.limits import (MAX_DESCRIPTION_LENGTH, MAX_NOTE_LENGTH, MAX_POMODOROS, MAX_TASK_TITLE_LENGTH,
                              MIN_POMODOROS)
from .services.tokens import MAX_TOKEN_NAME_LENGTH

LOCAL_FORMAT = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]
TYPE_CHOICES = [SelectChoice(kind, TYPE_LABELS[kind]) for kind in INTERRUPTION_TYPES]


def _task_field(label="Task"):
    return SelectField(label, coerce=int, validate_choice=True, default=0)


def fill_task_choices(field, tasks) -> None:
    field.choices = [SelectChoice(0, "No task")] + [SelectChoice(t.id, t.title) for t in tasks]


def task_id_of(field) -> int | None:
    return field.data or None


class StartFocusForm(HtmlForm):
    target_minutes = IntegerField(
        "Minutes", default=DEFAULT_TARGET_MINUTES,
        validators=[InputRequired("How long do you want to focus?"),
                    NumberRange(MIN_TARGET_MINUTES, MAX_TARGET_MINUTES,
                                f"Choose between {MIN_TARGET_MINUTES} and {MAX_TARGET_MINUTES} minutes.")],
        render_kw={"min": MIN_TARGET_MINUTES, "max": MAX_TARGET_MINUTES, "inputmode": "numeric"})
    task_id = _task_field("Working on")


class SessionEntryForm(HtmlForm):
    start_time = DateTimeLocalField("Start", format=LOCAL_FORMAT,
                                    validators=[InputRequired("Give a start time.")])
    end_time = DateTimeLocalField("End", format=LOCAL_FORMAT, validators=[InputRequired("Give an end time.")])
    task_id = _task_field()
    note = TextAreaField("Note", validators=[Optional(), Length(max=MAX_NOTE_LENGTH)], filters=[lines_filter],
                         render_kw={"rows": 3, "placeholder": "What did you get done?"})


class InterruptionEntryForm(HtmlForm):
    type = SelectField("What interrupted you", choices=TYPE_CHOICES, default="unknown")
    description = StringField("Description", validators=[Optional(), Length(max=MAX_DESCRIPTION_LENGTH)],
                              filters=[line_filter],
                              render_kw={"placeholder": "Optional"})
    start_time = DateTimeLocalField("From", format=LOCAL_FORMAT, validators=[InputRequired("Give a start time.")])
    end_time = DateTimeLocalField("Until", format=LOCAL_FORMAT, validators=[InputRequired("Give an end time.")])


class InterruptionLabelForm(HtmlForm):
    type = SelectField("What interrupted you", choices=TYPE_CHOICES)
    description = StringField("Description", validators=[Optional(), Length(max=MAX_DESCRIPTION_LENGTH)],
                              filters=[line_filter],
                              render_kw={"placeholder": "Optional"})


class TaskForm(HtmlForm):
    title = StringField("Task", validators=[DataRequired("Give the task a title."), Visible(),
                                            Length(max=MAX_TASK_TITLE_LENGTH)], filters=[line_filter],
                        render_kw={"placeholder": "e.g. Write the quarterly report", "autocomplete": "off"})
    estimated_pomodoros = IntegerField(
        "Pomodoros", default=1,
        validators=[InputRequired("How many pomodoros will it take?"),
                    NumberRange(MIN_POMODOROS, MAX_POMODOROS,
                                f"Choose a whole number from {MIN_POMODOROS} to {MAX_POMODOROS}.")],
        render_kw={"min": MIN_POMODOROS, "max": MAX_POMODOROS, "inputmode": "numeric"})


class TokenForm(HtmlForm):
    name = StringField("Token name", validators=[Optional(), Length(max=MAX_TOKEN_NAME_LENGTH)], filters=[line_filter],
                       render_kw={"placeholder": "e.g. My laptop script", "autocomplete": "off"})


class ConfirmForm(HtmlForm):
    """An empty form: only the CSRF token, for buttons that change state."""
