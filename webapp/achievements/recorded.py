"""Everything a recorded session's unlock detection reads, in ONE statement.

Why: the listener runs on every closed work phase, inside the recording transaction, and at full
size (100,000 people, 5M sessions) its cost on PostgreSQL is round trips, not rows. Crediting and
checking a session needs the person (zone, visibility), their credited records overlapping this
one (overlaps count once), their unlocked codes, and the metrics of still-locked achievements the
session can move: six statements when read one by one. Here they are one SELECT:
- the person's row, LEFT JOINed to their credited records overlapping this one (nearly always
  none, so one row);
- a scalar subquery per metric, each behind a CASE that reads it only while an achievement
  reading it is still locked (someone who has them all costs a few index probes, no counting);
- the together metrics (counts of the person's rows in focus_partners and shared_rooms), read
  only when someone else was in this phase and a together achievement is still locked. On
  PostgreSQL the statement itself adds the phase's pairs first (together.writing_ctes: WITH
  clauses that insert) and finds the company, so a closed room phase costs no round trip of its
  own for them; elsewhere together.record runs first and says whether there was company.
The metrics are read *before* the credit is written (on PostgreSQL the credit is one more
statement: totals.credit_record), so `metrics_after` adds what the credit added: its month
seconds to the focus time, its day seconds to the days around it for the streak. The session
count and the together metrics do not depend on the credit; the record itself is flushed before
the read, so it is counted, and its pairs are written before it.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta, timezone
from functools import lru_cache
from typing import NamedTuple

from sqlalchemy import (Boolean, Integer, String, and_, bindparam, case, cast, func, literal_column, select, true,
                        type_coerce)

from ..extensions import db
from ..models import AchievementUnlock, FocusSession, FocusTotal, User
from ..rules import achievements as rules
from . import metrics, together


class Person(NamedTuple):
    """What crediting reads of a person (totals.credit_record takes this or a User)."""
    id: int
    timezone: str
    on_global_board: bool
    profile_private: bool
    is_guest: bool


class Overlapping(NamedTuple):
    """One of the person's credited records overlapping the recorded one (overlaps.py reads these)."""
    id: int
    start_time: object
    end_time: object
    active_ms: int
    board_seconds: int


_users, _unlocks, _totals, _sessions = (User.__table__, AchievementUnlock.__table__, FocusTotal.__table__,
                                        FocusSession.__table__)
PERSON = metrics.PERSON
# The days read around the record for its streak: the record's UTC days, one more each side (a
# local day is within a day of the UTC one), and the streak look-around beyond them.
DAYS_AROUND = metrics.STREAK_LOOKAROUND + 1
METRICS_READ = ("sessions", "focus_seconds", "streak", "shared_rooms", "partners")


def _held():
    """One row: the person's unlocked codes, and per metric how many of its achievements they hold
    (an index range of a few rows; a metric is read only while that is below its count). Read
    once: OFFSET 0 keeps PostgreSQL from copying it into each place that reads it."""
    held = _unlocks.alias("held")  # a short name, as below
    columns = [func.aggregate_strings(held.c.code, ",").label("codes")]
    for metric in METRICS_READ:
        columns.append(func.count().filter(held.c.code.in_([_constant(code) for code in _codes(metric)]))
                       .label(metric))
    return select(*columns).where(held.c.user_id == PERSON).offset(0).subquery("flags")


def _constant(value: str | int):
    """Our own constants written into the statement, not bound: fewer parameters, and a shorter
    text (psycopg converts a statement's placeholders on every execution once it passes 4 KiB)."""
    if isinstance(value, int):
        return literal_column(str(int(value)), Integer)
    assert re.fullmatch(r"[a-z0-9_]+", value), value
    return literal_column(f"'{value}'", String)


def _codes(metric: str) -> list[str]:
    return [achievement.code for achievement in rules.ACHIEVEMENTS if achievement.metric == metric]


def _locked(held, metric: str):
    return held.c[metric] < _constant(len(_codes(metric)))


def _days(dialect: str):
    """The person's own days around the record with their seconds, as 'YYYY-MM-DD:seconds,...'
    (one value, so the statement stays one row). SQLite keeps dates as that text already."""
    starts = (type_coerce(func.to_char(_totals.c.starts, "YYYY-MM-DD"), String) if dialect == "postgresql"
              else type_coerce(_totals.c.starts, String))
    found = (select(func.aggregate_strings(starts + ":" + cast(_totals.c.seconds, String), ","))
             .where(_totals.c.user_id == PERSON, _totals.c.period == "day",
                    _totals.c.starts >= bindparam("first_day"), _totals.c.starts <= bindparam("last_day"))
             .scalar_subquery())
    return func.coalesce(found, "")  # '' for no days, so NULL means "not read" (no streak locked)


def _added(cte):
    """This person's rows a together insert of the same statement added (the rest of a statement
    reads the tables as they were before it)."""
    return select(func.count()).select_from(cte).where(cte.c.user_id == PERSON).scalar_subquery()


@lru_cache(maxsize=3)
def _statement(dialect: str, pairs: bool = False):
    """Built once per dialect (only the day's text form differs), then only bound. `pairs`
    (PostgreSQL): the statement also writes the record's together facts (together.writing_ctes)
    and says whether the phase had company, instead of being told."""
    shared_rooms, partners = metrics.COUNTS["shared_rooms"](), metrics.COUNTS["partners"]()
    flags = _held()
    if pairs:
        found, partners_added, rooms_added = together.writing_ctes()
        seen = select(select(found.c.user_id).exists().label("company")).subquery("seen")
        company, flags_join, told = seen.c.company, flags.join(seen, true()), [seen.c.company]
        shared_rooms, partners = shared_rooms + _added(rooms_added), partners + _added(partners_added)
    else:
        company = bindparam("company", type_=Boolean)  # someone else was in the phase (together.record)
        flags_join, told = flags, []
    overlapping = _sessions.alias("o")  # short names keep the statement under 4 KiB (see _constant)
    statement = (
        select(_users.c.id, _users.c.timezone, _users.c.on_global_board, _users.c.profile_private,
               _users.c.is_guest, flags.c.codes, *told,
               case((_locked(flags, "sessions"), metrics.COUNTS["sessions"]())).label("sessions"),
               case((_locked(flags, "focus_seconds"), metrics.COUNTS["focus_seconds"]())).label("focus_seconds"),
               case((_locked(flags, "streak"), _days(dialect))).label("days"),
               case((and_(company, _locked(flags, "shared_rooms")), shared_rooms)).label("shared_rooms"),
               case((and_(company, _locked(flags, "partners")), partners)).label("partners"),
               overlapping.c.id.label("o_id"), overlapping.c.start_time.label("o_start"),
               overlapping.c.end_time.label("o_end"), overlapping.c.active_ms.label("o_active_ms"),
               overlapping.c.board_seconds.label("o_board_seconds"))
        .select_from(_users.join(flags_join, true()).outerjoin(overlapping, and_(
            overlapping.c.user_id == _users.c.id, overlapping.c.board_seconds.is_not(None),
            overlapping.c.start_time < bindparam("end"), overlapping.c.end_time > bindparam("start"),
            overlapping.c.id != bindparam("record_id"))))
        .where(_users.c.id == PERSON))
    return statement.add_cte(found, partners_added, rooms_added) if pairs else statement


@dataclass(frozen=True)
class Seen:
    """What was read before the credit. `read`: the metrics of still-locked achievements (the
    together ones only with company); `days`: the person's days around the record, or None when no
    streak is locked; `first_day`/`last_day`: the range `days` covers."""
    person: Person
    done: frozenset[str]
    overlapping: list[Overlapping]
    company: bool
    read: dict[str, int]
    days: dict[date, int] | None
    first_day: date
    last_day: date

    def metrics_after(self, added: Mapping[tuple[str, date], int], names) -> dict[str, int]:
        """`names`' values once the credit (`added`: (period, starts) -> seconds) is in."""
        values = {}
        for name in names:
            if name == "focus_seconds":
                values[name] = self.read[name] + sum(s for (period, _), s in added.items() if period == "month")
            elif name == "streak":
                values[name] = self._streak_after(added)
            elif name in self.read:
                values[name] = self.read[name]
        return values

    def _streak_after(self, added: Mapping[tuple[str, date], int]) -> int:
        """The longest run through a day the credit added to (as metrics.streak_through reads it
        after the write)."""
        gained = sorted(starts for (period, starts), seconds in added.items() if period == "day" and seconds > 0)
        if not gained:
            return 0
        reach = timedelta(days=metrics.STREAK_LOOKAROUND)
        if self.days is None or gained[0] - reach < self.first_day or gained[-1] + reach > self.last_day:
            # Beyond what was read (a long chain of overlapping records re-credited): read it now.
            return metrics.streak_through(self.person.id, gained)
        seconds = dict(self.days)
        for (period, starts), change in added.items():
            if period == "day":
                seconds[starts] = seconds.get(starts, 0) + change
        found = [day for day, total in seconds.items() if total >= rules.STREAK_DAY_MIN_SECONDS]
        return max(rules.run_through(found, day) for day in gained)


def _parse_days(text: str | None) -> dict[date, int]:
    days = {}
    for item in (text or "").split(","):
        if item:
            day, _, seconds = item.partition(":")
            days[date.fromisoformat(day)] = int(seconds)
    return days


def read(record: FocusSession, company: bool = False, pairs: bool = False) -> Seen | None:
    """One statement (after flushing the record, so its closing is what the count reads).
    `company`: someone else was in its phase (together.record, run before: its pairs are in the
    counts). `pairs` instead: the same statement adds the record's pairs and finds the company
    (PostgreSQL, see together.in_one_statement; one round trip fewer on every closed room phase).
    None when the person no longer exists."""
    db.session.flush()
    first_day = record.start_time.astimezone(timezone.utc).date() - timedelta(days=DAYS_AROUND)
    last_day = record.end_time.astimezone(timezone.utc).date() + timedelta(days=DAYS_AROUND)
    values = {"person_id": record.user_id, "record_id": record.id, "start": record.start_time,
              "end": record.end_time, "first_day": first_day, "last_day": last_day}
    if pairs:
        values["room_id"] = record.room_id
    else:
        values["company"] = company
    rows = db.session.execute(_statement(db.session.get_bind().dialect.name, pairs), values).all()
    if not rows:
        return None
    row = rows[0]
    if pairs:
        company = bool(row.company)
    read_values = {name: int(getattr(row, name)) for name in ("sessions", "focus_seconds", "shared_rooms", "partners")
                   if getattr(row, name) is not None}
    return Seen(person=Person(row.id, row.timezone, row.on_global_board, row.profile_private, row.is_guest),
                done=frozenset((row.codes or "").split(",")) - {""},
                overlapping=[Overlapping(r.o_id, r.o_start, r.o_end, r.o_active_ms, r.o_board_seconds)
                             for r in rows if r.o_id is not None],
                company=company, read=read_values,
                days=None if row.days is None else _parse_days(row.days),
                first_day=first_day, last_day=last_day)
