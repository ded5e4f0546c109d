"""All models, imported here so Alembic and the app see one metadata."""
from .account import PasswordReset
from .focus import INTERRUPTION_TYPES, FocusSession, Interruption, Task
from .idempotency import IdempotencyKey
from .forum import ROLES, Category, Comment, CommentLike, Post, PostLike, Report
from .presence import OpenSocket, WebProcess
from .room import ROOM_CODE_ALPHABET, ROOM_CODE_LENGTH, Participant, Room
from .types import UTCDateTime, from_epoch_ms, to_epoch_ms, utcnow
from .user import DEFAULT_DAILY_GOAL_MINUTES, ApiToken, LoginSession, User

__all__ = [
    "ApiToken", "Category", "Comment", "CommentLike", "FocusSession", "IdempotencyKey", "INTERRUPTION_TYPES", "Interruption",
    "LoginSession", "OpenSocket", "Participant", "PasswordReset", "Post", "PostLike", "ROLES", "Report", "ROOM_CODE_ALPHABET",
    "ROOM_CODE_LENGTH", "Room", "Task", "User", "UTCDateTime", "WebProcess", "from_epoch_ms", "to_epoch_ms",
    "utcnow", "DEFAULT_DAILY_GOAL_MINUTES",
]
