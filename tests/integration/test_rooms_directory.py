"""/rooms: the public directory, searched as you type, paginated; private and solo rooms stay out."""
import re

from webapp.models import utcnow
from webapp.rooms import presence, routes, services


def test_only_public_shared_live_rooms_are_listed(client, make_user, make_room):
    host = make_user("host")
    make_room(host, name="Open writing", is_public=True)
    make_room(host, name="Secret plans", is_public=False)
    services.create_room(host, {"name": "My solo focus", "is_public": True}, utcnow(), is_solo=True)
    archived = make_room(host, name="Old public room", is_public=True)
    archived.archived_at = utcnow()
    from webapp.extensions import db
    db.session.commit()
    html = client.get("/rooms").get_data(as_text=True)
    assert "Open writing" in html
    for hidden in ("Secret plans", "My solo focus", "Old public room"):
        assert hidden not in html


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
    make_room(host, name="Chemistry exam prep", is_public=True)
    make_room(host, name="Novel writing", is_public=True)
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
        make_room(host, name=f"Room number {n}", is_public=True)
    first = client.get("/rooms").get_data(as_text=True)
    assert first.count('class="room-card ') == 2 and "page=2" in first and "Newer" not in first
    last = client.get("/rooms?page=3").get_data(as_text=True)
    assert last.count('class="room-card ') == 1 and "Older" not in last and "page=2" in last


def test_an_empty_directory_invites_you_to_create_one(client):
    html = client.get("/rooms").get_data(as_text=True)
    assert "No public rooms right now." in html and 'href="/rooms/new"' in html
