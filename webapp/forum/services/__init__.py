"""The forum's rules with the database: each module one responsibility; every writer commits."""
from .errors import ForumError, NotAllowed, NotFound  # noqa: F401
