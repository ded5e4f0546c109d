"""The record tells the truth: one status rule for ending early, one rounding rule for durations,
read the same on the cards, the history, the tasks, the API and the exports."""
import csv
import io
import re
from datetime import timedelta

import pytest

from tests.conftest import csrf_token_from
from webapp.extensions import db
from webapp.focus import services
from webapp.models import FocusSession, Room, utcnow
from webapp.rooms import timer_service
from tests.support import hooks


@pytest.fixture
def alice(make_user, auth):
    user = make_user("alice", timezone="Europe/Berlin")
    auth.login("alice")
    return user


def start_solo_page(client, minutes="25", task_id="0"):
    page = client.get("/focus").get_data(as_text=True)
    client.post("/focus", data={"csrf_token": csrf_token_from(page), "target_minutes": minutes, "task_id": task_id})
    room = db.session.query(Room).filter(Room.archived_at.is_(None)).one()
    participant = room.participants[0]
    participant.connections = 1  # what the room socket does when the page opens
    hooks.participant_connected(room, participant, utcnow() - timedelta(seconds=3))
    db.session.commit()
    return room


def card(page: str, session_id: int) -> str:
    return re.search(rf'<article[^>]*id="session-{session_id}".*?</article>', page, re.S).group(0)


def figure(card_html: str, name: str) -> str:
    """A card's figures line reads "<duration> · <focused> focused · score ..."."""
    line = re.search(r'<p class="log-figures[^"]*">(.*?)</p>', card_html, re.S).group(1)
    duration, focused = line.split(" · ")[:2]
    return {"Duration": duration.strip(), "Focused": focused.removesuffix(" focused").strip()}[name]


def csv_rows(client) -> list[dict]:
    return list(csv.DictReader(io.StringIO(client.get("/insights/export.csv?range=7d").get_data(as_text=True))))


def test_ending_early_reads_the_same_on_the_page_and_the_api_paths(client, alice, bearer):
    task = services.create_task(alice, title="Thesis", estimated_pomodoros=2)
    start_solo_page(client, "25", str(task.id))  # the page path: a room of one, ended 3 s in
    client.post("/focus/end", data={"csrf_token": csrf_token_from(client.get("/history").get_data(as_text=True))})
    api = bearer(alice)  # the API path: started and ended by a script
    started = api.post("/api/v1/sessions/start", json={"target_minutes": 25, "task_id": task.id}).get_json()
    ended = api.post(f"/api/v1/sessions/{started['id']}/end").get_json()

    page_record = db.session.query(FocusSession).filter(FocusSession.room_id.is_not(None)).one()
    assert page_record.status == ended["status"] == "ended_early"
    assert [s["status"] for s in api.get("/api/v1/sessions").get_json()["items"]] == ["ended_early", "ended_early"]
    history = client.get("/history").get_data(as_text=True)
    assert history.count("Ended early") == 2 and "Completed" not in history
    tasks = client.get("/tasks").get_data(as_text=True)
    assert "0/2 pomodoros" in tasks and "2 sessions" in tasks  # their time counts, no pomodoro
    assert [row["status"] for row in csv_rows(client)] == ["ended_early", "ended_early"]
    document = client.get("/insights/export.json?range=7d").get_json()
    assert [s["status"] for s in document["sessions"]] == ["ended_early", "ended_early"]
    assert document["stats"]["summary"]["total_sessions"] == 2


def test_the_api_ending_a_page_started_solo_session_early_says_ended_early_too(client, alice, bearer):
    start_solo_page(client)
    record = db.session.query(FocusSession).one()
    ended = bearer(alice).post(f"/api/v1/sessions/{record.id}/end")
    assert ended.status_code == 200 and ended.get_json()["status"] == "ended_early"


def test_a_solo_session_that_runs_its_course_completes_and_counts_a_pomodoro(client, alice):
    task = services.create_task(alice, title="Thesis", estimated_pomodoros=2)
    room = start_solo_page(client, "1", str(task.id))
    timer_service.advance(room, room.phase_ends_at + timedelta(seconds=1))  # the ticker's catch-up
    db.session.commit()
    record = db.session.query(FocusSession).one()
    assert record.status == "completed"
    assert "1/2 pomodoros" in client.get("/tasks").get_data(as_text=True)
    assert "Completed" in card(client.get("/history").get_data(as_text=True), record.id)


def test_editing_the_times_judges_the_session_again(client, alice, bearer):
    api = bearer(alice)
    started = api.post("/api/v1/sessions/start", json={"target_minutes": 25}).get_json()
    session_id = api.post(f"/api/v1/sessions/{started['id']}/end").get_json()["id"]
    session = db.session.get(FocusSession, session_id)
    services.update_session(alice, session_id, start_time=session.end_time - timedelta(minutes=30),
                            end_time=session.end_time)
    assert api.get(f"/api/v1/sessions/{session_id}").get_json()["status"] == "completed"


def test_a_59_6_second_session_reads_59_s_everywhere(client, alice, bearer):
    end = utcnow().replace(microsecond=0) - timedelta(hours=1)
    manual = services.create_manual(alice, start_time=end - timedelta(seconds=59.6), end_time=end)
    # A tracked record counted in milliseconds from a start stored to the microsecond: its tallies
    # (60 000 ms) pass its span (59.9995 s) by a fraction of a second.
    room = Room(code="TEAM22", name="Writers", host_id=alice.id)
    db.session.add(room)
    db.session.flush()
    start = end - timedelta(hours=1, seconds=59.9995)
    tracked = FocusSession(user_id=alice.id, room_id=room.id, source="room", status="completed",
                           start_time=start, end_time=start + timedelta(seconds=59.9995), duration_seconds=59,
                           target_seconds=60, elapsed_ms=60_000, active_ms=60_000, idle_ms=0, focus_score=100)
    db.session.add(tracked)
    db.session.commit()

    history = client.get("/history").get_data(as_text=True)
    for session in (manual, tracked):
        shown = card(history, session.id)
        assert (figure(shown, "Duration"), figure(shown, "Focused")) == ("59 s", "59 s")
        body = bearer(alice).get(f"/api/v1/sessions/{session.id}").get_json()
        assert (body["duration_seconds"], body["elapsed_seconds"], body["active_seconds"]) == (59, 59, 59)
    assert [row["worked_seconds"] for row in csv_rows(client)] == ["59", "59"]
    document = client.get("/insights/export.json?range=7d").get_json()
    assert [s["worked_seconds"] for s in document["sessions"]] == [59, 59]
    assert document["stats"]["summary"]["total_time_worked_seconds"] == 118
    insights = client.get("/insights?range=7d").get_data(as_text=True)
    assert re.search(r'data-stat="worked">\s*1 min 58 s\s*<', insights)


def test_a_room_phase_cut_short_is_ended_early_for_those_present(app):
    from tests.support import factories
    from tests.support.tracking import end_work, join, make_room, record_of, start_work

    room = make_room(factories.make_user("host"), work_minutes=25)
    here, gone = join(room, factories.make_user("here")), join(room, factories.make_user("gone"))
    start_work(room, 0)
    gone.connections = 0
    end_work(room, 600, finished=False)  # the host ends or skips the phase ten minutes in
    assert (record_of(here).status, record_of(gone).status) == ("ended_early", "abandoned")
    start_work(room, 900)
    end_work(room, 900 + 1500, finished=True)
    assert record_of(here).status == "completed"

