"""Tracking over HTTP: the beacon endpoint, the strict-mode answer, the host's settings, the room
page's tracking section, the API figures and the results page."""
import re
from datetime import timedelta

import pytest

from webapp.extensions import db
from webapp.models import FocusSession, Interruption, utcnow
from webapp.rooms import presence, services
from tests.support import hooks
from webapp.tracking.flood import flood_guard


@pytest.fixture(autouse=True)
def _fresh_flood_guard():
    flood_guard.reset()


@pytest.fixture
def host(make_user):
    return make_user("hostess", display_name="Hostess")


@pytest.fixture
def room(make_room, host):
    return make_room(host, name="Deep work", work_minutes=1, rounds=1)


def page_token(client, path):
    html = client.get(path, follow_redirects=True).get_data(as_text=True)
    return re.search(r'"X-CSRFToken": "([^"]+)"', html).group(1)


def start(room, host, when=None):
    """The host's socket is open and the work phase starts."""
    when = when or utcnow()
    presence.connect(room, host.id, when)
    services.control(room, host, "start", when)


def record_of(room, user):
    db.session.expire_all()
    return next(p for p in room.participants if p.user_id == user.id).current_session


# --- the beacon ---------------------------------------------------------------------------------

def test_a_beacon_report_counts_like_a_socket_report(client, auth, room, host):
    auth.login("hostess")
    start(room, host)
    token = page_token(client, f"/r/{room.code}")
    response = client.post(f"/r/{room.code}/report", data={"type": "hidden", "csrf_token": token})
    assert response.status_code == 204
    record = record_of(room, host)
    assert (record.mode, record.tab_switches) == ("away", 1)


def test_a_beacon_without_its_csrf_token_is_refused(client, auth, room, host):
    auth.login("hostess")
    start(room, host)
    response = client.post(f"/r/{room.code}/report", data={"type": "hidden"})
    assert response.status_code == 400
    assert record_of(room, host).tab_switches == 0


def test_a_beacon_reports_nothing_but_the_three_kinds(client, auth, room, host):
    auth.login("hostess")
    start(room, host)
    token = page_token(client, f"/r/{room.code}")
    response = client.post(f"/r/{room.code}/report", data={"type": "seconds=9999", "csrf_token": token})
    assert response.status_code == 400
    assert record_of(room, host).elapsed_ms == 0


def test_only_participants_can_report(client, auth, room, make_user):
    make_user("stranger")
    auth.login("stranger")
    token = page_token(client, "/")
    assert client.post(f"/r/{room.code}/report", data={"type": "hidden", "csrf_token": token}).status_code == 404


def test_a_flood_of_beacons_is_rate_limited(client, auth, room, host):
    auth.login("hostess")
    start(room, host)
    token = page_token(client, f"/r/{room.code}")
    statuses = [client.post(f"/r/{room.code}/report", data={"type": "activity", "csrf_token": token}).status_code
                for _ in range(32)]
    assert statuses[:30] == [204] * 30 and statuses[30:] == [429, 429]


# --- strict mode's prompt -----------------------------------------------------------------------

def test_answering_the_prompt_logs_an_interruption(client, auth, room, host):
    room.strict_mode = True
    db.session.commit()
    auth.login("hostess")
    start(room, host, utcnow() - timedelta(seconds=20))
    hooks.client_report(room, room.participants[0], "hidden", utcnow() - timedelta(seconds=12))
    db.session.commit()
    token = page_token(client, f"/r/{room.code}")
    client.post(f"/r/{room.code}/report", data={"type": "visible", "csrf_token": token})
    page = client.get(f"/r/{room.code}").get_data(as_text=True)
    assert "What pulled you away?" in page
    response = client.post(f"/r/{room.code}/away", data={"answer": "noise", "csrf_token": token},
                           headers={"HX-Request": "true"})
    assert response.status_code == 200 and "Logged: Noise" in response.get_data(as_text=True)
    logged = db.session.query(Interruption).one()
    assert (logged.type, logged.source) == ("noise", "live") and 12 <= logged.duration <= 13
    assert "What pulled you away?" not in client.get(f"/r/{room.code}").get_data(as_text=True)


def test_an_answer_that_was_not_offered_is_explained(client, auth, room, host):
    room.strict_mode = True
    db.session.commit()
    auth.login("hostess")
    start(room, host, utcnow() - timedelta(seconds=20))
    hooks.client_report(room, room.participants[0], "hidden", utcnow() - timedelta(seconds=12))
    db.session.commit()
    token = page_token(client, f"/r/{room.code}")
    response = client.post(f"/r/{room.code}/away", data={"answer": "aliens", "csrf_token": token})
    assert response.status_code == 422 and "Choose one of the answers." in response.get_data(as_text=True)
    assert db.session.query(Interruption).count() == 0


# --- the host's settings ------------------------------------------------------------------------

def test_the_room_shows_the_rule_and_only_the_host_the_settings(client, auth, room, host, make_user, signed_in):
    auth.login("hostess")
    page = client.get(f"/r/{room.code}").get_data(as_text=True)
    assert "Idle after <strong>15 s</strong> without input" in page
    assert "Tracking settings (host)" in page and "/static/js/activity." in page
    guest = make_user("member")
    services.join(room, guest, utcnow())
    other = signed_in(guest).get(f"/r/{room.code}").get_data(as_text=True)
    assert "Idle after <strong>15 s</strong>" in other and "Tracking settings (host)" not in other


def test_the_host_changes_the_threshold_from_now_on(client, auth, room, host):
    auth.login("hostess")
    started = utcnow() - timedelta(seconds=40)
    start(room, host, started)
    token = page_token(client, f"/r/{room.code}")
    response = client.post(f"/r/{room.code}/tracking", headers={"HX-Request": "true"}, data={
        "idle_threshold_seconds": "120", "grace_seconds": "45", "strict_mode": "y", "csrf_token": token})
    assert response.status_code == 200 and "Saved." in response.get_data(as_text=True)
    db.session.refresh(room)
    assert (room.idle_threshold_seconds, room.grace_seconds, room.strict_mode) == (120, 45, True)
    record = record_of(room, host)
    assert record.mode == "idle" and record.active_ms == 15_000  # the 40 s so far, at 15 s


@pytest.mark.parametrize("threshold, message", [("5", "Choose between 10 and 300 seconds."),
                                                ("301", "Choose between 10 and 300 seconds."),
                                                ("", "Enter a number of seconds.")])
def test_a_threshold_out_of_range_is_explained_next_to_the_field(client, auth, room, threshold, message):
    auth.login("hostess")
    token = page_token(client, f"/r/{room.code}")
    response = client.post(f"/r/{room.code}/tracking", data={
        "idle_threshold_seconds": threshold, "grace_seconds": "30", "csrf_token": token})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(r'id="idle_threshold_seconds-error" class="field-error">' + re.escape(message), html)
    db.session.refresh(room)
    assert room.idle_threshold_seconds == 15


def test_only_the_host_changes_the_settings(room, make_user, signed_in):
    member = make_user("member")
    services.join(room, member, utcnow())
    client = signed_in(member)
    token = page_token(client, f"/r/{room.code}")
    response = client.post(f"/r/{room.code}/tracking", data={
        "idle_threshold_seconds": "60", "grace_seconds": "30", "csrf_token": token})
    assert response.status_code == 403
    db.session.refresh(room)
    assert room.idle_threshold_seconds == 15


# --- the API and the results --------------------------------------------------------------------

def test_the_api_adds_each_persons_figures(client, auth, room, host):
    auth.login("hostess")
    start(room, host, utcnow() - timedelta(seconds=30))
    person = client.get(f"/api/v1/rooms/{room.code}").get_json()["participants"][0]
    assert person["status"] == "idle"
    assert person["elapsed_seconds"] == person["active_seconds"] + person["idle_seconds"]
    assert person["active_seconds"] == 15 and 30 <= person["elapsed_seconds"] <= 31
    assert person["tab_switches"] == 0 and person["focus_score"] is None


def test_results_tell_the_story_of_the_session(client, auth, room, host, make_user, signed_in):
    member = make_user("member", display_name="Member")
    services.join(room, member, utcnow())
    began = utcnow() - timedelta(seconds=61)
    presence.connect(room, member.id, began)
    start(room, host, began)
    from webapp.rooms import ticking
    ticking.tick(utcnow())  # the 1-minute phase has ended: the session (1 round) is complete
    db.session.expire_all()
    assert room.status == "completed"
    records = db.session.query(FocusSession).order_by(FocusSession.user_id).all()
    assert [r.status for r in records] == ["completed", "completed"]
    auth.login("hostess")
    html = client.get(f"/r/{room.code}/results").get_data(as_text=True)
    assert "Session results" in html and "Hostess" in html and "Member" in html
    # Nobody touched a key: 15 s active, then idle. 100 × 60/60 × 15/60 − 45/30 = 23.5, rounded up.
    assert [r.focus_score for r in records] == [24, 24]
    assert html.count('class="score-value tabular score-low">24<') == 2  # a low score is not green
    assert "Completion" in html and "Penalty" in html
    assert re.search(r'>2</span><span class="total-label">people<', html)
    assert re.search(r'>1</span><span class="total-label">work phase<', html)
    # Two people in one 1-minute phase focused together for that minute, not for two.
    assert re.search(r'data-total="together">1 min</span><span class="total-label">focused together<', html)
    # One name for one number: the score's "Activity" and the total's "activity"; no "Active share".
    assert "Active share" not in html and 'data-total="activity">25%<' in html
    # What next: the host goes again with the same people; everyone finds their history.
    assert f'action="/r/{room.code}/control/reset"' in html and "Go again with the same people" in html
    assert 'href="/history"' in html
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    again = client.post(f"/r/{room.code}/control/reset", data={"csrf_token": token, "then": "room"})
    assert again.status_code == 302 and again.headers["Location"].endswith(f"/r/{room.code}")
    db.session.expire_all()
    assert room.status == "idle" and len(room.participants) == 2
    auth.login("member")
    theirs = client.get(f"/r/{room.code}/results").get_data(as_text=True)
    assert "Go again with the same people" not in theirs and f'href="/r/{room.code}"' in theirs


def test_a_failed_persons_score_is_never_green(client, auth, room, host):
    began = utcnow() - timedelta(seconds=61)
    start(room, host, began)
    from webapp.rooms import ticking
    ticking.tick(utcnow())
    record = db.session.query(FocusSession).one()
    record.status = "failed"
    db.session.commit()
    auth.login("hostess")
    html = client.get(f"/r/{room.code}/results").get_data(as_text=True)
    assert 'class="score-value tabular score-danger">' in html and "focus score · failed" in html
    assert "phase-chip result-failed chip-danger" in html
    assert "score-good" not in html


def test_results_are_for_participants_unless_the_room_is_public(client, auth, room, make_user):
    make_user("stranger")
    auth.login("stranger")
    assert client.get(f"/r/{room.code}/results").status_code == 404
    room.is_public = True
    db.session.commit()
    auth.logout()
    response = client.get(f"/r/{room.code}/results")
    assert response.status_code == 200 and "No work phase has finished" in response.get_data(as_text=True)
