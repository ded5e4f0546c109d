"""The host's tracking settings for a room: the idle threshold and strict mode."""
from wtforms import BooleanField, IntegerField
from wtforms.validators import InputRequired, NumberRange

from ..formbase import HtmlForm
from .presence import MAX_GRACE_SECONDS, MAX_IDLE_THRESHOLD_SECONDS, MIN_GRACE_SECONDS, MIN_IDLE_THRESHOLD_SECONDS


# The model's defaults (a new room's form starts from them; the settings form from the room).
DEFAULT_IDLE_THRESHOLD_SECONDS, DEFAULT_GRACE_SECONDS = 15, 30


def _seconds(label: str, low: int, high: int, default: int) -> IntegerField:
    return IntegerField(label, default=default, validators=[
        InputRequired("Enter a number of seconds."),
        NumberRange(low, high, f"Choose between {low} and {high} seconds.")],
        render_kw={"min": low, "max": high, "inputmode": "numeric"})


class TrackingSettingsForm(HtmlForm):
    idle_threshold_seconds = _seconds("Idle after … seconds without input",
                                      MIN_IDLE_THRESHOLD_SECONDS, MAX_IDLE_THRESHOLD_SECONDS,
                                      DEFAULT_IDLE_THRESHOLD_SECONDS)
    strict_mode = BooleanField("Strict mode: staying away fails the phase")
    grace_seconds = _seconds("Strict mode: away for at most … seconds", MIN_GRACE_SECONDS, MAX_GRACE_SECONDS,
                             DEFAULT_GRACE_SECONDS)
