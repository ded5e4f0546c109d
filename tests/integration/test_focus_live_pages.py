"""Interruption pages: one click while a session runs, "I'm back", entries afterwards, relabel, dismiss."""
from datetime import datetime, timezone

import pytest

from tests.conftest import csrf_token_from
from webapp.extensions import db
from webapp.focus import services
from webapp.models import Interruption

UTC = timezone.utc


def at(hour, minute=0):
    return datetime(2024, 5, 1, hour, minute, tzinfo=UTC)


@pytest.fixture
def alice(make_user, auth):
    user = make_user("alice", timezone="Europe/Berlin")
    auth.login("alice")
    return user


@pytest.fixture
def csrf(client, alice):
    return csrf_token_from(client.get("/history").get_data(as_text=True))


HX = {"HX-Request": "true"}


def test_one_click_interruption_and_im_back_with_htmx(client, alice, csrf):
    session = services.start_session(alice)
    page = client.get("/history").get_data(as_text=True)
    assert f'id="live-{session.id}"' in page and "Interrupted?" in page
    clicked = client.post(f"/sessions/{session.id}/interrupted", data={"csrf_token": csrf, "type": "phone"}, headers=HX)
    fragment = clicked.get_data(as_text=True)
    assert clicked.status_code == 200 and "<html" not in fragment
    assert "Interrupted: Phone" in fragment and "I'm back" in fragment
    live = db.session.query(Interruption).one()
    assert (live.type, live.source, live.end_time) == ("phone", "live", None)
    back = client.post(f"/interruptions/{live.id}/back", data={"csrf_token": csrf}, headers=HX)
    assert back.status_code == 200 and "Interrupted?" in back.get_data(as_text=True)
    db.session.refresh(live)
    assert live.end_time is not None and live.duration is not None


def test_without_htmx_the_click_redirects_back(client, alice, csrf):
    session = services.start_session(alice)
    response = client.post(f"/sessions/{session.id}/interrupted",
                           data={"csrf_token": csrf, "type": "noise", "next": "/history"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/history")
    evil = client.post(f"/interruptions/{db.session.query(Interruption).one().id}/back",
                       data={"csrf_token": csrf, "next": "https://evil.example/"})
    assert "evil.example" not in evil.headers["Location"]


def test_refusals_show_in_the_panel(client, alice, csrf):
    session = services.start_session(alice)
    client.post(f"/sessions/{session.id}/interrupted", data={"csrf_token": csrf, "type": "phone"}, headers=HX)
    again = client.post(f"/sessions/{session.id}/interrupted", data={"csrf_token": csrf, "type": "noise"}, headers=HX)
    assert "already interrupted" in again.get_data(as_text=True)
    bad_type = client.post(f"/sessions/{session.id}/interrupted", data={"csrf_token": csrf, "type": "boredom"})
    assert bad_type.status_code == 302 and db.session.query(Interruption).count() == 1


def test_live_click_needs_csrf(client, alice):
    session = services.start_session(alice)
    assert client.post(f"/sessions/{session.id}/interrupted", data={"type": "phone"}).status_code == 400


def test_end_a_running_session_from_the_page(client, alice, csrf):
    session = services.start_session(alice)
    response = client.post(f"/sessions/{session.id}/end", data={"csrf_token": csrf})
    assert response.status_code == 302
    db.session.refresh(session)
    assert session.status == "completed" and session.end_time is not None


def test_add_an_interruption_afterwards(client, alice):
    session = services.create_manual(alice, start_time=at(7), end_time=at(8))
    form = client.get(f"/history/{session.id}/interruptions/new").get_data(as_text=True)
    assert 'value="2024-05-01T09:00"' in form  # prefilled with the session's start, Berlin time
    response = client.post(f"/history/{session.id}/interruptions/new", data={
        "csrf_token": csrf_token_from(form), "type": "family", "description": "School call",
        "start_time": "2024-05-01T09:10", "end_time": "2024-05-01T09:25"})
    assert response.status_code == 302
    entry = db.session.query(Interruption).one()
    assert (entry.type, entry.description, entry.duration, entry.start_time) == (
        "family", "School call", 900, at(7, 10))


@pytest.mark.parametrize("start, end, field_message", [
    ("2024-05-01T08:50", "2024-05-01T09:10", "must start within its session"),
    ("2024-05-01T09:50", "2024-05-01T10:10", "must end within its session"),
    ("2024-05-01T09:30", "2024-05-01T09:20", "The end must be after the start."),
])
def test_interruption_outside_the_session_is_refused_next_to_the_field(client, alice, start, end, field_message):
    session = services.create_manual(alice, start_time=at(7), end_time=at(8))
    form = client.get(f"/history/{session.id}/interruptions/new").get_data(as_text=True)
    response = client.post(f"/history/{session.id}/interruptions/new", data={
        "csrf_token": csrf_token_from(form), "type": "noise", "start_time": start, "end_time": end})
    assert response.status_code == 422 and field_message in response.get_data(as_text=True)
    assert db.session.query(Interruption).count() == 0


def test_relabel_and_dismiss_detected_interruptions(client, alice, csrf):
    session = services.create_manual(alice, start_time=at(7), end_time=at(8))
    first = services.record_detected(session, at(7, 10), at(7, 12))
    second = services.record_detected(session, at(7, 30), at(7, 31))
    db.session.commit()
    page = client.get("/history").get_data(as_text=True)
    assert page.count(">Relabel<") == 2 and page.count(">Dismiss<") == 2 and "detected" in page
    form = client.get(f"/interruptions/{first.id}/edit").get_data(as_text=True)
    assert "Relabel interruption" in form
    response = client.post(f"/interruptions/{first.id}/edit", data={
        "csrf_token": csrf_token_from(form), "type": "self", "description": "Coffee",
        "start_time": "2024-05-01T09:10", "end_time": "2024-05-01T09:12"})
    assert response.status_code == 302
    assert client.post(f"/interruptions/{second.id}/delete", data={"csrf_token": csrf}).status_code == 302
    remaining = db.session.query(Interruption).all()
    assert [(i.id, i.type, i.description) for i in remaining] == [(first.id, "self", "Coffee")]


def test_an_open_interruption_can_only_be_relabelled(client, alice):
    session = services.start_session(alice)
    live = services.log_interruption(alice, session.id, type="unknown")
    form = client.get(f"/interruptions/{live.id}/edit").get_data(as_text=True)
    assert 'name="start_time"' not in form
    response = client.post(f"/interruptions/{live.id}/edit", data={"csrf_token": csrf_token_from(form),
                                                                  "type": "urgent_task", "description": ""})
    assert response.status_code == 302
    db.session.refresh(live)
    assert live.type == "urgent_task" and live.end_time is None


def test_other_peoples_interruptions_are_404(client, alice, csrf, make_user):
    bob = make_user("bob")
    session = services.start_session(bob)
    bobs = services.log_interruption(bob, session.id, type="phone")
    for path in (f"/interruptions/{bobs.id}/edit",):
        assert client.get(path).status_code == 404
    for path, data in ((f"/interruptions/{bobs.id}/back", {}), (f"/interruptions/{bobs.id}/delete", {}),
                       (f"/interruptions/{bobs.id}/edit", {"type": "self"}),
                       (f"/sessions/{session.id}/interrupted", {"type": "phone"})):
        assert client.post(path, data={"csrf_token": csrf, **data}).status_code == 404, path
    db.session.refresh(bobs)
    assert bobs.end_time is None and bobs.type == "phone"
