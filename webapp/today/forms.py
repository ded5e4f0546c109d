"""Today's forms. The goal's limits live here once (the model holds the default)."""
from wtforms import IntegerField
from wtforms.validators import InputRequired, NumberRange

from ..formbase import HtmlForm
from ..models import DEFAULT_DAILY_GOAL_MINUTES

GOAL_MINUTES = (DEFAULT_DAILY_GOAL_MINUTES, 10, 16 * 60)  # (default, minimum, maximum)


class GoalForm(HtmlForm):
    daily_goal_minutes = IntegerField("Daily goal (minutes)", default=GOAL_MINUTES[0], validators=[
        InputRequired("Enter a number of minutes."),
        NumberRange(GOAL_MINUTES[1], GOAL_MINUTES[2],
                    f"Choose between {GOAL_MINUTES[1]} and {GOAL_MINUTES[2]} minutes.")],
        render_kw={"min": GOAL_MINUTES[1], "max": GOAL_MINUTES[2], "inputmode": "numeric", "step": 5})
