"""A room's list of people costs the same statements whatever its size, and batching changes no figure."""
import pytest
from sqlalchemy import select

from tests.support import factories
from tests.support.tracking import StatementCounter, at, end_work, join, make_room, start_work
from webapp.extensions import db
from webapp.models import FocusSession, Room
from webapp.rooms import people, timer_service
from webapp.tracking import figures


def room_in_its_second_phase(size: int) -> Room:
    """`size` people, all connected, each with a scored first phase and a second one going on."""
    host = factories.make_user(f"host{size}")
    room = make_room(host)
    timer_service.initialize(room)
    for n in range(size):
        join(room, host if n == 0 else factories.make_user(f"person{size}x{n}"))
    db.session.commit()
    start_work(room, 0)
    end_work(room, 60)
    finished = db.session.execute(select(FocusSession).where(FocusSession.room_id == room.id)).scalars()
    for n, record in enumerate(sorted(finished, key=lambda r: r.user_id)):
        record.focus_score = 40 + n  # everyone's own score, so a mix-up would show
    start_work(room, 120)
    return room


def statements_to_render(room_id: int, now) -> tuple[int, people.Rendered]:
    db.session.expunge_all()  # nothing loaded beforehand: every lazy load would show
    room = db.session.get(Room, room_id)
    with StatementCounter(db.engine) as counter:
        rendered = people.render(room, now)
    return len(counter.statements), rendered


def test_a_list_of_twelve_costs_the_statements_of_a_list_of_two(app):
    small, large = room_in_its_second_phase(2).id, room_in_its_second_phase(12).id
    small_count, small_list = statements_to_render(small, at(150))
    large_count, large_list = statements_to_render(large, at(150))
    assert len(small_list.order) == 2 and len(large_list.order) == 12
    assert large_count == small_count <= 5  # the roster (3), then every live score at once


@pytest.mark.parametrize("size", [2, 12])
def test_the_batched_list_shows_each_persons_own_last_score(app, size):
    room = room_in_its_second_phase(size)
    shown = room.participants
    together = figures.for_list(room, shown, at(150))
    one_by_one = {p.id: figures.participant_figures(room, p, at(150)) for p in shown}
    assert together == one_by_one
    scores = {p.id: figures.last_finished_score(room, p) for p in shown}
    assert sorted(scores.values()) == list(range(40, 40 + size))  # each their own finished phase's
    assert {pid: f["focus_score"] for pid, f in together.items()} == scores
