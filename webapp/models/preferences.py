"""A person's solo Pomodoro rhythm, remembered between sessions (one row per person, made on first use)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utcnow

# The classic Pomodoro: 25 min focus, 5 min breaks, a 15 min long break after every 4th focus.
SOLO_DEFAULTS = {"work_minutes": 25, "short_break_minutes": 5, "long_break_minutes": 15,
                 "long_break_every": 4, "rounds": 4, "auto_start_breaks": True, "auto_start_work": False}


class SoloPreferences(db.Model):
    __tablename__ = "solo_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    work_minutes: Mapped[int] = mapped_column(Integer, default=SOLO_DEFAULTS["work_minutes"])
    short_break_minutes: Mapped[int] = mapped_column(Integer, default=SOLO_DEFAULTS["short_break_minutes"])
    long_break_minutes: Mapped[int] = mapped_column(Integer, default=SOLO_DEFAULTS["long_break_minutes"])
    long_break_every: Mapped[int] = mapped_column(Integer, default=SOLO_DEFAULTS["long_break_every"])
    rounds: Mapped[int] = mapped_column(Integer, default=SOLO_DEFAULTS["rounds"])
    auto_start_breaks: Mapped[bool] = mapped_column(Boolean, default=SOLO_DEFAULTS["auto_start_breaks"])
    auto_start_work: Mapped[bool] = mapped_column(Boolean, default=SOLO_DEFAULTS["auto_start_work"])
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
