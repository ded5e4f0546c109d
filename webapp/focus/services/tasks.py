"""Task rules: a short list of what the person works on, with the time and pomodoros spent on each."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select

from ...extensions import db
from ...models import FocusSession, Task, User, utcnow
from ...rules.session_status import COMPLETED
from ...textrules import NOT_VISIBLE_MESSAGE, clean_name, clean_text
from .errors import Problems
from .limits import MAX_POMODOROS, MAX_TASK_TITLE_LENGTH, MIN_POMODOROS
from .sessions import UNSET, _is_int, owned_row


@dataclass(frozen=True)
class TaskProgress:
    task: Task
    seconds_spent: int  # ended sessions linked to the task
    pomodoros_done: int  # sessions linked to the task that reached their target (not those ended early)
    sessions: int


def owned(user: User, task_id: int) -> Task:
    return owned_row(Task, user, task_id, "task")


def tasks_with_progress(user: User) -> list[TaskProgress]:
    """Open tasks first (oldest first), then done ones (latest done first), with one aggregate query."""
    ended = FocusSession.end_time.is_not(None)
    query = (
        select(Task,
               func.coalesce(func.sum(case((ended, FocusSession.duration_seconds), else_=0)), 0),
               # rules/session_status.counts_as_pomodoro, in SQL
               func.count(case((FocusSession.status == COMPLETED, FocusSession.id))),
               func.count(FocusSession.id))
        .outerjoin(FocusSession, FocusSession.task_id == Task.id)
        .where(Task.user_id == user.id)
        .group_by(Task.id)
        .order_by(Task.done, Task.done_at.desc(), Task.created_at, Task.id))
    return [TaskProgress(task, int(seconds), int(pomodoros), int(count))
            for task, seconds, pomodoros, count in db.session.execute(query)]


def task_choices(user: User, include_id: int | None = None) -> list[Task]:
    """Tasks a session can be linked to: the open ones, plus the one already linked."""
    tasks = db.session.execute(
        select(Task).where(Task.user_id == user.id).order_by(Task.done, Task.created_at, Task.id)).scalars()
    return [t for t in tasks if not t.done or t.id == include_id]


def create_task(user: User, *, title, estimated_pomodoros=1) -> Task:
    problems = Problems()
    title = check_title(title, problems)
    pomodoros = check_pomodoros(estimated_pomodoros, problems)
    problems.raise_if_any()
    task = Task(user_id=user.id, title=title, estimated_pomodoros=pomodoros, done=False)
    db.session.add(task)
    db.session.commit()
    return task


def update_task(user: User, task_id: int, *, title=UNSET, estimated_pomodoros=UNSET, done=UNSET,
                now: datetime | None = None) -> Task:
    task = owned(user, task_id)
    problems = Problems()
    new_title = task.title if title is UNSET else check_title(title, problems)
    pomodoros = task.estimated_pomodoros if estimated_pomodoros is UNSET else check_pomodoros(
        estimated_pomodoros, problems)
    if done is not UNSET and not isinstance(done, bool):
        problems.add("done", "Give true or false.")
    problems.raise_if_any()
    task.title, task.estimated_pomodoros = new_title, pomodoros
    if done is not UNSET and done != task.done:
        task.done = done
        task.done_at = (now or utcnow()) if done else None
    db.session.commit()
    return task


def toggle_done(user: User, task_id: int, *, now: datetime | None = None) -> Task:
    task = owned(user, task_id)
    return update_task(user, task.id, done=not task.done, now=now)


def delete_task(user: User, task_id: int) -> None:
    """Delete the task; its sessions stay in the log, unlinked."""
    task = owned(user, task_id)
    db.session.delete(task)
    db.session.commit()


def check_title(title, problems: Problems) -> str:
    if not isinstance(title, str) or not clean_text(title):
        problems.add("title", "Give the task a title.")
        return ""
    title = clean_name(title)
    if title is None:
        problems.add("title", NOT_VISIBLE_MESSAGE)
        return ""
    if len(title) > MAX_TASK_TITLE_LENGTH:
        problems.add("title", f"Use at most {MAX_TASK_TITLE_LENGTH} characters.")
    return title


def check_pomodoros(value, problems: Problems) -> int:
    if not (_is_int(value) and MIN_POMODOROS <= value <= MAX_POMODOROS):
        problems.add("estimated_pomodoros", f"Choose a whole number from {MIN_POMODOROS} to {MAX_POMODOROS}.")
        return MIN_POMODOROS
    return value
