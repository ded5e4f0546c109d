"""The SQL mirror of rules.accounting.fold agrees with the pure fold, row for row, and the tick's
statement count does not grow with the number of rows."""
import random
from dataclasses import replace

import pytest
from sqlalchemy import select, update

from tests.support import factories
from tests.support.tracking import START, StatementCounter, at, make_room
from webapp.extensions import db
from webapp.models import FocusSession, to_epoch_ms
from webapp.rules.accounting import ACTIVE, AWAY, MODES, Presence, fold
from webapp.tracking import ticking
from webapp.tracking.presence import presence_of, store
from webapp.tracking.sqlfold import fold_values, in_its_room, moment, room_threshold_ms

T0 = to_epoch_ms(START)


def random_presence(rng: random.Random) -> Presence:
    mode = rng.choice(MODES)
    counted = T0 + rng.randrange(0, 120_000)
    last_activity = counted - rng.choice([0, 1, 999, 10_000, 14_999, 15_000, 15_001, rng.randrange(0, 400_000)])
    if rng.random() < 0.1:
        last_activity = counted + rng.randrange(0, 5_000)  # a report folded at an earlier moment
    elapsed = rng.randrange(0, 3_000_000)
    active = rng.randrange(0, elapsed + 1)
    idle = elapsed - active
    return Presence(mode=mode, counted_until_ms=counted, last_activity_ms=last_activity,
                    away_since_ms=counted - rng.randrange(0, 90_000) if mode == AWAY else None,
                    elapsed_ms=elapsed, active_ms=active, idle_ms=idle, away_ms=rng.randrange(0, idle + 1),
                    tab_switches=rng.randrange(0, 9))


def insert_rows(rooms, presences) -> list[FocusSession]:
    rows = []
    for index, presence in enumerate(presences):
        room = rooms[index % len(rooms)]
        row = FocusSession(user_id=room.host_id, room_id=room.id, source="room", status="running",
                           start_time=START, target_seconds=1500, round=1)
        store(row, presence)
        rows.append(row)
    db.session.add_all(rows)
    db.session.commit()
    return rows


def fold_everything(until):
    """The SQL fold on every row, due or not (the tick restricts it to the rows that are due)."""
    return (update(FocusSession).where(in_its_room())
            .values(fold_values(moment(until), room_threshold_ms())))


@pytest.fixture
def rooms(app):
    host = factories.make_user()
    return [make_room(host, idle_threshold_seconds=seconds) for seconds in (10, 15, 60, 300)]


def test_sql_fold_equals_pure_fold_on_the_same_rows(rooms):
    rng = random.Random(4)
    presences = [random_presence(rng) for _ in range(400)]
    rows = insert_rows(rooms, presences)
    thresholds = {room.id: room.idle_threshold_seconds * 1000 for room in rooms}
    for until in (T0 + 30_000, T0 + 61_234, T0 + 200_000, T0 + 200_000, T0 + 1_000_000):
        expected = {row.id: fold(presence_of(row), until, thresholds[row.room_id]) for row in rows}
        db.session.execute(fold_everything(until),
                           execution_options={"synchronize_session": False})
        db.session.commit()
        db.session.expire_all()
        for row in rows:
            assert presence_of(row) == expected[row.id], (row.id, until)


def test_sql_fold_at_the_exact_threshold_turns_idle(rooms):
    room = rooms[1]  # 15 s
    (row,) = insert_rows([room], [Presence(mode=ACTIVE, counted_until_ms=T0, last_activity_ms=T0,
                                           away_since_ms=None)])
    db.session.execute(fold_everything(T0 + 15_000), execution_options={"synchronize_session": False})
    db.session.commit()
    db.session.refresh(row)
    assert (row.mode, row.active_ms, row.idle_ms, row.elapsed_ms) == ("idle", 15_000, 0, 15_000)


def test_tick_never_changes_what_a_later_fold_shows(rooms):
    """Whatever the tick writes, folding the stored row later gives what folding the original gives."""
    rng = random.Random(11)
    presences = [random_presence(rng) for _ in range(300)]
    rows = insert_rows(rooms, presences)
    thresholds = {room.id: room.idle_threshold_seconds * 1000 for room in rooms}
    later = T0 + 2_000_000
    expected = {row.id: fold(presence_of(row), later, thresholds[row.room_id]) for row in rows}
    for seconds in (20, 20, 26, 95, 95.5, 400, 1200):  # doubled and late ticks included
        ticking.tick(at(seconds))
        db.session.commit()
    for row in rows:
        assert fold(presence_of(row), later, thresholds[row.room_id]) == expected[row.id]


def test_the_tick_folds_rows_that_turn_idle_exactly_like_the_pure_fold(rooms):
    rng = random.Random(7)
    presences = [replace(random_presence(rng), mode=ACTIVE, away_since_ms=None) for _ in range(200)]
    rows = insert_rows(rooms, presences)
    thresholds = {room.id: room.idle_threshold_seconds * 1000 for room in rooms}
    now = T0 + 100_000
    due = {row.id: fold(presence_of(row), now, thresholds[row.room_id]) for row in rows
           if row.last_activity_ms + thresholds[row.room_id] <= now and row.counted_until_ms < now}
    assert 20 < len(due) < len(rows)
    db.session.execute(ticking.idle_statement(), {"now_ms": now}, execution_options={"synchronize_session": False})
    db.session.commit()
    db.session.expire_all()
    for row in rows:
        if row.id in due:
            assert presence_of(row) == due[row.id]
        else:
            assert row.mode == ACTIVE


@pytest.mark.parametrize("count", [5, 250])
def test_tick_statement_count_does_not_grow_with_rows(rooms, count):
    rng = random.Random(count)
    insert_rows(rooms, [random_presence(rng) for _ in range(count)])
    with StatementCounter(db.engine) as counter:
        ticking.tick(at(501))
        db.session.commit()
    assert len(counter.statements) == len(counter.writes()) == 3
    # Every LIVE_FIGURES_EVERY_SECONDS one read more: the rooms whose lists need fresh figures.
    with StatementCounter(db.engine) as counter:
        ticking.tick(at(500))
        db.session.commit()
    assert len(counter.statements) == 4 and len(counter.writes()) == 3


def test_finished_rows_are_left_alone_by_the_tick(rooms):
    (row,) = insert_rows([rooms[0]], [Presence(mode=ACTIVE, counted_until_ms=T0, last_activity_ms=T0,
                                               away_since_ms=None)])
    row.end_time, row.status = at(5), "completed"
    db.session.commit()
    ticking.tick(at(500))
    db.session.commit()
    assert db.session.execute(select(FocusSession.counted_until_ms).where(FocusSession.id == row.id)).scalar() == T0
