"""All models, imported here so Alembic and the app see one metadata."""
from .account import PasswordReset
from .focus import CHECKINS, INTERRUPTION_TYPES, MAX_INTENTION_LENGTH, FocusSession, Interruption, Task
from .idempotency import IdempotencyKey
from .forum import ROLES, Category, Comment, CommentLike, Post, PostLike, Report
from .message import (MESSAGE_MAX_LENGTH, Conversation, ConversationMember, Message, MessageBlock,
                      MessagePreferences, MessageReport)
from .preferences import SOLO_DEFAULTS, SoloPreferences
from .presence import OpenSocket, WebProcess
from .social import (AchievementUnlock, BoardWindow, FocusPartner, FocusQuarter, FocusTotal, Follow, SharedRoom,
                     WindowTotal)
from .room import ROOM_CODE_ALPHABET, ROOM_CODE_LENGTH, Participant, Room
from .types import UTCDateTime, from_epoch_ms, to_epoch_ms, utcnow
from .user import DEFAULT_DAILY_GOAL_MINUTES, ApiToken, LoginSession, User

__all__ = [
    "AchievementUnlock", "BoardWindow", "FocusPartner", "FocusQuarter", "FocusTotal", "Follow", "SharedRoom",
    "WindowTotal",
    "ApiToken", "CHECKINS", "Category", "Conversation", "ConversationMember", "MESSAGE_MAX_LENGTH", "Message",
    "MessageBlock", "MessagePreferences", "MessageReport", "Comment", "CommentLike", "FocusSession", "IdempotencyKey", "INTERRUPTION_TYPES", "Interruption",
    "LoginSession", "MAX_INTENTION_LENGTH", "OpenSocket", "Participant", "PasswordReset", "Post", "PostLike", "ROLES", "Report", "ROOM_CODE_ALPHABET",
    "ROOM_CODE_LENGTH", "Room", "SOLO_DEFAULTS", "SoloPreferences", "Task", "User", "UTCDateTime", "WebProcess", "from_epoch_ms", "to_epoch_ms",
    "utcnow", "DEFAULT_DAILY_GOAL_MINUTES",
]
