"""All models, imported here so Alembic and the app see one metadata."""
from .account import PasswordReset
from .focus import INTERRUPTION_TYPES, FocusSession, Interruption, Task
from .room import ROOM_CODE_ALPHABET, ROOM_CODE_LENGTH, Participant, Room
from .types import UTCDateTime, from_epoch_ms, to_epoch_ms, utcnow
from .user import ApiToken, LoginSession, User

__all__ = [
    "ApiToken", "FocusSession", "INTERRUPTION_TYPES", "Interruption", "LoginSession",
    "Participant", "PasswordReset", "ROOM_CODE_ALPHABET", "ROOM_CODE_LENGTH", "Room", "Task", "User",
    "UTCDateTime", "from_epoch_ms", "to_epoch_ms", "utcnow",
]
