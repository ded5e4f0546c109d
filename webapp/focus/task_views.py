"""Task pages: the list with time and pomodoros spent, add, edit, done toggle, delete (confirmed)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..idempotency import idempotent
from . import bp, services
from .forms import ConfirmForm, TaskForm
from .viewhelpers import is_htmx, put_errors


@bp.route("/tasks", methods=["GET", "POST"])
@login_required
@idempotent
def tasks():
    form = TaskForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            services.create_task(current_user, title=form.title.data,
                                 estimated_pomodoros=form.estimated_pomodoros.data)
        except services.LogError as error:
            put_errors(form, error)
        else:
            flash("Task added.", "success")
            return redirect(url_for("focus.tasks"))
    return render_template("focus/tasks.html", form=form, progress=services.tasks_with_progress(current_user)), \
        422 if request.method == "POST" else 200


@bp.route("/tasks/<int:task_id>/edit", methods=["GET", "POST"])
@login_required
def edit_task(task_id: int):
    task = _owned_or_404(task_id)
    form = TaskForm(obj=task if request.method == "GET" else None)
    if request.method == "POST" and form.validate_on_submit():
        try:
            services.update_task(current_user, task.id, title=form.title.data,
                                 estimated_pomodoros=form.estimated_pomodoros.data)
        except services.LogError as error:
            put_errors(form, error)
        else:
            flash("Task updated.", "success")
            return redirect(url_for("focus.tasks"))
    return render_template("focus/task_form.html", form=form, task=task), 422 if request.method == "POST" else 200


@bp.post("/tasks/<int:task_id>/done")
@login_required
@idempotent
def toggle_task(task_id: int):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    task = _owned_or_404(task_id)
    services.toggle_done(current_user, task.id)
    if is_htmx():
        progress = next(p for p in services.tasks_with_progress(current_user) if p.task.id == task.id)
        return render_template("focus/_task_row.html", item=progress)
    return redirect(url_for("focus.tasks"))


@bp.route("/tasks/<int:task_id>/delete", methods=["GET", "POST"])
@login_required
def delete_task(task_id: int):
    """GET asks for confirmation; the POST from that page deletes. Linked sessions stay, unlinked."""
    task = _owned_or_404(task_id)
    form = ConfirmForm()
    if request.method == "POST" and form.validate_on_submit():
        services.delete_task(current_user, task.id)
        flash("Task deleted. Its sessions stay in your history.", "success")
        return redirect(url_for("focus.tasks"))
    return render_template("focus/confirm_delete_task.html", form=form, task=task)


def _owned_or_404(task_id: int):
    try:
        return services.owned_task_or_404(current_user, task_id)
    except services.NotFound:
        abort(404)
