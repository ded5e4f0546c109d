"""Focus rooms, their server-owned timer, and the people in them."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import UTCDateTime, utcnow

# Codes avoid look-alike characters: no 0/O, no 1/I/L.
ROOM_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
ROOM_CODE_LENGTH = 6


class Room(db.Model):
    __tablename__ = "rooms"
    __table_args__ = (
        # Codes are unique among live rooms; archived codes may be reused.
        Index("uq_rooms_live_code", "code", unique=True,
              sqlite_where=db.text("archived_at IS NULL"),
              postgresql_where=db.text("archived_at IS NULL")),
        Index("ix_rooms_public_directory", "is_public", "archived_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(ROOM_CODE_LENGTH))
    name: Mapped[str] = mapped_column(String(80))
    host_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    is_solo: Mapped[bool] = mapped_column(Boolean, default=False)  # a private room of one (/focus)

    # Settings (defaults documented in rooms/forms.py).
    work_minutes: Mapped[int] = mapped_column(Integer, default=25)
    short_break_minutes: Mapped[int] = mapped_column(Integer, default=5)
    long_break_minutes: Mapped[int] = mapped_column(Integer, default=15)
    long_break_every: Mapped[int] = mapped_column(Integer, default=4)
    rounds: Mapped[int | None] = mapped_column(Integer, default=4)  # None: until stopped
    auto_start_breaks: Mapped[bool] = mapped_column(Boolean, default=True)
    auto_start_work: Mapped[bool] = mapped_column(Boolean, default=False)
    is_public: Mapped[bool] = mapped_column(Boolean, default=False)
    max_participants: Mapped[int] = mapped_column(Integer, default=50)
    idle_threshold_seconds: Mapped[int] = mapped_column(Integer, default=15)
    strict_mode: Mapped[bool] = mapped_column(Boolean, default=False)
    grace_seconds: Mapped[int] = mapped_column(Integer, default=30)

    # Timer, stored as timestamps (see rules/timer.py), never as a counter.
    status: Mapped[str] = mapped_column(String(12), default="idle")
    phase: Mapped[str] = mapped_column(String(12), default="work")
    round: Mapped[int] = mapped_column(Integer, default=1)
    phase_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    remaining_seconds: Mapped[float] = mapped_column(Float, default=25 * 60)
    work_phases_done: Mapped[int] = mapped_column(Integer, default=0)
    # When the current phase became the current one: running since, or (idle) waiting since.
    phase_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Bumped on every timer change: lets a late or doubled tick detect it is stale.
    timer_version: Mapped[int] = mapped_column(Integer, default=0)

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_active_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    host = relationship("User", foreign_keys=[host_id])
    participants = relationship("Participant", back_populates="room",
                                order_by="Participant.joined_at", cascade="all, delete-orphan")


class Participant(db.Model):
    __tablename__ = "participants"
    __table_args__ = (UniqueConstraint("room_id", "user_id", name="uq_participants_room_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Open sockets of this person in this room; 0 means "left".
    connections: Mapped[int] = mapped_column(Integer, default=0)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    is_paused: Mapped[bool] = mapped_column(Boolean, default=False)  # personal pause
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id", ondelete="SET NULL"))
    # What this person means to do here (a solo session's intention); copied onto each record.
    intention: Mapped[str] = mapped_column(String(120), default="", server_default="")
    # The focus-session record of the running work phase, if any.
    current_session_id: Mapped[int | None] = mapped_column(
        ForeignKey("focus_sessions.id", ondelete="SET NULL"))

    room = relationship("Room", back_populates="participants")
    user = relationship("User")
    current_session = relationship("FocusSession", foreign_keys=[current_session_id])
