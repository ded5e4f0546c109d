"""People: accounts, guests, login sessions and API tokens."""
from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utcnow

DEFAULT_DAILY_GOAL_MINUTES = 120  # two hours: a documented, reachable first goal


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-case; guests have none until they register.
    username: Mapped[str | None] = mapped_column(String(30), unique=True)
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(50))
    bio: Mapped[str] = mapped_column(Text, default="")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    is_guest: Mapped[bool] = mapped_column(Boolean, default=False)
    # Today's ring fills at this many minutes of focus (today/forms.py holds the limits).
    daily_goal_minutes: Mapped[int] = mapped_column(Integer, default=DEFAULT_DAILY_GOAL_MINUTES,
                                                    server_default=str(DEFAULT_DAILY_GOAL_MINUTES))
    # member, moderator or admin (webapp.models.forum.ROLES); set with `flask users set-role`.
    role: Mapped[str] = mapped_column(String(20), default="member", server_default="member")
    # A private profile shows only the name; its stats and achievements appear on nobody else's board.
    profile_private: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    # Opt-in to the "everyone" leaderboard (off by default).
    on_global_board: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    # Set by the user loader: the login session this request belongs to (see accounts.sessions).
    login_session_key = None

    def get_id(self) -> str:
        # Flask-Login stores this in the session and the remember cookie; binding it to one
        # login session lets logout (and "log out everywhere") really revoke it.
        return f"{self.id}.{self.login_session_key}"

    @property
    def name(self) -> str:
        return self.display_name or self.username or "Guest"

    @property
    def is_moderator(self) -> bool:
        return self.role in ("moderator", "admin")

    def __repr__(self) -> str:
        return f"<User {self.id} {self.username or 'guest'}>"


class LoginSession(db.Model):
    """One signed-in browser. Revoking it ends that session, remember-me cookie included."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_agent: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ApiToken(db.Model):
    """A personal API token; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(60), default="API token")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    uses: Mapped[int] = mapped_column(Integer, default=0)
