"""Which process holds which open room socket, so a dead process's sockets can be counted out.

`Participant.connections` stays the count everything reads; each socket it counts also has an
`open_sockets` row naming the web process that serves it, written in the same transaction.
Every process serving sockets refreshes its `web_processes.seen_at`; the ticker counts out the
sockets of processes not seen for a few seconds (rooms/liveness.py).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UTCDateTime, utcnow


class WebProcess(db.Model):
    __tablename__ = "web_processes"

    id: Mapped[str] = mapped_column(String(120), primary_key=True)  # host:pid:random
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class OpenSocket(db.Model):
    __tablename__ = "open_sockets"

    id: Mapped[int] = mapped_column(primary_key=True)
    # No foreign key: a socket's row outlives its process's row only until the ticker counts it out.
    process_id: Mapped[str] = mapped_column(String(120), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), index=True)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
