"""History pages: listing, filters, "load more", manual entries, edits, deletion with confirmation."""
import re
from datetime import datetime, timedelta, timezone

import pytest

from tests.conftest import csrf_token_from
from webapp.extensions import db
from webapp.focus import services
from webapp.models import FocusSession, Room

UTC = timezone.utc


def at(day, hour, minute=0):
    return datetime(2024, 5, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def alice(make_user, auth):
    user = make_user("alice", timezone="Europe/Berlin")
    auth.login("alice")
    return user


def token(client, path="/history"):
    return csrf_token_from(client.get(path).get_data(as_text=True))


@pytest.mark.parametrize("path", ["/history", "/history/new", "/tasks", "/history/1/edit", "/history/1/delete"])
def test_pages_need_a_login(client, path):
    response = client.get(path)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_empty_history_says_what_to_do(client, alice):
    page = client.get("/history").get_data(as_text=True)
    assert "Your focus log is empty" in page and "add a session by hand" in page


def test_history_lists_newest_first_with_interruptions_task_and_score(client, alice):
    task = services.create_task(alice, title="Quarterly report", estimated_pomodoros=2)
    older = services.create_manual(alice, start_time=at(1, 7), end_time=at(1, 8), task_id=task.id, note="Draft")
    newer = services.create_manual(alice, start_time=at(2, 7), end_time=at(2, 7, 30))
    services.log_interruption(alice, older.id, type="phone", description="Dentist", start_time=at(1, 7, 10),
                              end_time=at(1, 7, 15))
    newer.focus_score = 87
    db.session.commit()
    page = client.get("/history").get_data(as_text=True)
    assert page.index(f'id="session-{newer.id}"') < page.index(f'id="session-{older.id}"')
    assert "Quarterly report" in page and "Dentist" in page and "Phone" in page and ">87<" in page
    assert "09:00–10:00" in page  # Berlin wall-clock times (UTC+2)


def test_filter_by_day_and_range_in_the_persons_zone(client, alice):
    services.create_manual(alice, start_time=at(1, 21, 30), end_time=at(1, 21, 50), note="late night")  # 23:30 Berlin
    services.create_manual(alice, start_time=at(3, 8), end_time=at(3, 9), note="third")
    may_first = client.get("/history?day=2024-05-01").get_data(as_text=True)
    assert "late night" in may_first and "third" not in may_first
    assert "No sessions in this period" in client.get("/history?day=2024-05-02").get_data(as_text=True)
    span = client.get("/history?from=2024-05-02&to=2024-05-03").get_data(as_text=True)
    assert "third" in span and "late night" not in span
    everything = client.get("/history?from=2024-05-01&to=2024-05-03").get_data(as_text=True)
    assert "late night" in everything and "third" in everything


def test_day_filter_uses_local_days(client, alice):
    services.create_manual(alice, start_time=at(1, 22, 30), end_time=at(1, 22, 50), note="after midnight")
    assert "after midnight" in client.get("/history?day=2024-05-02").get_data(as_text=True)
    assert "after midnight" not in client.get("/history?day=2024-05-01").get_data(as_text=True)


def test_bad_filters_say_so_next_to_the_field(client, alice):
    page = client.get("/history?day=tomorrow&from=2024-05-03&to=2024-05-01").get_data(as_text=True)
    assert "Use a date like 2024-05-01." in page
    assert "must not be before its start" in page


def test_load_more_pages_with_htmx(client, alice):
    start = at(1, 0)
    for n in range(services.HISTORY_PAGE_SIZE + 5):
        services.create_manual(alice, start_time=start + timedelta(hours=n),
                               end_time=start + timedelta(hours=n, minutes=30), note=f"entry {n:02d}")
    first = client.get("/history").get_data(as_text=True)
    newest = f"entry {services.HISTORY_PAGE_SIZE + 4:02d}"
    assert newest in first and "entry 04" not in first and "Load more" in first
    more_url = first.split('hx-get="')[1].split('"')[0].replace("&amp;", "&")
    more = client.get(more_url, headers={"HX-Request": "true"})
    fragment = more.get_data(as_text=True)
    assert more.status_code == 200 and "<html" not in fragment
    assert "entry 04" in fragment and "entry 00" in fragment and "entry 05" not in fragment
    assert "Load more" not in fragment and "That is everything" in fragment
    assert client.get("/history?before=garbage").status_code == 400


def test_load_more_keeps_the_filter(client, alice):
    for n in range(services.HISTORY_PAGE_SIZE + 2):
        services.create_manual(alice, start_time=at(10, 0) + timedelta(minutes=30 * n),
                               end_time=at(10, 0) + timedelta(minutes=30 * n + 20))
    page = client.get("/history?from=2024-05-10&to=2024-05-11").get_data(as_text=True)
    assert "from=2024-05-10" in page.split('hx-get="')[1].split('"')[0]


def test_add_a_session_by_hand_in_local_time(client, alice):
    task = services.create_task(alice, title="Essay", estimated_pomodoros=1)
    form = client.get("/history/new").get_data(as_text=True)
    assert "Europe/Berlin" in form and "Essay" in form
    response = client.post("/history/new", data={"csrf_token": csrf_token_from(form), "start_time": "2024-05-01T09:00",
                                                  "end_time": "2024-05-01T09:45", "task_id": str(task.id),
                                                  "note": "Intro"})
    assert response.status_code == 302
    session = db.session.query(FocusSession).one()
    assert (session.start_time, session.duration_seconds, session.task_id, session.note) == (
        at(1, 7), 2700, task.id, "Intro")


@pytest.mark.parametrize("start, end, message", [
    ("2024-05-01T10:00", "2024-05-01T09:00", "The end must be after the start."),
    ("", "2024-05-01T09:00", "Give a start time."),
    ("2024-05-01T09:00", "not a time", "Not a valid datetime value."),
    ("2024-03-31T02:30", "2024-03-31T04:00", "does not exist in your time zone"),
    ("2024-05-01T09:00", "2999-05-01T09:30", "The end cannot be in the future."),
])
def test_manual_entry_errors_appear_next_to_the_field(client, alice, start, end, message):
    response = client.post("/history/new", data={"csrf_token": token(client, "/history/new"), "start_time": start,
                                                  "end_time": end, "task_id": "0", "note": ""})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True) and 'aria-invalid="true"' in response.get_data(as_text=True)
    assert db.session.query(FocusSession).count() == 0


def test_manual_entry_overlap_is_explained(client, alice):
    services.create_manual(alice, start_time=at(1, 7), end_time=at(1, 8))
    response = client.post("/history/new", data={"csrf_token": token(client, "/history/new"),
                                                  "start_time": "2024-05-01T09:30", "end_time": "2024-05-01T10:30",
                                                  "task_id": "0"})
    assert response.status_code == 422 and "overlap another session" in response.get_data(as_text=True)


def test_foreign_task_in_the_form_is_refused(client, alice, make_user):
    bobs = services.create_task(make_user("bob"), title="Secret", estimated_pomodoros=1)
    response = client.post("/history/new", data={"csrf_token": token(client, "/history/new"),
                                                  "start_time": "2024-05-01T09:00", "end_time": "2024-05-01T09:30",
                                                  "task_id": str(bobs.id)})
    assert response.status_code == 422 and db.session.query(FocusSession).count() == 0


def test_forms_need_the_csrf_token(client, alice):
    response = client.post("/history/new", data={"start_time": "2024-05-01T09:00", "end_time": "2024-05-01T09:30"})
    assert response.status_code == 400 and db.session.query(FocusSession).count() == 0


def test_edit_a_manual_entry(client, alice):
    session = services.create_manual(alice, start_time=at(1, 7), end_time=at(1, 8), note="Old")
    form = client.get(f"/history/{session.id}/edit").get_data(as_text=True)
    assert 'value="2024-05-01T09:00"' in form and "Old" in form
    response = client.post(f"/history/{session.id}/edit", data={
        "csrf_token": csrf_token_from(form), "start_time": "2024-05-01T09:15", "end_time": "2024-05-01T10:00",
        "task_id": "0", "note": "New"})
    assert response.status_code == 302
    db.session.refresh(session)
    assert (session.start_time, session.duration_seconds, session.note) == (at(1, 7, 15), 2700, "New")


def test_edit_a_room_session_changes_only_note_and_task(client, alice):
    room = Room(code="ABC234", name="Team")
    db.session.add(room)
    db.session.flush()
    session = FocusSession(user_id=alice.id, room_id=room.id, source="room", status="completed",
                           start_time=at(1, 7), end_time=at(1, 7, 25), duration_seconds=1500, focus_score=90)
    db.session.add(session)
    db.session.commit()
    listed = client.get("/history").get_data(as_text=True)
    # The card names the room, not its code; 90 is a good score, coloured as one.
    assert '<span class="badge badge-room">Team</span>' in listed and "ABC234" not in listed
    assert 'class="score score-good">90<' in listed
    form = client.get(f"/history/{session.id}/edit").get_data(as_text=True)
    assert "Tracked live in a room" in form and 'name="start_time"' not in form
    response = client.post(f"/history/{session.id}/edit", data={"csrf_token": csrf_token_from(form), "task_id": "0",
                                                               "note": "Team sprint"})
    assert response.status_code == 302
    db.session.refresh(session)
    assert (session.note, session.start_time, session.focus_score) == ("Team sprint", at(1, 7), 90)


def test_delete_asks_first_and_deletes_only_on_post(client, alice):
    session = services.create_manual(alice, start_time=at(1, 7), end_time=at(1, 8))
    confirm = client.get(f"/history/{session.id}/delete")
    assert confirm.status_code == 200 and "Delete this session?" in confirm.get_data(as_text=True)
    assert db.session.query(FocusSession).count() == 1
    response = client.post(f"/history/{session.id}/delete",
                           data={"csrf_token": csrf_token_from(confirm.get_data(as_text=True))})
    assert response.status_code == 302 and db.session.query(FocusSession).count() == 0


def test_other_peoples_sessions_are_404(client, alice, make_user):
    bobs = services.create_manual(make_user("bob"), start_time=at(1, 7), end_time=at(1, 8))
    csrf = token(client)
    for method, path in (("get", f"/history/{bobs.id}/edit"), ("get", f"/history/{bobs.id}/delete"),
                         ("post", f"/history/{bobs.id}/delete"), ("post", f"/sessions/{bobs.id}/end"),
                         ("get", f"/history/{bobs.id}/interruptions/new")):
        response = getattr(client, method)(path, data={"csrf_token": csrf} if method == "post" else None)
        assert response.status_code == 404, path
    assert db.session.query(FocusSession).count() == 1


# --- grouped by day, daily totals, scores by level, one primary action ---------------------------

def test_history_is_grouped_by_local_day_with_the_whole_days_total(client, alice):
    # Berlin (UTC+2): 22:30 UTC on the 1st is 00:30 on the 2nd.
    services.create_manual(alice, start_time=at(1, 22, 30), end_time=at(1, 23), note="after midnight")
    services.create_manual(alice, start_time=at(2, 7), end_time=at(2, 7, 25), note="morning")
    services.create_manual(alice, start_time=at(1, 7), end_time=at(1, 8), note="first day")
    page = client.get("/history").get_data(as_text=True)
    second = page.index('aria-label="Thursday 2 May 2024"')
    first = page.index('aria-label="Wednesday 1 May 2024"')
    assert second < page.index("morning") < page.index("after midnight") < first < page.index("first day")
    assert "55 min · 2 sessions" in page and "1 h 00 min · 1 session<" in page


def test_a_day_split_across_pages_keeps_its_whole_total(client, alice, monkeypatch):
    monkeypatch.setattr(services, "HISTORY_PAGE_SIZE", 2)
    for hour in (7, 8, 9):
        services.create_manual(alice, start_time=at(3, hour), end_time=at(3, hour, 20), note=f"at {hour}")
    page = client.get("/history").get_data(as_text=True)
    assert "1 h 00 min · 3 sessions" in page and "at 7" not in page
    more = page.split('hx-get="')[1].split('"')[0].replace("&amp;", "&")
    fragment = client.get(more, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "at 7" in fragment and "(continued)" in fragment and "1 h 00 min · 3 sessions" in fragment


@pytest.mark.parametrize(("score", "status", "level", "word"), [
    (92, "completed", "good", "good"), (64, "completed", "fair", "fair"), (31, "ended_early", "low", "low"),
    (88, "failed", "danger", "failed"),
])
def test_scores_are_coloured_by_their_value(client, alice, score, status, level, word):
    session = services.create_manual(alice, start_time=at(1, 7), end_time=at(1, 8))
    session.focus_score, session.status = score, status
    db.session.commit()
    page = client.get("/history").get_data(as_text=True)
    assert f'class="score score-{level}">{score}</strong>/100, {word}<' in page


def test_each_card_has_one_primary_action(client, alice):
    services.create_manual(alice, start_time=at(1, 7), end_time=at(1, 8))
    page = client.get("/history").get_data(as_text=True)
    actions = page.split('<footer class="log-actions">')[1].split("</footer>")[0]
    assert actions.count('role="button"') == 1 and ">Edit</a>" in actions
    assert "Add interruption</a>" in actions and "Delete</a>" in actions


def test_an_interruption_is_deleted_from_its_own_page(client, alice):
    session = services.create_manual(alice, start_time=at(1, 7), end_time=at(1, 8))
    interruption = services.log_interruption(alice, session.id, type="phone", start_time=at(1, 7, 10),
                                             end_time=at(1, 7, 15))
    listed = client.get("/history").get_data(as_text=True)
    assert f"/interruptions/{interruption.id}/edit" in listed and f"/interruptions/{interruption.id}/delete" not in listed
    form = client.get(f"/interruptions/{interruption.id}/edit").get_data(as_text=True)
    assert "Delete this interruption" in form
    response = client.post(f"/interruptions/{interruption.id}/delete", data={"csrf_token": csrf_token_from(form)})
    assert response.status_code == 302 and session.interruptions == []


def test_the_add_interruption_form_is_accepted_as_it_comes(client, alice):
    """Its prefilled times lie inside the session, even one that starts mid-minute."""
    session = services.create_manual(alice, start_time=at(1, 7, 0) + timedelta(seconds=40),
                                     end_time=at(1, 7, 3) + timedelta(seconds=10))
    form = client.get(f"/history/{session.id}/interruptions/new").get_data(as_text=True)
    start = re.search(r'name="start_time"[^>]*value="([^"]+)"', form).group(1)
    end = re.search(r'name="end_time"[^>]*value="([^"]+)"', form).group(1)
    assert (start, end) == ("2024-05-01T09:01", "2024-05-01T09:03")  # Berlin wall clock
    response = client.post(f"/history/{session.id}/interruptions/new",
                           data={"csrf_token": csrf_token_from(form), "type": "unknown", "description": "",
                                 "start_time": start, "end_time": end})
    assert response.status_code == 302
    assert [i.duration for i in session.interruptions] == [120]


def test_a_session_without_a_whole_minute_prefills_seconds(client, alice):
    session = services.create_manual(alice, start_time=at(1, 7, 0) + timedelta(seconds=5),
                                     end_time=at(1, 7, 0) + timedelta(seconds=50))
    form = client.get(f"/history/{session.id}/interruptions/new").get_data(as_text=True)
    start = re.search(r'name="start_time"[^>]*value="([^"]+)"', form).group(1)
    end = re.search(r'name="end_time"[^>]*value="([^"]+)"', form).group(1)
    assert (start, end) == ("2024-05-01T09:00:05", "2024-05-01T09:00:50") and 'step="1"' in form
    response = client.post(f"/history/{session.id}/interruptions/new",
                           data={"csrf_token": csrf_token_from(form), "type": "noise", "start_time": start,
                                 "end_time": end})
    assert response.status_code == 302 and [i.duration for i in session.interruptions] == [45]
