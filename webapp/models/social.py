"""Following, achievements and the precomputed focus totals the leaderboards read.

Only server-witnessed focus reaches `focus_quarters` and `focus_totals` (achievements/totals.py):
room and solo-room sessions, never manual or imported entries.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utcnow


class Follow(db.Model):
    """`follower` follows `followed`; two rows, one each way, make them friends."""

    __tablename__ = "follows"

    follower_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    followed_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True,
                                             index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AchievementUnlock(db.Model):
    """One row per person and achievement (the unique constraint makes unlocking idempotent)."""

    __tablename__ = "achievement_unlocks"
    __table_args__ = (UniqueConstraint("user_id", "code", name="uq_achievement_unlocks_user_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(40))
    unlocked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class FocusPartner(db.Model):
    """`user` focused with `partner`: one of user's closed room records and one of partner's records
    (any state) in the same room overlapped (the same work phase). One row per direction: the
    "5 / 25 different people" achievements count a person's rows (achievements/together.py keeps
    them as phases close, and forgets those a deletion undoes)."""

    __tablename__ = "focus_partners"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True,
                                            index=True)


class SharedRoom(db.Model):
    """`user` had a closed room record in `room` that someone else's record there overlapped (the
    "first shared room" achievement counts a person's rows; kept with FocusPartner)."""

    __tablename__ = "shared_rooms"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"), primary_key=True,
                                         index=True)


class FocusQuarter(db.Model):
    """Counted focus seconds of one person in one UTC quarter hour (`quarter` = epoch seconds // 900).

    Every time zone's midnight falls on a quarter-hour boundary, so any window in any zone is an
    exact range of quarters (friends' and rooms' boards). The index on `quarter` alone serves
    filling a new everyone-board window: everyone's quarters in one range."""

    __tablename__ = "focus_quarters"
    __table_args__ = (Index("ix_focus_quarters_quarter", "quarter"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    quarter: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seconds: Mapped[int] = mapped_column(Integer, default=0)


class FocusTotal(db.Model):
    """Counted focus seconds of one person in one of their own local days, weeks or months.

    `period` is "day", "week" (starting Monday) or "month"; `starts` its first local day. Streaks
    and lifetime focus read them; the everyone board reads `window_totals` instead."""

    __tablename__ = "focus_totals"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    period: Mapped[str] = mapped_column(String(5), primary_key=True)
    starts: Mapped[date] = mapped_column(Date, primary_key=True)
    seconds: Mapped[int] = mapped_column(Integer, default=0)


class BoardWindow(db.Model):
    """A day, week or month of some zone in use, as the UTC quarters [first_quarter, after_quarter).

    Zones whose periods start at the same instant share a window; a window is computed from the
    zone's rules for that date, so DST is exact. Made when a viewer first asks for it
    (achievements/windows.py); ended ones are pruned."""

    __tablename__ = "board_windows"
    __table_args__ = (UniqueConstraint("period", "first_quarter", "after_quarter", name="uq_board_windows_span"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period: Mapped[str] = mapped_column(String(5))
    first_quarter: Mapped[int] = mapped_column(Integer)
    after_quarter: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # True while a PostgreSQL fill is still adding the time credited before the window was made
    # (credits already add to it meanwhile; viewers wait for it). Never set on SQLite.
    filling: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")


class WindowTotal(db.Model):
    """Counted seconds of one person on the everyone board in one window. Only listed people
    (opted in, not private, not a guest) have rows: the top 50 is one index range, a rank one
    index count."""

    __tablename__ = "window_totals"
    __table_args__ = (Index("ix_window_totals_board", "window_id", "seconds"),)

    window_id: Mapped[int] = mapped_column(ForeignKey("board_windows.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    seconds: Mapped[int] = mapped_column(Integer, default=0)
