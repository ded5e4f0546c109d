"""Who focused with whom, kept as phases close (achievements/together.py), is exactly what the room
history says: compared with the read-time join over the whole history on random histories (records
opening and closing, idle ones, deletions, discards, accounts going), after the backfill, and
through the real tracking path."""
import random
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from tests.support import tracking
from tests.support.achievements import record
from tests.support.tracking import StatementCounter
from webapp import events
from webapp.achievements import metrics, together
from webapp.extensions import db
from webapp.focus import services as focus
from webapp.models import AchievementUnlock, FocusPartner, FocusSession, SharedRoom, User
from webapp.privacy.deletion import delete_account

UTC = timezone.utc
NINE = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def from_history() -> tuple[set, set]:
    """The read-time definition (what metrics.py computed before the facts were kept): `user`
    focused with `partner` when one of user's closed room records and one of partner's records in
    the same room (any state) overlap; `user` shared `room` when that happened there."""
    records = db.session.execute(select(FocusSession)).scalars().all()
    pairs, rooms = set(), set()
    for mine in records:
        if mine.source != "room" or mine.room_id is None or mine.end_time is None:
            continue
        for theirs in records:
            if (theirs.room_id == mine.room_id and theirs.user_id != mine.user_id
                    and theirs.start_time < mine.end_time
                    and (theirs.end_time is None or theirs.end_time > mine.start_time)):
                pairs.add((mine.user_id, theirs.user_id))
                rooms.add((mine.user_id, mine.room_id))
    return pairs, rooms


def kept() -> tuple[set, set]:
    db.session.flush()
    return (set(db.session.execute(select(FocusPartner.user_id, FocusPartner.partner_id)).tuples()),
            set(db.session.execute(select(SharedRoom.user_id, SharedRoom.room_id)).tuples()))


def codes(user) -> set[str]:
    return set(db.session.execute(select(AchievementUnlock.code).where(AchievementUnlock.user_id == user.id)).scalars())


def open_record(user, room, start: datetime) -> FocusSession:
    """A running room record, as tracking opens it when a work phase starts or someone joins."""
    session = FocusSession(user_id=user.id, room_id=room.id, source="room", status="running", start_time=start,
                           mode="active", elapsed_ms=0, active_ms=0)
    db.session.add(session)
    db.session.flush()
    return session


def close_record(session: FocusSession, end: datetime, active_share: float) -> None:
    """Closed and announced as tracking.finish does (a share of 0: idle all along, never credited)."""
    elapsed = round((end - session.start_time).total_seconds() * 1000)
    session.end_time, session.status, session.mode = end, "completed", "stopped"
    session.duration_seconds, session.elapsed_ms = elapsed // 1000, elapsed
    session.active_ms = round(elapsed * active_share)
    session.idle_ms = elapsed - session.active_ms
    events.announce(events.SessionRecorded(session, end))


class History:
    """Random but service-like: records open at "now" and close later, in time order."""

    def __init__(self, rng: random.Random, people: list, rooms: list, *, accounts_go: bool = True):
        self.rng, self.people, self.rooms, self.accounts_go = rng, list(people), rooms, accounts_go
        self.now = NINE
        self.running: dict[int, FocusSession] = {}  # person id -> their running record
        self.closed: list[FocusSession] = []

    def step(self) -> str:
        self.now += timedelta(minutes=self.rng.choice((0, 1, 3, 7, 20)))
        roll = self.rng.random()
        idle = [person for person in self.people if person.id not in self.running]
        if roll < 0.40 and idle:
            person = self.rng.choice(idle)
            self.running[person.id] = open_record(person, self.rng.choice(self.rooms), self.now)
            return "open"
        if roll < 0.75 and self.running:
            session = self.running.pop(self.rng.choice(sorted(self.running)))
            self.now = max(self.now, session.start_time + timedelta(minutes=1))  # closes at "now"
            close_record(session, self.now, self.rng.choice((0.0, 0.5, 1.0)))
            self.closed.append(session)
            return "close"
        if roll < 0.82 and self.running:
            session = self.running.pop(self.rng.choice(sorted(self.running)))
            events.announce(events.SessionDiscarded(session, self.now))
            db.session.delete(session)
            return "discard"
        if roll < 0.93 and self.closed:
            session = self.closed.pop(self.rng.randrange(len(self.closed)))
            focus.delete_session(db.session.get(User, session.user_id), session.id, now=self.now)
            return "delete"
        if roll < 0.95 and self.accounts_go and len(self.people) > 2:
            person = self.people.pop(self.rng.randrange(len(self.people)))
            self.running.pop(person.id, None)
            self.closed = [session for session in self.closed if session.user_id != person.id]
            delete_account(person, self.now)
            return "account"
        return "nothing"


@pytest.mark.parametrize("seed", range(6))
def test_the_kept_facts_equal_the_history_after_every_step(make_user, seed):
    rng = random.Random(seed)
    people = [make_user(f"p{seed}x{n}") for n in range(6)]
    rooms = [tracking.make_room(people[0]) for _ in range(3)]
    history = History(rng, people, rooms)
    done = set()
    for _ in range(120):
        done.add(history.step())
        assert kept() == from_history()
        db.session.commit()
    assert {"open", "close", "discard", "delete"} <= done
    for person in history.people:  # the metrics read the facts
        pairs, rooms_shared = from_history()
        assert metrics.metrics_of(person.id, ("partners", "shared_rooms")) == {
            "partners": sum(1 for user, _ in pairs if user == person.id),
            "shared_rooms": sum(1 for user, _ in rooms_shared if user == person.id)}


@pytest.mark.parametrize("seed", range(3))
def test_the_backfill_finds_what_the_history_says(make_user, seed):
    rng = random.Random(100 + seed)
    people = [make_user(f"b{seed}x{n}") for n in range(7)]
    rooms = [tracking.make_room(people[0]) for _ in range(3)]
    history = History(rng, people, rooms, accounts_go=False)
    for _ in range(150):
        history.step()
    db.session.commit()
    expected = from_history()
    db.session.execute(FocusPartner.__table__.delete())
    db.session.execute(SharedRoom.__table__.delete())
    together.rebuild(db.session.connection())
    assert kept() == expected and expected[0]


def test_the_first_to_close_counts_those_still_running_and_they_count_them_when_they_close(make_user):
    ana, ben, cai = make_user("ana"), make_user("ben"), make_user("cai")
    room = tracking.make_room(ana)
    running = [open_record(person, room, NINE) for person in (ana, ben, cai)]
    close_record(running[0], NINE + timedelta(minutes=25), 1.0)
    assert metrics.partners(ana.id) == 2 and "social_first_room" in codes(ana)
    assert metrics.partners(ben.id) == 0  # ben's phase has not closed yet
    close_record(running[1], NINE + timedelta(minutes=25), 1.0)
    assert metrics.partners(ben.id) == 2
    assert kept() == from_history()


def test_an_idle_phase_still_pairs_as_the_history_says(make_user):
    ana, ben = make_user("ana"), make_user("ben")
    room = tracking.make_room(ana)
    record(ana, NINE, 25, room=room, active_minutes=0)  # never credited, still in the room with ben
    record(ben, NINE, 25, room=room)
    assert kept() == from_history() == ({(ana.id, ben.id), (ben.id, ana.id)}, {(ana.id, room.id), (ben.id, room.id)})


def test_a_repeated_announcement_adds_nothing_twice(make_user):
    ana, ben = make_user("ana"), make_user("ben")
    room = tracking.make_room(ana)
    record(ben, NINE, 25, room=room)
    mine = record(ana, NINE, 25, room=room)
    events.announce(events.SessionRecorded(mine, mine.end_time))
    db.session.commit()
    assert metrics.metrics_of(ana.id, ("partners", "shared_rooms")) == {"partners": 1, "shared_rooms": 1}


def test_deleting_the_only_shared_phase_forgets_it_but_another_phase_keeps_the_pair(make_user):
    ana, ben = make_user("ana"), make_user("ben")
    first, second = tracking.make_room(ana), tracking.make_room(ana)
    record(ben, NINE, 25, room=first)
    only_in_first = record(ana, NINE, 25, room=first)
    record(ben, NINE + timedelta(hours=1), 25, room=second)
    in_second = record(ana, NINE + timedelta(hours=1), 25, room=second)
    focus.delete_session(ana, only_in_first.id)
    assert metrics.metrics_of(ana.id, ("partners", "shared_rooms")) == {"partners": 1, "shared_rooms": 1}
    assert metrics.metrics_of(ben.id, ("partners", "shared_rooms")) == {"partners": 1, "shared_rooms": 1}
    focus.delete_session(ana, in_second.id)
    assert metrics.metrics_of(ana.id, ("partners", "shared_rooms")) == {"partners": 0, "shared_rooms": 0}
    assert metrics.metrics_of(ben.id, ("partners", "shared_rooms")) == {"partners": 0, "shared_rooms": 0}


def test_a_deleted_account_takes_the_rooms_others_shared_only_with_it(make_user):
    ana, ben, cai = make_user("ana"), make_user("ben"), make_user("cai")
    with_ana_only, with_both = tracking.make_room(ben), tracking.make_room(ben)
    record(ana, NINE, 25, room=with_ana_only)
    record(ben, NINE, 25, room=with_ana_only)
    for person in (ana, cai, ben):
        record(person, NINE + timedelta(hours=1), 25, room=with_both)
    delete_account(ana, NINE + timedelta(hours=2))
    assert kept() == from_history() == ({(ben.id, cai.id), (cai.id, ben.id)},
                                        {(ben.id, with_both.id), (cai.id, with_both.id)})


def test_a_phase_reset_before_its_first_second_unpairs_who_closed_with_it(make_user):
    """Through tracking: ana focused a minute; ben joined, and the host reset the phase within
    ben's first second. Ana's record closes first (paired with ben's running one), then ben's is
    discarded: the pair must go with it."""
    ana, ben = make_user("ana"), make_user("ben")
    room = tracking.make_room(ana)
    tracking.join(room, ana)
    tracking.start_work(room)
    tracking.join(room, ben)
    from webapp.tracking import services as tracking_services
    tracking_services.open_for(room, room.participants[1], tracking.at(60))
    db.session.commit()
    tracking.end_work(room, 60.5, finished=False)
    assert db.session.execute(select(FocusSession.user_id)).scalars().all() == [ana.id]
    assert kept() == from_history() == (set(), set())


def test_a_shared_phase_costs_no_statement_of_its_own_for_its_pairs_on_postgresql(make_user, database_kind):
    """On PostgreSQL the phase's pairs are written by the unlock check's read (a read and two
    inserts in its WITH), then the credit: two statements, as for a phase alone. SQLite (in
    process) reads the others, inserts the pairs and the rooms, then as usual."""
    ana, ben = make_user("ana"), make_user("ben")
    room = tracking.make_room(ana)
    record(ana, NINE - timedelta(hours=1), 25, room=room)  # "First session": nothing new to unlock below
    db.session.add(AchievementUnlock(user_id=ana.id, code="social_first_room", unlocked_at=NINE))
    open_record(ben, room, NINE)
    mine = open_record(ana, room, NINE)
    db.session.commit()
    mine.end_time, mine.status, mine.duration_seconds = NINE + timedelta(minutes=25), "completed", 1500
    mine.elapsed_ms, mine.active_ms = 1_500_000, 1_400_000
    db.session.flush()
    with StatementCounter(db.engine) as counter:
        events.announce(events.SessionRecorded(mine, mine.end_time))
    expected = 1 + 1 if database_kind == "postgresql" else 1 + 2 + 1 + 4
    assert len(counter.statements) == expected, counter.statements
    assert metrics.partners(ana.id) == 1


def test_migration_0010_fills_the_facts_from_the_history_it_finds(database_kind, tmp_path):
    """Upgrading a database whose rooms already have history: the new tables hold what it says."""
    from flask_migrate import upgrade

    from tests.conftest import database_overrides, reset_postgres
    from tests.support import factories
    from webapp import create_app
    from webapp.config import TestConfig

    app = create_app(TestConfig, database_overrides(database_kind, tmp_path))
    with app.app_context():
        if database_kind == "postgresql":
            reset_postgres()
        upgrade(directory="migrations", revision="0009_board_window_filling")
        rng = random.Random(7)
        people = [factories.make_user(f"m{n}") for n in range(5)]
        rooms = [tracking.make_room(people[0]) for _ in range(2)]
        for n in range(40):  # records written before 0010, so never announced to together.py
            start = NINE + timedelta(minutes=rng.randrange(0, 600))
            end = None if n % 13 == 0 else start + timedelta(minutes=rng.choice((5, 25, 50)))
            db.session.add(FocusSession(user_id=rng.choice(people).id, room_id=rng.choice(rooms).id,
                                        source="room", status="running" if end is None else "completed",
                                        start_time=start, end_time=end, mode="stopped"))
        db.session.commit()
        expected = from_history()
        db.session.remove()
        upgrade(directory="migrations")
        found = kept()
        db.session.remove()
        db.engine.dispose()
    assert found == expected and expected[0]
