"""The rules of the personal focus log, shared by the pages and the JSON API.

Sessions, interruptions and tasks each have a module; everything a caller needs is named here.
Services validate every field before writing, commit once, and raise LogError subclasses
(NotFound 404, Conflict 409, Invalid 422 with per-field messages); they never build responses.
"""
from .errors import Conflict, Invalid, LogError, NotFound, Problems
from .interruptions import (TYPE_LABELS, delete_interruption, end_interruption, log_interruption, open_interruption,
                            owned_interruption, pending_detected, record_detected, session_interruptions,
                            update_interruption)
from .limits import DEFAULT_TARGET_MINUTES, HISTORY_PAGE_SIZE, MAX_TARGET_MINUTES, MIN_TARGET_MINUTES
from .sessions import (UNSET, create_manual, delete_session, end_session, ensure_none_running, figures, finish,
                       is_tracked, list_sessions, owned_session, running_session, settle_untracked,
                       start_session, update_session)
from .tasks import (TaskProgress, create_task, delete_task, task_choices, tasks_with_progress, toggle_done,
                    update_task)
from .tasks import owned as owned_task_or_404
from .solo import (active_solo_room, close_open_interruptions, end_solo, latest_solo_room, live_session_now,
                   solo_record, solo_task, start_solo)
from .tokens import active_tokens, create_token, revoke_token

__all__ = [
    "Conflict", "DEFAULT_TARGET_MINUTES", "active_solo_room", "close_open_interruptions", "end_solo",
    "latest_solo_room", "live_session_now", "solo_record", "solo_task", "start_solo", "HISTORY_PAGE_SIZE", "Invalid", "LogError", "MAX_TARGET_MINUTES",
    "MIN_TARGET_MINUTES", "NotFound", "Problems", "TYPE_LABELS", "TaskProgress", "UNSET", "active_tokens",
    "create_manual", "create_task", "create_token", "delete_interruption", "delete_session", "delete_task",
    "end_interruption", "end_session", "ensure_none_running", "figures", "finish", "is_tracked",
    "list_sessions", "log_interruption", "open_interruption", "owned_interruption", "owned_session",
    "owned_task_or_404", "pending_detected", "record_detected", "revoke_token", "running_session",
    "session_interruptions", "settle_untracked", "start_session", "task_choices", "tasks_with_progress",
    "toggle_done", "update_interruption", "update_session",
]
