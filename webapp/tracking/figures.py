"""What people see: live figures for the participant list and the API, summaries and results.

Read-only: figures of a running phase are folded to `now` in memory (the pure fold), never
written, so showing the list costs no write and always adds up (elapsed = active + idle).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select

from ..extensions import db
from ..models import FocusSession, Interruption, Participant, Room, User
from ..rules import accounting as rules
from ..rules.accounting import AWAY, IDLE, Seconds
from ..rules.review import focused_together_seconds
from ..rules.score import ScoreBreakdown, focus_score
from .outcome import live_outcome, planned_available_ms
from .presence import presence_of
from .services import open_record

# The worst status wins when a person's phases are summed up for the session.
STATUS_ORDER = ("completed", "running", "ended_early", "abandoned", "failed")


_NOT_READ = object()


def for_list(room: Room, participants: Sequence[Participant], now: datetime) -> dict[int, dict]:
    """participant_figures for everyone in a list, by participant id, with the scores of their last
    finished phases read in one query: a list of 50 costs what a list of 2 does."""
    live = [p.user_id for p in participants if open_record(p) is not None]
    scores = last_finished_scores(room, live)
    return {p.id: participant_figures(room, p, now, last_score=scores.get(p.user_id)) for p in participants}


def participant_figures(room: Room, participant: Participant, now: datetime, last_score=_NOT_READ) -> dict:
    """The list's and the API's figures: for a phase going on, what its record would say if the
    phase ended `now` (outcome.py, the same derivation as at its end); else the last phase's.
    `last_score` is last_finished_score() when the caller has read it already (for_list)."""
    record = participant.current_session
    figures = {"elapsed_seconds": 0, "active_seconds": 0, "idle_seconds": 0, "away_seconds": 0,
               "tab_switches": 0, "active_share": None, "focus_score": None, "score_so_far": None,
               "available_seconds": None}
    if record is None:
        return figures
    live = open_record(participant) is record
    if live:
        result = live_outcome(room, record, participant, now)
        whole, mode, tab_switches = result.seconds, result.folded.mode, result.stopped.tab_switches
        available = result.available_ms // 1000
    else:
        presence = presence_of(record)
        whole, mode, tab_switches = rules.seconds(presence), presence.mode, presence.tab_switches
        available = planned_available_ms(record) // 1000
    figures.update(elapsed_seconds=whole.elapsed, active_seconds=whole.active, idle_seconds=whole.idle,
                   away_seconds=whole.away, tab_switches=tab_switches, active_share=share(whole),
                   available_seconds=available)
    if live:
        figures["focus_score"] = last_finished_score(room, participant) if last_score is _NOT_READ else last_score
    else:
        figures["focus_score"] = record.focus_score
    figures["score_so_far"] = result.breakdown.score if live else record.focus_score
    if live and record.status == "failed":
        figures["status"] = "failed"
    elif live and participant.connections > 0 and mode in (IDLE, AWAY):
        figures["status"] = mode
    return figures


def share(whole: Seconds) -> float | None:
    return round(whole.active / whole.elapsed, 3) if whole.elapsed > 0 else None


def last_finished_score(room: Room, participant: Participant) -> int | None:
    return db.session.execute(
        select(FocusSession.focus_score)
        .where(FocusSession.room_id == room.id, FocusSession.user_id == participant.user_id,
               FocusSession.end_time.is_not(None))
        .order_by(FocusSession.end_time.desc(), FocusSession.id.desc()).limit(1)).scalar_one_or_none()


def last_finished_scores(room: Room, user_ids: Sequence[int]) -> dict[int, int | None]:
    """last_finished_score for several people of the room in one query: each one's newest
    finished record, ranked by the same order; someone with none is missing."""
    if not user_ids:
        return {}
    newest_first = func.row_number().over(
        partition_by=FocusSession.user_id,
        order_by=(FocusSession.end_time.desc(), FocusSession.id.desc())).label("rank")
    ranked = (select(FocusSession.user_id, FocusSession.focus_score, newest_first)
              .where(FocusSession.room_id == room.id, FocusSession.user_id.in_(set(user_ids)),
                     FocusSession.end_time.is_not(None))
              .subquery())
    rows = db.session.execute(select(ranked.c.user_id, ranked.c.focus_score).where(ranked.c.rank == 1))
    return dict(rows.tuples().all())


# --- the end of a phase, the end of a session -----------------------------------------------------

@dataclass
class Tally:
    """A person's figures over one or more finished phases, with the score and why."""

    elapsed: int = 0
    active: int = 0
    idle: int = 0
    away: int = 0
    tab_switches: int = 0
    target: int = 0
    available: int = 0  # the part of the target each person could have focused in (outcome.py)
    interruptions: int = 0
    statuses: list[str] = field(default_factory=list)

    def add(self, record: FocusSession, interruptions: int) -> None:
        whole = rules.seconds(presence_of(record))
        self.elapsed += whole.elapsed
        self.active += whole.active
        self.idle += whole.idle
        self.away += whole.away
        self.tab_switches += record.tab_switches
        self.target += record.target_seconds or 0
        self.available += planned_available_ms(record) // 1000
        self.interruptions += interruptions
        self.statuses.append(record.status)

    @property
    def breakdown(self) -> ScoreBreakdown:
        return focus_score(elapsed_seconds=self.elapsed, active_seconds=self.active,
                           idle_seconds=self.idle, tab_switches=self.tab_switches,
                           target_seconds=self.target, available_seconds=self.available)

    @property
    def active_share(self) -> float | None:
        return self.active / self.elapsed if self.elapsed else None

    @property
    def status(self) -> str:
        return max(self.statuses, key=STATUS_ORDER.index) if self.statuses else "completed"


@dataclass
class PersonResult:
    user: User
    tally: Tally
    phases: list[FocusSession]


@dataclass
class SessionResults:
    room: Room
    people: list[PersonResult]
    totals: Tally
    phases_done: int
    together: int = 0  # seconds the room focused together (rules/review.py): never past the session's work time


def phase_summary(participant: Participant) -> tuple[FocusSession, Tally] | None:
    """The participant's last finished work phase, for the personal summary after it."""
    record = participant.current_session
    if record is None or record.end_time is None:
        return None
    tally = Tally()
    tally.add(record, len(record.interruptions))
    return record, tally


def session_results(room: Room) -> SessionResults:
    """Everyone's finished phases since the room's session started, per person and in total."""
    query = (select(FocusSession).where(FocusSession.room_id == room.id, FocusSession.end_time.is_not(None))
             .order_by(FocusSession.start_time, FocusSession.id))
    if room.started_at is not None:
        query = query.where(FocusSession.start_time >= room.started_at)
    records = list(db.session.execute(query).scalars())
    counts = _interruption_counts([record.id for record in records])
    people: dict[int, PersonResult] = {}
    totals = Tally()
    for record in records:
        person = people.setdefault(record.user_id, PersonResult(record.user, Tally(), []))
        person.tally.add(record, counts.get(record.id, 0))
        person.phases.append(record)
        totals.add(record, counts.get(record.id, 0))
    ranked = sorted(people.values(), key=lambda p: (-p.tally.breakdown.score, p.user.name.lower()))
    together = focused_together_seconds((record.round, rules.seconds(presence_of(record)).elapsed)
                                        for record in records)
    return SessionResults(room, ranked, totals, len({record.round for record in records}), together)


def _interruption_counts(record_ids: list[int]) -> dict[int, int]:
    if not record_ids:
        return {}
    rows = db.session.execute(select(Interruption.session_id, func.count())
                              .where(Interruption.session_id.in_(record_ids))
                              .group_by(Interruption.session_id))
    return dict(rows.all())
