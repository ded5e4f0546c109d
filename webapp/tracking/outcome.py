"""How a person's part in a work phase comes out at a moment: tallies, available time, score, status.

One derivation for the end of a phase and for the live figures: `finish` (services.py) evaluates it
at the phase's end and stores it; the participant list and the API evaluate it at `now` and write
nothing. So what the list shows at a moment is what the record would say if the phase ended then.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..models import FocusSession, Participant, Room
from ..rules import accounting as rules
from ..rules import session_status
from ..rules.accounting import AWAY, PAUSED, Presence, Seconds
from ..rules.session_status import FAILED
from ..rules.score import ScoreBreakdown, available_seconds, focus_score
from .presence import MS, ms, presence_of, threshold_ms

# The ticker ends a work phase within about a second of its deadline. A phase still open this long
# after its deadline means no server was running then: what arrives now (sockets counted out by the
# restart, reconnections) belongs to after the outage, not to the phase.
OUTAGE_MS = 10_000


@dataclass(frozen=True)
class Outcome:
    folded: Presence  # at the moment evaluated, as the person was then (mode: active/idle/away/...)
    stopped: Presence  # closed where the record ends (their departure, if they left for good)
    seconds: Seconds
    available_ms: int
    breakdown: ScoreBreakdown
    status: str
    rewound: bool  # the record ends when they went away, not at the moment evaluated


def outcome(room: Room, record: FocusSession, participant: Participant | None, at: datetime, *,
            left_ms: int, finished: bool = True, server_down: bool = False) -> Outcome:
    """The record as it stands if its phase ends at `at` with `left_ms` of the phase's countdown
    unused (0 at the deadline). With `server_down` the server stopped watching before `at`: the
    person is judged by their presence when it last did, and the time after is nobody's."""
    presence = presence_of(record)
    until = presence.counted_until_ms if server_down else ms(at)
    unwatched = max(0, ms(at) - presence.counted_until_ms) if server_down else 0
    folded = rules.fold(presence, until, threshold_ms(room))
    left = left_during_phase(participant, at)
    rewound = left and record.status != "failed" and folded.mode == AWAY
    closing = _rewind_to_departure(folded) if rewound else folded
    stopped = rules.stop(closing, closing.counted_until_ms, 0)
    whole = rules.seconds(stopped)
    available = available_seconds(left_when_joined=planned_available_ms(record) / MS,
                                  left_when_ended=left_ms / MS, unwatched=unwatched / MS)
    breakdown = focus_score(elapsed_seconds=whole.elapsed, active_seconds=whole.active,
                            idle_seconds=whole.idle, tab_switches=stopped.tab_switches,
                            target_seconds=record.target_seconds or 0, available_seconds=int(available))
    status = end_status(record, left=left, finished=finished)
    return Outcome(folded, stopped, whole, round(available * MS), breakdown, status, rewound)


def live_outcome(room: Room, record: FocusSession, participant: Participant | None, now: datetime) -> Outcome:
    """The outcome of a record still open, as if its phase ended `now`."""
    at = within_phase(room, now)
    return outcome(room, record, participant, at, left_ms=phase_left_ms(room, at) or 0,
                   server_down=missed_deadline(room, now))


def end_status(record: FocusSession, *, left: bool, finished: bool) -> str:
    """Strict mode's verdict stands; otherwise the focus log's one rule (rules/session_status.py):
    whoever left before the end abandoned the phase, a phase cut short ended early."""
    if record.status == FAILED:
        return FAILED
    return session_status.end_status(reached=finished, left=left)


def planned_available_ms(record: FocusSession) -> int:
    """Stored at the record's start (the phase's countdown then) or, once ended, the final figure;
    rows from before it was stored fall back to the planned length."""
    if record.available_ms is not None:
        return record.available_ms
    return (record.target_seconds or 0) * MS


def left_during_phase(participant: Participant | None, at: datetime) -> bool:
    """Gone, and gone before `at`. A socket counted out later (when a server that died during the
    phase starts again, say) does not make its owner someone who left the phase."""
    if participant is None:
        return True
    if participant.connections > 0:
        return False
    return participant.left_at is None or participant.left_at <= at


def phase_left_ms(room: Room, at: datetime) -> int | None:
    """What the running or paused work phase's countdown still holds at `at`; None when unknown."""
    if room.phase != "work":
        return None
    if room.status == "paused":
        return round(room.remaining_seconds * MS)
    if room.status == "running" and room.phase_ends_at is not None:
        return max(0, ms(room.phase_ends_at) - ms(at))
    return None


def within_phase(room: Room, at: datetime) -> datetime:
    """An event that arrives after the work phase's deadline, before the ticker has ended the phase,
    counts at the deadline: nothing after it belongs to the phase (the break is not counted)."""
    if room.status == "running" and room.phase_ends_at is not None and at > room.phase_ends_at:
        return room.phase_ends_at
    return at


def missed_deadline(room: Room, at: datetime) -> bool:
    """The running phase's deadline passed so long before `at` that no ticker can have been running."""
    return room.status == "running" and room.phase_ends_at is not None and server_was_down(room.phase_ends_at, at)


def server_was_down(deadline: datetime, noticed_at: datetime) -> bool:
    """A phase's end noticed this late was missed by a server that was not running."""
    return ms(noticed_at) - ms(deadline) > OUTAGE_MS


def _rewind_to_departure(p: Presence) -> Presence:
    """Someone who left and never came back: their record ends when they went away.

    Time counted while away went to elapsed, idle and away alike, so taking it back is exact.
    """
    gone = max(0, p.counted_until_ms - p.away_since_ms)
    return Presence(mode=PAUSED, counted_until_ms=p.away_since_ms, last_activity_ms=p.last_activity_ms,
                    away_since_ms=None, elapsed_ms=p.elapsed_ms - gone, active_ms=p.active_ms,
                    idle_ms=p.idle_ms - gone, away_ms=p.away_ms - gone, tab_switches=p.tab_switches)
