"""Solo Pomodoro cycles as pure rules: the rhythm a person keeps, and the words a solo timer uses.

A solo session is a room of one running the timer of rules/timer.py with the person's own rhythm;
nothing here reads the clock or the database.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass

from .timer import COMPLETED, IDLE, LONG_BREAK, SHORT_BREAK, WORK, TimerConfig

# (minimum, maximum) of each length, in minutes, and of the counts.
WORK_MINUTES = (1, 180)
SHORT_BREAK_MINUTES = (1, 60)
LONG_BREAK_MINUTES = (1, 120)
LONG_BREAK_EVERY = (1, 12)
ROUNDS = (1, 12)
LIMITS = {"work_minutes": WORK_MINUTES, "short_break_minutes": SHORT_BREAK_MINUTES,
          "long_break_minutes": LONG_BREAK_MINUTES, "long_break_every": LONG_BREAK_EVERY, "rounds": ROUNDS}
CHECKIN_LABELS = {"done": "Done", "partly": "Partly", "not": "Not done"}


@dataclass(frozen=True)
class SoloCycle:
    """A person's Pomodoro rhythm: `rounds` focuses of `work_minutes`, short breaks between them and
    a long break after every `long_break_every`-th; breaks and the next focus may start on their own."""

    work_minutes: int = 25
    short_break_minutes: int = 5
    long_break_minutes: int = 15
    long_break_every: int = 4
    rounds: int = 4
    auto_start_breaks: bool = True
    auto_start_work: bool = False

    def problems(self) -> dict[str, str]:
        """Field name -> user-facing message, for every value outside its limits (empty when fine)."""
        found = {}
        for name, (low, high) in LIMITS.items():
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
                found[name] = f"Choose a whole number from {low} to {high}."
        return found

    def room_settings(self) -> dict:
        """The Room column values of a solo room keeping this rhythm."""
        return asdict(self)

    def timer_config(self) -> TimerConfig:
        return TimerConfig(work_seconds=self.work_minutes * 60, short_break_seconds=self.short_break_minutes * 60,
                           long_break_seconds=self.long_break_minutes * 60, long_break_every=self.long_break_every,
                           rounds=self.rounds, auto_start_breaks=self.auto_start_breaks,
                           auto_start_work=self.auto_start_work)


def focus_words(round_: int, rounds: int | None) -> str:
    """'Focus 2 of 4' (or 'Focus 2' when the cycle runs until stopped)."""
    return f"Focus {round_} of {rounds}" if rounds else f"Focus {round_}"


def phase_words(status: str, phase: str, round_: int, rounds: int | None) -> str:
    """What a solo timer's label says: 'Focus 2 of 4', 'Short break · next: focus 3 of 4',
    'Long break · next: focus 5 of 8', and once over, 'All 4 focuses done'."""
    if status == COMPLETED:
        done = round_ if rounds is None else min(round_, rounds)
        if done <= 1:
            return "Focus done"
        return "Both focuses done" if done == 2 else f"All {done} focuses done"
    if phase == WORK:
        return focus_words(round_, rounds)
    name = {SHORT_BREAK: "Short break", LONG_BREAK: "Long break"}.get(phase, phase)
    return f"{name} · next: {focus_words(round_ + 1, rounds).lower()}"


def headline(status: str, phase: str, round_: int, rounds: int | None) -> str:
    """The one line under a solo countdown."""
    if status == COMPLETED:
        return "Well done. How did it go?"
    if status == IDLE:
        if phase == WORK:
            return f"Break over. Start {focus_words(round_, rounds).lower()} when you are ready."
        return "Focus done. Start your break when you are ready."
    if status == "paused":
        return "Paused: the countdown waits for you."
    return "Focus time" if phase == WORK else "Break: step away from the screen"


def rhythm(cycle_or_room) -> str:
    """'25 min focus · 5 min breaks · 15 min long break after every 4th · 4 focuses' (a room or a cycle)."""
    work, rounds = cycle_or_room.work_minutes, cycle_or_room.rounds
    parts = [f"{work} min focus"]
    if rounds == 1:
        return parts[0]
    parts.append(f"{cycle_or_room.short_break_minutes} min breaks")
    every = cycle_or_room.long_break_every
    if rounds is None or rounds > every:
        parts.append(f"{cycle_or_room.long_break_minutes} min long break after every {_ordinal(every)}")
    parts.append(f"{rounds} focuses" if rounds else "until stopped")
    return " · ".join(parts)


def _ordinal(n: int) -> str:
    if n == 1:
        return "focus"
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


@dataclass(frozen=True)
class CheckinBreakdown:
    done: int = 0
    partly: int = 0
    not_done: int = 0

    @property
    def total(self) -> int:
        return self.done + self.partly + self.not_done

    def rows(self) -> list[tuple[str, str, int, int]]:
        """(key, label, count, whole percent) for each answer, in a fixed order."""
        counts = {"done": self.done, "partly": self.partly, "not": self.not_done}
        return [(key, CHECKIN_LABELS[key], count, round(100 * count / self.total) if self.total else 0)
                for key, count in counts.items()]


def checkin_breakdown(answers: Iterable[str | None]) -> CheckinBreakdown:
    """How check-ins went: counts of done / partly / not; unanswered ones are left out."""
    answers = list(answers)
    return CheckinBreakdown(done=answers.count("done"), partly=answers.count("partly"),
                            not_done=answers.count("not"))
