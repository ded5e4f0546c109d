"""The page's activity reports, however they arrive (the room socket, or the beacon when it is down)."""
from __future__ import annotations

from datetime import datetime

from ..extensions import db
from ..models import Participant, Room
from ..rooms import publishing
from . import notify, services
from .flood import flood_guard

REPORT_KINDS = ("activity", "hidden", "visible")


def receive(room: Room, participant: Participant, kind: str, at: datetime) -> bool:
    """Account one report, commit, and update the room's list if what others see changed."""
    changed = account(room, participant, kind, at)
    db.session.commit()
    if changed:
        publishing.participants_changed(room, at)
    return changed


def account(room: Room, participant: Participant, kind: str, at: datetime) -> bool:
    """Count one report ("activity", "hidden" or "visible"; never any seconds) without committing.
    True when what others see changed."""
    if not flood_guard.allow(participant.id):
        return False
    changed = services.report(room, participant, kind, at)
    if changed:
        notify.came_back(room, participant, at)
    return changed


def give_up(room: Room, participant: Participant, kind: str, at: datetime) -> bool:
    """The person says they failed this work phase (the live API's update_status "failed"): their
    open record fails exactly as strict mode fails it; the phase's end records it so."""
    record = services.open_record(participant)
    if record is None or record.status != "running":
        return False
    record.status = "failed"
    db.session.commit()
    publishing.participants_changed(room, at)
    return True
