"""The list of people: the smallest update that keeps every page right, at most once a second."""
import pytest

from webapp import realtime
from webapp.extensions import db
from webapp.models import Participant, utcnow
from webapp.rooms import people, presence, publishing, services, views
from webapp.rooms import views as room_views


@pytest.fixture
def room_of_two(app, make_user, make_room, monkeypatch):
    monkeypatch.setattr(room_views, "FIGURE_SOURCES", [lambda room, people, now: {}])
    host, guest = make_user("host"), make_user("guest")
    room = make_room(host)
    services.join(room, guest, utcnow())
    for user in (host, guest):
        presence.connect(room, user.id, utcnow())
    app.extensions.pop("focusroom_room_people", None)  # as if nothing had been published yet
    return room, host, guest


def test_a_status_change_sends_only_that_person(room_of_two):
    room, host, guest = room_of_two
    listener = realtime.get_hub().subscribe([publishing.room_topic(room.id)])
    people.publish(room, utcnow())
    first = listener.get(0)
    assert first.startswith(f'<section id="room-{room.code}-participants"')  # nothing published before
    me = services.membership(room.id, guest.id)
    me.is_paused = True
    db.session.commit()
    people.publish(room, utcnow())
    update = listener.get(0)
    assert update.strip().startswith(f'<li id="room-{room.code}-person-{guest.id}"') and "paused" in update
    assert f"person-{host.id}" not in update and "<section" not in update
    people.publish(room, utcnow())
    assert listener.get(0) is None  # nothing changed: nothing sent


def test_arrivals_and_departures_resend_the_section(room_of_two, make_user):
    room, host, guest = room_of_two
    listener = realtime.get_hub().subscribe([publishing.room_topic(room.id)])
    people.publish(room, utcnow())
    listener.get(0)
    presence.disconnect(room, guest.id, utcnow())  # moves to the end of the list as "left"
    people.publish(room, utcnow())
    assert "<section" not in listener.get(0)  # same order (guest was last already): just the li and count
    newcomer = make_user("newcomer")
    services.join(room, newcomer, utcnow())
    presence.connect(room, newcomer.id, utcnow())
    people.publish(room, utcnow())
    update = listener.get(0)
    assert update.startswith("<section") and "Newcomer" in update


def test_changes_within_a_second_wait_for_the_tick(room_of_two):
    room, host, guest = room_of_two
    listener = realtime.get_hub().subscribe([publishing.room_topic(room.id)])
    people.changed(room, utcnow())
    assert listener.get(0) is not None
    people.changed(room, utcnow())
    people.changed(room, utcnow())
    assert listener.get(0) is None and people.take_due() == set()  # not yet a second later
    people.hold_back({room.id})  # as if the interval had passed
    assert people.take_due() == {room.id} and people.take_due() == set()


def test_a_big_room_shows_the_first_people_and_counts_the_rest(make_user, make_room, monkeypatch):
    monkeypatch.setattr(room_views, "FIGURE_SOURCES", [lambda room, people, now: {}])
    monkeypatch.setattr(views, "PEOPLE_SHOWN", 3)
    room = make_room(make_user("host"), max_participants=10)
    for n in range(5):
        db.session.add(Participant(room_id=room.id, user_id=make_user(f"p{n}").id, joined_at=utcnow(), connections=1))
    db.session.commit()
    section = people.render(room, utcnow()).section
    assert section.count('class="person ') == 3 and "and 3 more" in section
    assert '>5</span>' in section  # five present (the host never connected)


def test_a_room_with_many_open_pages_refreshes_its_list_less_often(room_of_two):
    room, host, guest = room_of_two
    hub = realtime.get_hub()
    pages = [hub.subscribe([publishing.room_topic(room.id)]) for _ in range(250)]
    assert people._interval(room.id) == 2.5  # 1 s per 100 pages: the bytes grow with the pages
    for page in pages:
        hub.unsubscribe(page)
    assert people._interval(room.id) == people.MIN_INTERVAL
