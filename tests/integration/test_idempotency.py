"""Idempotency-Key on creates (webapp/idempotency.py): the offline outbox may send a create twice,
and it must exist once. SQLite and PostgreSQL (TEST_DATABASE_URL)."""
import re
import uuid
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from tests.conftest import csrf_token_from
from webapp import idempotency
from webapp.extensions import db
from webapp.focus import services
from webapp.models import FocusSession, IdempotencyKey, Interruption, Room, Task

UTC = timezone.utc
ENTRY = {"start_time": "2024-05-01T08:00:00Z", "end_time": "2024-05-01T08:25:00Z", "note": "Draft"}


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def alice(make_user):
    return make_user("alice")


@pytest.fixture
def api(bearer, alice):
    api_client = bearer(alice)
    return lambda path, key, body: api_client.client.post(path, json=body,
                                                          headers={**api_client.headers, "Idempotency-Key": key})


def test_same_key_same_body_gives_the_first_answer_and_creates_once(api):
    key = str(uuid.uuid4())
    first = api("/api/v1/sessions", key, ENTRY)
    again = api("/api/v1/sessions", key, dict(reversed(ENTRY.items())))  # same fields, other order
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json() == first.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert count(FocusSession) == 1


def test_same_key_other_body_is_422_and_creates_nothing(api):
    key = str(uuid.uuid4())
    assert api("/api/v1/sessions", key, ENTRY).status_code == 201
    other = api("/api/v1/sessions", key, {**ENTRY, "note": "Something else"})
    assert other.status_code == 422
    assert "Idempotency-Key" in other.get_json()["fields"] and "different request" in other.get_json()["error"]
    assert api("/api/v1/sessions/start", key, {}).status_code == 422  # another address: another request
    assert count(FocusSession) == 1


def test_keys_belong_to_a_person(api, bearer, make_user):
    key = str(uuid.uuid4())
    bob = bearer(make_user("bob"))
    assert api("/api/v1/sessions", key, ENTRY).status_code == 201
    theirs = bob.client.post("/api/v1/sessions", json=ENTRY, headers={**bob.headers, "Idempotency-Key": key})
    assert theirs.status_code == 201
    assert count(FocusSession) == 2


def test_a_refused_request_is_not_kept_so_the_fixed_one_can_use_the_key(api):
    key = str(uuid.uuid4())
    refused = api("/api/v1/sessions", key, {**ENTRY, "end_time": "2024-05-01T07:00:00Z"})
    assert refused.status_code == 422 and count(IdempotencyKey) == 0
    assert api("/api/v1/sessions", key, ENTRY).status_code == 201
    assert count(FocusSession) == 1


def test_interruptions_and_live_sessions_too(api):
    started = api("/api/v1/sessions/start", "start-1", {})
    assert api("/api/v1/sessions/start", "start-1", {}).get_json() == started.get_json()
    body = {"session_id": started.get_json()["id"], "type": "phone", "description": "Call"}
    first = api("/api/v1/interruptions", "int-1", body)
    second = api("/api/v1/interruptions", "int-1", body)
    assert (first.status_code, second.status_code, second.get_json()) == (201, 200, first.get_json())
    assert (count(FocusSession), count(Interruption)) == (1, 1)


def test_without_a_key_nothing_changes(bearer, alice):
    client = bearer(alice)
    assert client.post("/api/v1/sessions", json=ENTRY).status_code == 201
    assert client.post("/api/v1/sessions", json=ENTRY).status_code == 409  # the overlap rule, as before
    assert count(IdempotencyKey) == 0


@pytest.mark.parametrize("key", ["", "x" * 201, "has space", "naïve"])
def test_a_malformed_key_is_400(api, key):
    response = api("/api/v1/sessions", key, ENTRY)
    assert response.status_code == 400 and "Idempotency-Key" in response.get_json()["error"]
    assert count(FocusSession) == 0


def test_a_concurrent_duplicate_loses_at_the_unique_constraint_and_replays(client, signed_in, monkeypatch):
    """Both requests looked and found no key (check-then-insert would create two); the second
    one's transaction fails on (user_id, key) as a whole and answers with the first result."""
    data = {"title": "Essay", "estimated_pomodoros": "2"}
    first = form_post(client, "/tasks", data, "task-1", page="/tasks")
    real_lookup, lookups = idempotency._stored, []

    def missed_first_time(user_id, key):
        lookups.append(key)
        return None if len(lookups) == 1 else real_lookup(user_id, key)

    monkeypatch.setattr(idempotency, "_stored", missed_first_time)
    late = form_post(client, "/tasks", data, "task-1", page="/tasks")
    assert len(lookups) == 2  # it did run the create, and lost at the constraint
    assert (late.status_code, late.headers["Location"]) == (first.status_code, first.headers["Location"])
    assert count(Task) == 1 and count(IdempotencyKey) == 1


def test_a_failure_after_the_create_leaves_nothing_and_the_replay_creates_once(api, monkeypatch):
    key = str(uuid.uuid4())

    class Crash(Exception):
        pass

    def crash(**kwargs):
        raise Crash("the process died between the create and storing its key")

    monkeypatch.setattr(idempotency, "IdempotencyKey", crash)
    assert api("/api/v1/sessions", key, ENTRY).status_code == 500
    assert count(FocusSession) == 0  # the create was never committed on its own
    monkeypatch.undo()
    assert api("/api/v1/sessions", key, ENTRY).status_code == 201
    assert api("/api/v1/sessions", key, ENTRY).status_code == 200
    assert count(FocusSession) == 1


# ---------------------------------------------------------------- the log's own forms

@pytest.fixture
def signed_in(alice, auth):
    auth.login("alice")
    return alice


def form_post(client, path, data, key, page="/history/new"):
    token = csrf_token_from(client.get(page).get_data(as_text=True))
    return client.post(path, data={**data, "csrf_token": token}, headers={"Idempotency-Key": key})


def test_manual_entry_form_replays_its_redirect(client, signed_in):
    data = {"start_time": "2024-05-01T09:00", "end_time": "2024-05-01T09:45", "note": "Intro"}
    first = form_post(client, "/history/new", data, "entry-1")
    again = form_post(client, "/history/new", data, "entry-1")
    assert first.status_code == again.status_code == 302
    assert again.headers["Location"] == first.headers["Location"]
    assert count(FocusSession) == 1


def test_ticking_a_task_twice_with_one_key_ticks_it_once(client, signed_in):
    task = services.create_task(signed_in, title="Essay", estimated_pomodoros=1)
    path = f"/tasks/{task.id}/done"
    form_post(client, path, {}, "tick-1", page="/tasks")
    form_post(client, path, {}, "tick-1", page="/tasks")
    db.session.expire_all()
    assert db.session.get(Task, task.id).done is True
    form_post(client, path, {}, "untick-1", page="/tasks")
    db.session.expire_all()
    assert db.session.get(Task, task.id).done is False


def test_starting_solo_and_logging_an_interruption_once(client, signed_in):
    from tests.integration.test_focus_solo import connect
    form_post(client, "/focus", {"target_minutes": "25", "task_id": "0"}, "solo-1", page="/tasks")
    form_post(client, "/focus", {"target_minutes": "25", "task_id": "0"}, "solo-1", page="/tasks")
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Room).where(Room.is_solo.is_(True))) == 1
    connect(db.session.scalars(select(Room)).one())
    answers = [form_post(client, "/focus/interrupted", {"type": "phone"}, "int-1", page="/tasks") for _ in range(2)]
    assert [a.status_code for a in answers] == [302, 302]
    assert (count(FocusSession), count(Interruption)) == (1, 1)


def test_a_refused_interruption_from_the_outbox_is_a_409_not_a_redirect(client, signed_in):
    refused = form_post(client, "/focus/interrupted", {"type": "phone"}, "int-2", page="/tasks")
    assert refused.status_code == 409 and "active session" in refused.get_data(as_text=True)
    assert count(IdempotencyKey) == 0


def test_deleting_the_account_removes_its_keys(api, alice):
    from webapp.models import utcnow
    from webapp.privacy.deletion import delete_account
    api("/api/v1/sessions", "k", ENTRY)
    delete_account(alice, utcnow())
    assert count(IdempotencyKey) == 0


# ---------------------------------------------------------------- edits from two devices

def edit(client, session_id, note, key, edited_at=None):
    data = {"start_time": "2024-05-01T08:00", "end_time": "2024-05-01T08:25", "task_id": "0", "note": note}
    if edited_at is not None:
        data["edited_at"] = edited_at.isoformat()
    return form_post(client, f"/history/{session_id}/edit", data, key, page="/tasks")


def note_of(session_id):
    db.session.expire_all()
    return db.session.get(FocusSession, session_id).note


def test_an_offline_edit_older_than_the_last_change_loses_and_says_so(client, signed_in):
    from datetime import timedelta
    from webapp.models import utcnow
    entry = services.create_manual(signed_in, start_time=datetime(2024, 5, 1, 8, tzinfo=UTC),
                                   end_time=datetime(2024, 5, 1, 8, 25, tzinfo=UTC), note="From the laptop")
    lost = edit(client, entry.id, "From the phone, offline", "edit-1", edited_at=utcnow() - timedelta(hours=1))
    assert lost.status_code == 409 and "Changed on another device" in lost.get_data(as_text=True)
    assert note_of(entry.id) == "From the laptop"
    edited_at = utcnow()
    won = edit(client, entry.id, "From the phone, later", "edit-2", edited_at=edited_at)
    assert won.status_code == 302 and note_of(entry.id) == "From the phone, later"
    # The outbox sends it again (the answer was lost): its own write is not "another device".
    again = edit(client, entry.id, "From the phone, later", "edit-2", edited_at=edited_at)
    assert (again.status_code, again.headers["Location"]) == (302, won.headers["Location"])
    assert edit(client, entry.id, "Typed online", "edit-3").status_code == 302  # no edited_at: it is the latest
    assert note_of(entry.id) == "Typed online"


# ---------------------------------------------------------------- sent online, kept when it did not arrive

def test_a_kept_copy_with_the_moment_it_happened_matches_the_send_that_did_arrive(client, signed_in):
    """Online, the click went out without `started_at`; the page kept it (a 504 from a proxy) with the
    moment of the click. The send had reached the server after all: the replay gets its answer."""
    data = {"start_time": "2024-05-01T09:00", "end_time": "2024-05-01T09:45", "note": "Intro"}
    first = form_post(client, "/history/new", data, "entry-9")
    kept = form_post(client, "/history/new", {**data, "edited_at": "2024-05-01T10:00:00Z"}, "entry-9")
    assert (first.status_code, kept.status_code, kept.headers.get("Idempotent-Replayed")) == (302, 302, "true")
    assert count(FocusSession) == 1


def test_a_page_submit_gets_its_redirect_as_a_location_to_follow(client, signed_in):
    token = csrf_token_from(client.get("/history/new").get_data(as_text=True))
    data = {"start_time": "2024-05-01T09:00", "end_time": "2024-05-01T09:45", "note": "Intro", "csrf_token": token}
    headers = {"Idempotency-Key": "page-1", idempotency.PAGE_SUBMIT_HEADER: "page"}
    answer = client.post("/history/new", data=data, headers=headers)
    assert answer.status_code == 204
    assert re.match(r"^/history#session-\d+$", answer.headers[idempotency.PAGE_LOCATION_HEADER])
    again = client.post("/history/new", data=data, headers=headers)  # replayed: the same place to go
    assert (again.status_code, again.headers[idempotency.PAGE_LOCATION_HEADER]) == (
        204, answer.headers[idempotency.PAGE_LOCATION_HEADER])
    assert count(FocusSession) == 1
    refused = client.post("/history/new", data={**data, "end_time": "2024-05-01T08:00"},
                          headers={**headers, "Idempotency-Key": "page-2"})
    assert refused.status_code == 422 and idempotency.PAGE_LOCATION_HEADER not in refused.headers


def test_an_online_click_with_a_key_is_still_answered_with_its_panel(client, signed_in):
    """htmx sends the key too (so a failed send can be kept); a refusal is still the panel's warning."""
    token = csrf_token_from(client.get("/tasks").get_data(as_text=True))
    answer = client.post("/focus/interrupted", data={"type": "phone", "csrf_token": token},
                         headers={"Idempotency-Key": "int-3", "HX-Request": "true"})
    assert answer.status_code == 200 and "active session" in answer.get_data(as_text=True)


# ---------------------------------------------------------------- keys do not pile up

def key_row(user, key, age):
    from webapp.models import utcnow
    return IdempotencyKey(user_id=user.id, key=key, fingerprint="f" * 64, status=201, content_type="",
                          location=None, body="", created_at=utcnow() - age)


def test_keys_past_their_retention_are_pruned_and_newer_ones_kept(alice):
    from datetime import timedelta
    from webapp.models import utcnow
    db.session.add_all([key_row(alice, "old", idempotency.KEY_RETENTION + timedelta(minutes=1)),
                        key_row(alice, "recent", idempotency.KEY_RETENTION - timedelta(minutes=1))])
    db.session.commit()
    assert idempotency.prune_expired(utcnow()) == 1
    db.session.expire_all()
    assert db.session.scalars(select(IdempotencyKey.key)).all() == ["recent"]


def test_storing_a_key_prunes_now_and_then(api, alice, monkeypatch):
    from datetime import timedelta
    monkeypatch.setattr(idempotency, "_next_prune_at", None)
    db.session.add(key_row(alice, "old", timedelta(days=30)))
    db.session.commit()
    assert api("/api/v1/sessions", "new-1", ENTRY).status_code == 201
    db.session.expire_all()
    assert db.session.scalars(select(IdempotencyKey.key)).all() == ["new-1"]
    db.session.add(key_row(alice, "old-2", timedelta(days=30)))  # within the hour: left for the next prune
    db.session.commit()
    assert api("/api/v1/sessions", "new-2", {**ENTRY, "start_time": "2024-05-02T08:00:00Z",
                                               "end_time": "2024-05-02T08:25:00Z"}).status_code == 201
    assert count(IdempotencyKey) == 3


def test_a_rollback_inside_the_view_keeps_nothing_and_asks_for_the_change_again(client, signed_in, monkeypatch):
    """A service that rolls back and retries (rooms.control after a lost race) would drop what the view
    wrote before it while the view goes on to answer 'done': with a key, nothing is kept instead, and
    the 503 makes the outbox send it again."""
    real_create = services.create_manual

    def create_then_lose_a_race(*args, **kwargs):
        created = real_create(*args, **kwargs)
        db.session.rollback()  # what a retry loop does after StaleRoom
        return created
    monkeypatch.setattr(services, "create_manual", create_then_lose_a_race)
    data = {"start_time": "2024-05-01T09:00", "end_time": "2024-05-01T09:45", "note": "Intro"}
    answer = form_post(client, "/history/new", data, "race-1")
    assert (answer.status_code, answer.headers["Retry-After"]) == (503, "1")
    assert (count(FocusSession), count(IdempotencyKey)) == (0, 0)
    monkeypatch.setattr(services, "create_manual", real_create)
    assert form_post(client, "/history/new", data, "race-1").status_code == 302  # sent again: saved once
    assert count(FocusSession) == 1
