"""Domain events: a feature announces what happened; other features listen.

Rooms and the timer announce (a phase started or ended, the room paused, someone connected...);
tracking, achievements, and later messages, listen. The announcer never imports a listener,
so features do not call each other in a circle. Who listens to what is wired in one place,
`webapp/wiring.py`, called by create_app().

Listeners run at once, in the announcer's thread and inside its database transaction: a
listener's writes commit with the change that caused them, and a listener that raises makes the
announcer's transaction roll back (nothing of it is committed, and nothing queued with
`realtime.outbox` is published). Listeners must not commit; what they have to tell browsers they
queue on the outbox, which publishes after the commit.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models import FocusSession, Participant, Room


@dataclass(frozen=True)
class WorkPhaseStarted:
    """A work phase began running (start, auto-start, a skip into work) at `at`. `started_by_id`:
    who started it from a page without its socket (a solo page offline, sent later): they were
    there, so they count as present from `at` though no socket of theirs is open now."""
    room: Room
    at: datetime
    started_by_id: int | None = None


@dataclass(frozen=True)
class WorkPhaseEnded:
    """The running work phase ended at `at` (deadline, skip, reset or end); `finished` when it ran
    to its deadline; `unused_seconds` is what its countdown still held (0 at the deadline);
    `noticed_at` is when the ticker or the host's action got to it (a deadline noticed long after
    means the server was down then)."""
    room: Room
    at: datetime
    finished: bool
    unused_seconds: float = 0.0
    noticed_at: datetime | None = None


@dataclass(frozen=True)
class RoomPaused:
    room: Room
    at: datetime


@dataclass(frozen=True)
class RoomResumed:
    room: Room
    at: datetime


@dataclass(frozen=True)
class ParticipantConnected:
    """A participant's first socket opened (joined, or came back)."""
    room: Room
    participant: Participant
    at: datetime


@dataclass(frozen=True)
class ParticipantDisconnected:
    """A participant's last socket closed."""
    room: Room
    participant: Participant
    at: datetime


@dataclass(frozen=True)
class ParticipantPaused:
    """A participant paused (`paused`) or resumed only themselves."""
    room: Room
    participant: Participant
    paused: bool
    at: datetime


@dataclass(frozen=True)
class TickRan:
    """The ticker advanced every due timer at `now` (same transaction). Listeners do their own
    set-based per-tick work and add the ids of rooms whose participant list changed."""
    now: datetime
    lists_to_publish: set[int] = field(default_factory=set)


@dataclass(frozen=True)
class SessionRecorded:
    """A focus-session record was closed (a room's work phase, or a solo session)."""
    record: FocusSession
    at: datetime


@dataclass(frozen=True)
class SessionDeleted:
    """A person is deleting a focus-session record from their history: announced just before the
    row goes, in the same transaction, so listeners can still read it (and take back what it added)."""
    record: FocusSession
    at: datetime


@dataclass(frozen=True)
class SessionDiscarded:
    """A running record is dropped unfinished (its phase reset or skipped before a second was
    counted): announced just before the row goes, in the same transaction."""
    record: FocusSession
    at: datetime


@dataclass(frozen=True)
class RoomFinished:
    """A room's timer completed (its last round ran out, or the host ended it) at `at`, after the
    last work phase's records were closed."""
    room: Room
    at: datetime


@dataclass(frozen=True)
class ForumContributed:
    """Someone wrote a forum post or reply (same transaction as the row)."""
    author_id: int
    at: datetime


Listener = Callable[[Any], None]
_listeners: dict[type, list[Listener]] = defaultdict(list)


def listen(event_type: type, listener: Listener) -> None:
    """Call `listener(event)` for every announced event of this type (registered once)."""
    if listener not in _listeners[event_type]:
        _listeners[event_type].append(listener)


def announce(event: object) -> None:
    """Run every listener of the event's type, in registration order. Exceptions propagate."""
    for listener in tuple(_listeners.get(type(event), ())):
        listener(event)


def listeners_of(event_type: type) -> list[Listener]:
    return list(_listeners.get(event_type, ()))


def forget(event_type: type, listener: Listener) -> None:
    """Remove a listener (tests)."""
    if listener in _listeners.get(event_type, ()):
        _listeners[event_type].remove(listener)
