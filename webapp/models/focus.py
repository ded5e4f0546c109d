"""The personal focus log: sessions (room, solo, manual), interruptions and tasks."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import UTCDateTime, utcnow

SESSION_SOURCES = ("room", "solo", "manual")
SESSION_STATUSES = ("running", "completed", "ended_early", "abandoned", "failed")  # rules/session_status.py
INTERRUPTION_TYPES = ("family", "phone", "noise", "self", "urgent_task", "unknown")
CHECKINS = ("done", "partly", "not")  # a solo session's one-tap check-in: did the intention happen?
MAX_INTENTION_LENGTH = 120


class Task(db.Model):
    __tablename__ = "tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    estimated_pomodoros: Mapped[int] = mapped_column(Integer, default=1)
    done: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class FocusSession(db.Model):
    """One stretch of focus: a participant's work phase in a room, a solo session, or a manual entry.

    While a session runs, its tallies live in the *_ms columns together with the presence
    state they are derived from (rules/accounting.py); the ticker folds them with set-based
    UPDATEs. Finished sessions keep the same columns, so history and insights read one shape.
    """

    __tablename__ = "focus_sessions"
    __table_args__ = (
        Index("ix_focus_sessions_user_start", "user_id", "start_time"),
        Index("ix_focus_sessions_status", "status"),
        # Who else was in a room's phase (achievements/together.py): the room's records that ended
        # after a given moment, or have not ended yet; room_id alone uses it too.
        Index("ix_focus_sessions_room_end", "room_id", "end_time"),
        # The tick reads only rows of work phases still going on, through this small partial index,
        # so its cost does not grow with the history (tracking/ticking.py).
        Index("ix_focus_sessions_open_mode_activity", "mode", "last_activity_ms",
              sqlite_where=db.text("end_time IS NULL"), postgresql_where=db.text("end_time IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    room_id: Mapped[int | None] = mapped_column(ForeignKey("rooms.id", ondelete="SET NULL"))
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id", ondelete="SET NULL"), index=True)
    source: Mapped[str] = mapped_column(String(10), default="manual")
    status: Mapped[str] = mapped_column(String(12), default="running")
    start_time: Mapped[datetime] = mapped_column(UTCDateTime)
    end_time: Mapped[datetime | None] = mapped_column(UTCDateTime)
    duration_seconds: Mapped[int | None] = mapped_column(Integer)  # end - start, once ended
    target_seconds: Mapped[int | None] = mapped_column(Integer)
    round: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    # A one-line intention set when starting ("Draft section 2") and the check-in at the end.
    intention: Mapped[str] = mapped_column(String(MAX_INTENTION_LENGTH), default="", server_default="")
    checkin: Mapped[str | None] = mapped_column(String(8))
    focus_score: Mapped[int | None] = mapped_column(Integer)

    # Accounting (epoch milliseconds; see rules/accounting.py).
    mode: Mapped[str] = mapped_column(String(10), default="stopped")
    counted_until_ms: Mapped[int] = mapped_column(BigInteger, default=0)
    last_activity_ms: Mapped[int] = mapped_column(BigInteger, default=0)
    away_since_ms: Mapped[int | None] = mapped_column(BigInteger)
    elapsed_ms: Mapped[int] = mapped_column(BigInteger, default=0)
    active_ms: Mapped[int] = mapped_column(BigInteger, default=0)
    idle_ms: Mapped[int] = mapped_column(BigInteger, default=0)
    away_ms: Mapped[int] = mapped_column(BigInteger, default=0)
    tab_switches: Mapped[int] = mapped_column(Integer, default=0)
    # The part of its work phase this person could focus in (tracking/outcome.py): while the phase
    # runs, from when they joined to its scheduled end; once ended, to when it really ended. Paused
    # room time and server downtime are never part of it. NULL on rows without live tracking.
    available_ms: Mapped[int | None] = mapped_column(BigInteger)
    # The latest away spell that ended (for "What pulled you away?"); cleared once answered.
    last_away_from_ms: Mapped[int | None] = mapped_column(BigInteger)
    last_away_until_ms: Mapped[int | None] = mapped_column(BigInteger)
    # What this record added to achievements and leaderboards (achievements/totals.py); NULL until it
    # was credited, so a repeated announcement never credits it twice. Never set on manual entries.
    board_seconds: Mapped[int | None] = mapped_column(Integer)

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    user = relationship("User")
    room = relationship("Room", foreign_keys=[room_id])
    task = relationship("Task")
    interruptions = relationship("Interruption", back_populates="session",
                                 order_by="Interruption.start_time", cascade="all, delete-orphan")


class Interruption(db.Model):
    __tablename__ = "interruptions"
    __table_args__ = (Index("ix_interruptions_user_start", "user_id", "start_time"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("focus_sessions.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    type: Mapped[str] = mapped_column(String(16), default="unknown")
    description: Mapped[str] = mapped_column(String(500), default="")
    start_time: Mapped[datetime] = mapped_column(UTCDateTime)
    end_time: Mapped[datetime | None] = mapped_column(UTCDateTime)
    duration: Mapped[int | None] = mapped_column(Integer)  # seconds, computed by the server
    # manual (entered afterwards), live (one click during a phase), detected (tab hidden >= 60 s)
    source: Mapped[str] = mapped_column(String(10), default="manual")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    session = relationship("FocusSession", back_populates="interruptions")
