"""Focus-log forms. Field names match the API's, so one rule's message lands next to its field."""
from wtforms import BooleanField, DateTimeLocalField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..formbase import HtmlForm
from ..models import INTERRUPTION_TYPES, MAX_INTENTION_LENGTH
from ..rules import solo as solo_rules
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


def _count_field(label: str, name: str, unit: str = "minutes") -> IntegerField:
    low, high = solo_rules.LIMITS[name]
    return IntegerField(label, validators=[Optional(), NumberRange(low, high, f"Choose between {low} and {high} {unit}.")],
                        render_kw={"min": low, "max": high, "inputmode": "numeric"})


class StartFocusForm(HtmlForm):
    """A solo Pomodoro: the focus length (the only field Today's one-click start sends) and, from
    /focus, the rest of the rhythm (`cycle` says it was sent; otherwise the remembered one is used)."""
    target_minutes = IntegerField(
        "Focus minutes", default=DEFAULT_TARGET_MINUTES,
        validators=[InputRequired("How long do you want to focus?"),
                    NumberRange(MIN_TARGET_MINUTES, MAX_TARGET_MINUTES,
                                f"Choose between {MIN_TARGET_MINUTES} and {MAX_TARGET_MINUTES} minutes.")],
        render_kw={"min": MIN_TARGET_MINUTES, "max": MAX_TARGET_MINUTES, "inputmode": "numeric"})
    intention = StringField("Intention (optional)", validators=[
        Optional(), Length(max=MAX_INTENTION_LENGTH, message=f"Keep it to {MAX_INTENTION_LENGTH} characters.")],
        filters=[line_filter],
        render_kw={"maxlength": MAX_INTENTION_LENGTH, "placeholder": "e.g. Draft section 2", "autocomplete": "off"})
    task_id = _task_field("Working on")
    cycle = HiddenField(default="")
    short_break_minutes = _count_field("Short break minutes", "short_break_minutes")
    long_break_minutes = _count_field("Long break minutes", "long_break_minutes")
    long_break_every = _count_field("Long break every … focuses", "long_break_every", "focuses")
    rounds = _count_field("Focuses in this session", "rounds", "focuses")
    auto_start_breaks = BooleanField("Start breaks automatically")
    auto_start_work = BooleanField("Start the next focus automatically")

    def fill_cycle(self, cycle: "solo_rules.SoloCycle") -> None:
        """Show `cycle` (the remembered rhythm) in the fields."""
        self.target_minutes.data = cycle.work_minutes
        for name in ("short_break_minutes", "long_break_minutes", "long_break_every", "rounds",
                     "auto_start_breaks", "auto_start_work"):
            getattr(self, name).data = getattr(cycle, name)
        self.cycle.data = "1"

    def chosen_cycle(self) -> "solo_rules.SoloCycle | None":
        """The rhythm the form sent, or None when it sent only a length (Today's one click)."""
        if self.cycle.data != "1":
            return None
        return solo_rules.SoloCycle(
            work_minutes=self.target_minutes.data or 0, short_break_minutes=self.short_break_minutes.data,
            long_break_minutes=self.long_break_minutes.data, long_break_every=self.long_break_every.data,
            rounds=self.rounds.data, auto_start_breaks=bool(self.auto_start_breaks.data),
            auto_start_work=bool(self.auto_start_work.data))


class CheckinForm(HtmlForm):
    """The one-tap check-in at the end of a solo cycle (the buttons carry the answer)."""
    answer = SelectField("How did it go?", choices=[SelectChoice(k, v) for k, v in solo_rules.CHECKIN_LABELS.items()],
                         validate_choice=True)


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
