"""The rules of the personal focus log, shared by the pages and the JSON API.

Sessions, interruptions, tasks, solo sessions and API tokens each have a module; everything a
caller needs is named here. Services validate every field before writing, commit once, and raise
LogError subclasses (NotFound 404, Conflict 409, Invalid 422 with per-field messages); they never
build responses.
"""
from .clicked import end_clicked_interruption, log_clicked_interruption
from .errors import Conflict, Invalid, LogError, NotFound, Problems
from .interruptions import (TYPE_LABELS, delete_interruption, end_interruption, log_interruption,
                            open_interruption, owned_interruption, pending_detected, record_detected,
                            session_interruptions, update_interruption)
from .limits import DEFAULT_TARGET_MINUTES, HISTORY_PAGE_SIZE, MAX_TARGET_MINUTES, MIN_TARGET_MINUTES
from .sessions import (UNSET, create_manual, delete_session, end_session, ensure_none_running, finish,
                       list_sessions, owned_session, running_session, session_starts_and_lengths,
                       solo_room_is_live, start_session, update_session)
from .solo import (active_solo_room, check_in, check_intention, close_open_interruptions, end_solo,
                   finished_solo_room, has_preferences, live_session_now, preferences_of, room_checkin, solo_host,
                   solo_record, solo_task, start_solo)
from .tallies import figures, is_tracked, settle_untracked
from .tasks import (TaskProgress, create_task, delete_task, task_choices, tasks_with_progress, toggle_done,
                    update_task)
from .tasks import owned as owned_task_or_404
from .tokens import active_tokens, create_token, revoke_token

__all__ = [
    "Conflict", "Invalid", "LogError", "NotFound", "Problems",
    "DEFAULT_TARGET_MINUTES", "HISTORY_PAGE_SIZE", "MAX_TARGET_MINUTES", "MIN_TARGET_MINUTES", "TYPE_LABELS",
    "UNSET", "create_manual", "delete_session", "end_session", "ensure_none_running", "finish",
    "list_sessions", "owned_session", "running_session", "session_starts_and_lengths", "solo_room_is_live",
    "start_session", "update_session",
    "figures", "is_tracked", "settle_untracked",
    "delete_interruption", "end_interruption", "log_interruption", "open_interruption", "owned_interruption",
    "pending_detected", "record_detected", "log_clicked_interruption",
    "end_clicked_interruption", "session_interruptions", "update_interruption",
    "active_solo_room", "close_open_interruptions", "end_solo", "live_session_now",
    "solo_record", "solo_task", "start_solo", "check_in", "check_intention", "finished_solo_room",
    "has_preferences", "preferences_of", "room_checkin", "solo_host",
    "TaskProgress", "create_task", "delete_task", "owned_task_or_404", "task_choices", "tasks_with_progress",
    "toggle_done", "update_task",
    "active_tokens", "create_token", "revoke_token",
]
