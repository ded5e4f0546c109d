"""/today: the signed-in home. Starting a solo session goes through focus's own view."""
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..focus.forms import StartFocusForm
from ..models import utcnow
from . import bp, services
from .forms import GoalForm


@bp.get("/today")
@login_required
def page():
    return _render(GoalForm(obj=current_user))


@bp.post("/today/goal")
@login_required
def goal():
    form = GoalForm()
    if not form.validate_on_submit():
        return _render(form), 422
    services.set_goal(current_user, form.daily_goal_minutes.data)
    flash(f"Your daily goal is {form.daily_goal_minutes.data} minutes.", "success")
    return redirect(url_for("today.page"))


def _render(goal_form: GoalForm):
    today = services.build(current_user, utcnow())
    start_form = StartFocusForm(formdata=None, target_minutes=today.usual_minutes)
    return render_template("today/page.html", today=today, goal_form=goal_form, start_form=start_form,
                           goal_open=request.method == "POST")
