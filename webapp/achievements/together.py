"""Who focused with whom, kept as it happens: `focus_partners` and `shared_rooms`.

The together achievements read two counts: the different people a person focused with in the
same work phase, and the rooms where they did. Derived from the room history at read time, that
is a join of the person's room records with everyone else's in those rooms (17-18 ms at full
size on PostgreSQL); kept as facts, it is a count on a primary key.

The facts are exactly what the history says (tests compare them with the read-time join on random
histories): `user` focused with `partner` when one of user's *closed* room records (source room)
and one of partner's records in the same room (any state, still running too) overlap in time;
`user` shared `room` when such a pair exists in that room.
- A room record closing (`record`) adds the pairs it makes, both ways, in the recording
  transaction: it with everyone whose record overlaps it, and whoever's closed room record
  overlaps it with its person. Idempotent (ON CONFLICT DO NOTHING): a repeated announcement adds
  nothing twice.
- A record deleted from history or discarded unfinished (`forget`), or a whole account
  (`forget_person`), takes away only the facts nothing else in the history still supports.
The one case not followed: a record opened with a start time *before* someone else's record in the
room had closed, after that close (never in service: records open at "now"; until it closes, the
other person's count lacks it).
"""
from __future__ import annotations

from functools import lru_cache

from sqlalchemy import Integer, and_, bindparam, delete, func, or_, select, text

from ..extensions import db
from ..models import FocusPartner, FocusSession, SharedRoom

_partners, _rooms = FocusPartner.__table__, SharedRoom.__table__


def applies(record: FocusSession) -> bool:
    """A closed room record: it can make pairs (solo and manual records never have company)."""
    return record.source == "room" and record.room_id is not None and record.end_time is not None


_sessions = FocusSession.__table__
PERSON = bindparam("person_id")
ROOM = bindparam("room_id")


def _found():
    """Everyone else's records in the record's room overlapping its span, through the (room_id,
    end_time) index: the ones that ended after it started, or have not ended; with whether each
    is a closed room record (then its person focused with this one too)."""
    s = _sessions.alias("s")  # a short name: recorded.py's statement holding this stays under 4 KiB
    closed_room = and_(s.c.source == "room", s.c.end_time.is_not(None))
    return select(s.c.user_id, closed_room.label("closed_room")).where(
        s.c.room_id == ROOM, s.c.user_id != PERSON, s.c.start_time < bindparam("end"),
        or_(s.c.end_time > bindparam("start"), s.c.end_time.is_(None)))


# Written out: the dialect's on_conflict_do_nothing() construct has no cache key, so a statement
# holding it would be compiled again on every recorded session (~7 ms of CPU measured).
_ADD_PAIRS = text("""INSERT INTO focus_partners (user_id, partner_id)
    SELECT CAST(:person_id AS INTEGER), user_id FROM found
    UNION SELECT user_id, CAST(:person_id AS INTEGER) FROM found WHERE closed_room
    ON CONFLICT DO NOTHING RETURNING user_id""").columns(user_id=Integer)
_ADD_ROOMS = text("""INSERT INTO shared_rooms (user_id, room_id)
    SELECT CAST(:person_id AS INTEGER), CAST(:room_id AS INTEGER) FROM found
    UNION SELECT user_id, CAST(:room_id AS INTEGER) FROM found WHERE closed_room
    ON CONFLICT DO NOTHING RETURNING user_id""").columns(user_id=Integer)


def writing_ctes():
    """The WITH clauses that add a record's pairs (PostgreSQL): `found`, `partners_added` and
    `rooms_added` (each insert's new rows, by person). A statement holding them writes both tables
    whatever else it reads (`found` comes first, as their text names it); recorded.py reads the
    unlock check in the same statement."""
    return _found().cte("found"), _ADD_PAIRS.cte("partners_added"), _ADD_ROOMS.cte("rooms_added")


def in_one_statement() -> bool:
    """Whether the pairs can be written in the statement that reads the unlock check."""
    return db.session.get_bind().dialect.name == "postgresql"


@lru_cache(maxsize=1)
def _record_postgresql():
    """One round trip, and the statement says whether the phase had company."""
    found, partners_added, rooms_added = writing_ctes()
    return select(select(found.c.user_id).exists()).add_cte(found, partners_added, rooms_added)


_FOUND = _found()
_ADD_PAIR = text("INSERT INTO focus_partners (user_id, partner_id) VALUES (:user_id, :partner_id) "
                 "ON CONFLICT DO NOTHING")
_ADD_ROOM = text("INSERT INTO shared_rooms (user_id, room_id) VALUES (:user_id, :room_id) ON CONFLICT DO NOTHING")


def params(record: FocusSession) -> dict:
    return {"room_id": record.room_id, "person_id": record.user_id, "start": record.start_time,
            "end": record.end_time}


def record(record: FocusSession) -> bool:
    """Add the pairs this closed room record makes (flushed first, so it is in the history).
    Returns whether someone else was in its phase: only then can the together metrics move."""
    db.session.flush()
    if db.session.get_bind().dialect.name == "postgresql":
        return db.session.execute(_record_postgresql(), params(record)).scalar_one()
    return record_sqlite(record)


def record_sqlite(record: FocusSession) -> bool:
    """SQLite runs in process: a read, then the inserts only when there was company."""
    found = db.session.execute(_FOUND, params(record)).all()
    if not found:
        return False
    me, room_id = record.user_id, record.room_id
    pairs = {(me, row.user_id) for row in found} | {(row.user_id, me) for row in found if row.closed_room}
    people = {me} | {row.user_id for row in found if row.closed_room}
    db.session.execute(_ADD_PAIR, [{"user_id": user, "partner_id": partner} for user, partner in sorted(pairs)])
    db.session.execute(_ADD_ROOM, [{"user_id": user, "room_id": room_id} for user in sorted(people)])
    return True


# --- forgetting -------------------------------------------------------------------------------

def _overlap(mine, theirs):
    return and_(theirs.room_id == mine.room_id, theirs.start_time < mine.end_time,
                or_(theirs.end_time.is_(None), theirs.end_time > mine.start_time))


def _mine(mine):
    return and_(mine.source == "room", mine.room_id.is_not(None), mine.end_time.is_not(None))


# The statements below are built once (lru_cache) and then only bound: building them costs a few
# ms (aliases of a 30-column table), more than running them.
_RECORD = bindparam("record_id")
_ME = bindparam("me")


def _pair_holds(user_id, partner_id):
    """`user_id` still focused with `partner_id` in the history without the record `record_id`:
    the two people's own records (their user index), joined on the room, never a room's history."""
    mine, theirs = _sessions.alias("mine"), _sessions.alias("theirs")
    return select(mine.c.id).join_from(mine, theirs, _overlap(mine.c, theirs.c)).where(
        mine.c.user_id == user_id, theirs.c.user_id == partner_id, _mine(mine.c),
        mine.c.id != _RECORD, theirs.c.id != _RECORD).exists()


def _room_holds(user_id, room_id, without_record: bool):
    """`user_id` still shared `room_id` (without the record `record_id`): with one of their
    partners, as focus_partners holds them *now*, so run it after the pairs are corrected. Exact,
    as anyone they overlapped is a partner; and it reads those people's records, not the room's
    history."""
    mine, theirs = _sessions.alias("mine"), _sessions.alias("theirs")
    partners = select(_partners.c.partner_id).where(_partners.c.user_id == mine.c.user_id)
    conditions = [mine.c.user_id == user_id, mine.c.room_id == room_id,
                  theirs.c.user_id.in_(partners.scalar_subquery()), _mine(mine.c)]
    if without_record:
        conditions += [mine.c.id != _RECORD, theirs.c.id != _RECORD]
    return select(mine.c.id).join_from(mine, theirs, _overlap(mine.c, theirs.c)).where(*conditions).exists()


@lru_cache(maxsize=2)
def _paired_in_room(closed: bool):
    """People paired with `me` either way (index ranges of focus_partners) who had a record in the
    room overlapping the record (their own records, by person): whom it can have paired."""
    paired = (select(_partners.c.partner_id).where(_partners.c.user_id == _ME)
              .union(select(_partners.c.user_id).where(_partners.c.partner_id == _ME)))
    conditions = [_sessions.c.user_id.in_(paired.scalar_subquery()), _sessions.c.room_id == ROOM,
                  or_(_sessions.c.end_time.is_(None), _sessions.c.end_time > bindparam("start"))]
    if closed:
        conditions.append(_sessions.c.start_time < bindparam("end"))
    return select(_sessions.c.user_id).where(*conditions).distinct()


@lru_cache(maxsize=1)
def _forget_statements():
    others = bindparam("others", expanding=True)
    pairs = delete(_partners).where(
        or_(and_(_partners.c.user_id == _ME, _partners.c.partner_id.in_(others)),
            and_(_partners.c.user_id.in_(others), _partners.c.partner_id == _ME)),
        ~_pair_holds(_partners.c.user_id, _partners.c.partner_id))
    rooms = delete(_rooms).where(
        _rooms.c.room_id == ROOM, _rooms.c.user_id.in_(bindparam("people", expanding=True)),
        ~_room_holds(_rooms.c.user_id, _rooms.c.room_id, without_record=True))
    return pairs, rooms


@lru_cache(maxsize=1)
def _forget_rooms_of_people():
    return delete(_rooms).where(
        _rooms.c.user_id.in_(bindparam("people", expanding=True)),
        _rooms.c.room_id.in_(bindparam("rooms", expanding=True)),
        ~_room_holds(_rooms.c.user_id, _rooms.c.room_id, without_record=False))


def forget(record: FocusSession) -> None:
    """`record` is going (deleted from history, or discarded before its first second): remove the
    facts only it supported. Runs before the row goes, so the checks leave it out by id."""
    if record.room_id is None or record.id is None:
        return
    me = record.user_id
    others = list(db.session.execute(_paired_in_room(record.end_time is not None), {
        "me": me, "room_id": record.room_id, "start": record.start_time, "end": record.end_time}).scalars())
    if not others:
        return
    pairs, rooms = _forget_statements()
    db.session.execute(pairs, {"me": me, "others": others, "record_id": record.id})
    db.session.execute(rooms, {"room_id": record.room_id, "people": [me, *others], "record_id": record.id})


def forget_person(user_id: int) -> None:
    """An account is going with all its records: its own facts go, and so do the rooms others
    shared only with it. Call before its records are deleted (they say which rooms to check)."""
    shared_with = list(db.session.execute(
        select(_partners.c.user_id).where(_partners.c.partner_id == user_id)).scalars())
    their_rooms = list(db.session.execute(
        select(_sessions.c.room_id).where(_sessions.c.user_id == user_id, _sessions.c.room_id.is_not(None))
        .distinct()).scalars())
    db.session.execute(delete(_partners).where(or_(_partners.c.user_id == user_id,
                                                   _partners.c.partner_id == user_id)))
    db.session.execute(delete(_rooms).where(_rooms.c.user_id == user_id))
    if shared_with and their_rooms:  # now that they are no one's partner, their records no longer count
        db.session.execute(_forget_rooms_of_people(), {"people": shared_with, "rooms": their_rooms})


# --- counts and rebuilding --------------------------------------------------------------------

def partners_count(person):
    """The different people `person` (a value or bind parameter) focused with: an index count."""
    return select(func.count()).select_from(_partners).where(_partners.c.user_id == person).scalar_subquery()


def shared_rooms_count(person):
    return select(func.count()).select_from(_rooms).where(_rooms.c.user_id == person).scalar_subquery()


# The backfill (migration 0010 and the benchmark's build): the same facts from the whole history,
# set-based. Each closed room record finds the overlapping ones through the (room_id, end_time)
# index in a bounded range: a record that overlaps it ended after it started and, being at most
# `reach` long, before it ended plus `reach`; records still running are a second, tiny range.
_REBUILD = """
CREATE TEMPORARY TABLE together_found AS
SELECT DISTINCT mine.user_id AS user_id, theirs.user_id AS partner_id, mine.room_id AS room_id
FROM focus_sessions mine JOIN focus_sessions theirs
  ON theirs.room_id = mine.room_id AND theirs.end_time > mine.start_time AND theirs.end_time <= {reach_end}
 AND theirs.start_time < mine.end_time AND theirs.user_id <> mine.user_id
WHERE mine.source = 'room' AND mine.room_id IS NOT NULL AND mine.end_time IS NOT NULL
UNION
SELECT mine.user_id, theirs.user_id, mine.room_id
FROM focus_sessions mine JOIN focus_sessions theirs
  ON theirs.room_id = mine.room_id AND theirs.end_time IS NULL
 AND theirs.start_time < mine.end_time AND theirs.user_id <> mine.user_id
WHERE mine.source = 'room' AND mine.room_id IS NOT NULL AND mine.end_time IS NOT NULL;
DELETE FROM focus_partners;
DELETE FROM shared_rooms;
INSERT INTO focus_partners (user_id, partner_id) SELECT DISTINCT user_id, partner_id FROM together_found;
INSERT INTO shared_rooms (user_id, room_id) SELECT DISTINCT user_id, room_id FROM together_found;
DROP TABLE together_found"""
_LONGEST = {
    "sqlite": "SELECT max((julianday(end_time) - julianday(start_time)) * 86400) FROM focus_sessions "
              "WHERE room_id IS NOT NULL",
    "postgresql": "SELECT EXTRACT(EPOCH FROM max(end_time - start_time)) FROM focus_sessions WHERE room_id IS NOT NULL",
}
_REACH_END = {
    "sqlite": "strftime('%Y-%m-%d %H:%M:%f', mine.end_time, '+{reach} seconds')",
    "postgresql": "mine.end_time + interval '{reach} seconds'",
}


def rebuild(connection) -> None:
    """Fill both tables from the whole history (replacing what they hold), on `connection`."""
    dialect = connection.dialect.name
    if dialect == "postgresql":
        # Without statistics (a restored or freshly loaded database) PostgreSQL planned the join
        # badly: more than 13 minutes at full size, against about one with them. A sample: seconds.
        connection.execute(text("ANALYZE focus_sessions"))
    longest = connection.execute(text(_LONGEST[dialect])).scalar() or 0
    reach = int(longest) + 2  # whole seconds, rounded up, and a second for SQLite's 3-digit text
    for statement in _REBUILD.format(reach_end=_REACH_END[dialect].format(reach=reach)).split(";"):
        connection.execute(text(statement))
