"""/rooms: the public directory, searched as you type, paginated; private, solo, finished and empty
rooms stay out."""
import re

from webapp.extensions import db
from webapp.models import utcnow
from webapp.rooms import presence, routes, services


def occupied_room(make_room, host, **settings):
    """A room with its host on the page (one open socket), as the directory lists it."""
    room = make_room(host, **settings)
    presence.connect(room, host.id, utcnow())
    return room


def test_only_public_shared_live_rooms_are_listed(client, make_user, make_room):
    host = make_user("host")
    occupied_room(make_room, host, name="Open writing", is_public=True)
    occupied_room(make_room, host, name="Secret plans", is_public=False)
    solo = services.create_room(host, {"name": "My solo focus", "is_public": True}, utcnow(), is_solo=True)
    presence.connect(solo, host.id, utcnow())
    archived = occupied_room(make_room, host, name="Old public room", is_public=True)
    archived.archived_at = utcnow()
    db.session.commit()
    html = client.get("/rooms").get_data(as_text=True)
    assert "Open writing" in html
    for hidden in ("Secret plans", "My solo focus", "Old public room"):
        assert hidden not in html


def test_finished_and_empty_rooms_are_not_listed(client, make_user, make_room):
    host, guest = make_user("host"), make_user("guest")
    occupied_room(make_room, host, name="Busy desk", is_public=True)
    make_room(host, name="Nobody here", is_public=True)  # created, then everyone closed the page
    finished = occupied_room(make_room, host, name="All rounds done", is_public=True, rounds=1)
    services.control(finished, host, "start", utcnow())
    services.control(finished, host, "end", utcnow())
    assert finished.status == "completed"
    left = occupied_room(make_room, guest, name="Everyone left", is_public=True)
    presence.disconnect(left, guest.id, utcnow())
    html = client.get("/rooms").get_data(as_text=True)
    assert "Busy desk" in html
    for hidden in ("Nobody here", "All rounds done", "Everyone left"):
        assert hidden not in html


def test_each_card_says_who_hosts_and_the_rhythm_in_words(client, make_user, make_room):
    host = make_user("host", display_name="Grace Hopper")
    occupied_room(make_room, host, name="Compilers", is_public=True, work_minutes=50,
                  short_break_minutes=10, long_break_minutes=20, long_break_every=3)
    card = re.search(r'<li class="room-card[^"]*">.*?</li>', client.get("/rooms").get_data(as_text=True), re.S).group(0)
    assert "Hosted by Grace Hopper" in card
    assert "50 min focus · 10 min breaks · 20 min long break every 3" in card
    assert "Not started yet" in card


def test_each_card_shows_status_people_and_time_left(client, make_user, make_room):
    host = make_user("host")
    room = make_room(host, name="Running room", is_public=True, work_minutes=30)
    presence.connect(room, host.id, utcnow())
    services.control(room, host, "start", utcnow())
    html = client.get("/rooms").get_data(as_text=True)
    card = re.search(r'<li class="room-card[^"]*">.*?</li>', html, re.S).group(0)
    assert "status-running" in card and f'href="/r/{room.code}"' in card
    assert "Work" in card and "1 person" in card and re.search(r"(29:5\d|30:00) left", card)


def test_search_by_name_returns_just_the_list_for_htmx(client, make_user, make_room):
    host = make_user("host")
    occupied_room(make_room, host, name="Chemistry exam prep", is_public=True)
    occupied_room(make_room, host, name="Novel writing", is_public=True)
    response = client.get("/rooms?q=chem", headers={"HX-Request": "true", "HX-Target": "room-directory"})
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<section id="room-directory"') and "<html" not in html
    assert "Chemistry exam prep" in html and "Novel writing" not in html
    nothing = client.get("/rooms?q=100%25_").get_data(as_text=True)  # wildcards are literal
    assert "No public room is called anything like" in nothing


def test_pages_of_rooms(client, make_user, make_room, monkeypatch):
    monkeypatch.setattr(routes, "DIRECTORY_PAGE_SIZE", 2)
    host = make_user("host")
    for n in range(5):
        occupied_room(make_room, host, name=f"Room number {n}", is_public=True)
    first = client.get("/rooms").get_data(as_text=True)
    assert first.count('class="room-card ') == 2 and "page=2" in first and "Newer" not in first
    last = client.get("/rooms?page=3").get_data(as_text=True)
    assert last.count('class="room-card ') == 1 and "Older" not in last and "page=2" in last


def test_an_empty_directory_invites_you_to_create_one(client):
    html = client.get("/rooms").get_data(as_text=True)
    assert "No one is focusing in a public room right now." in html and 'href="/rooms/new"' in html


def test_page_and_fragment_answers_are_cached_apart(client):
    """Same URL, a page or (to htmx) a fragment: without Vary, Back shows the bare fragment."""
    for headers in ({}, {"HX-Request": "true", "HX-Target": "room-directory"}):
        vary = client.get("/rooms?q=x", headers=headers).headers.get("Vary", "")
        assert "HX-Request" in vary and "HX-Target" in vary
