"""Tasks page (time and pomodoros from linked sessions) and the API tokens card in settings."""
from datetime import datetime, timezone

import pytest

from tests.conftest import csrf_token_from
from webapp.accounts.tokens import hash_token
from webapp.extensions import db
from webapp.focus import services
from webapp.models import ApiToken, Task

UTC = timezone.utc


def at(hour, minute=0):
    return datetime(2024, 5, 1, hour, minute, tzinfo=UTC)


@pytest.fixture
def alice(make_user, auth):
    user = make_user("alice", timezone="Europe/Berlin")
    auth.login("alice")
    return user


def test_empty_tasks_page(client, alice):
    assert "No tasks yet" in client.get("/tasks").get_data(as_text=True)


def test_add_a_task_and_see_errors_next_to_fields(client, alice):
    page = client.get("/tasks").get_data(as_text=True)
    response = client.post("/tasks", data={"csrf_token": csrf_token_from(page), "title": "Write report",
                                           "estimated_pomodoros": "3"})
    assert response.status_code == 302
    assert db.session.query(Task).one().title == "Write report"
    bad = client.post("/tasks", data={"csrf_token": csrf_token_from(page), "title": "", "estimated_pomodoros": "99"})
    text = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "Give the task a title." in text and "from 1 to 50" in text


def test_a_task_shows_the_time_and_pomodoros_of_its_sessions(client, alice):
    task = services.create_task(alice, title="Report", estimated_pomodoros=4)
    services.create_manual(alice, start_time=at(6), end_time=at(6, 25), task_id=task.id)
    services.create_manual(alice, start_time=at(7), end_time=at(7, 40), task_id=task.id)
    page = client.get("/tasks").get_data(as_text=True)
    assert "2/4 pomodoros" in page and "1 h 05 min" in page and "2 sessions" in page


def test_toggle_done_with_htmx_returns_the_row(client, alice):
    task = services.create_task(alice, title="Report", estimated_pomodoros=1)
    csrf = csrf_token_from(client.get("/tasks").get_data(as_text=True))
    response = client.post(f"/tasks/{task.id}/done", data={"csrf_token": csrf}, headers={"HX-Request": "true"})
    fragment = response.get_data(as_text=True)
    assert response.status_code == 200 and fragment.lstrip().startswith("<li") and "is-done" in fragment
    db.session.refresh(task)
    assert task.done
    assert client.post(f"/tasks/{task.id}/done", data={"csrf_token": csrf}).status_code == 302
    db.session.refresh(task)
    assert not task.done


def test_edit_and_delete_with_confirmation(client, alice):
    task = services.create_task(alice, title="Report", estimated_pomodoros=1)
    form = client.get(f"/tasks/{task.id}/edit").get_data(as_text=True)
    assert client.post(f"/tasks/{task.id}/edit", data={"csrf_token": csrf_token_from(form), "title": "Final report",
                                                       "estimated_pomodoros": "2"}).status_code == 302
    db.session.refresh(task)
    assert (task.title, task.estimated_pomodoros) == ("Final report", 2)
    confirm = client.get(f"/tasks/{task.id}/delete")
    assert "Delete this task?" in confirm.get_data(as_text=True) and db.session.query(Task).count() == 1
    assert client.post(f"/tasks/{task.id}/delete",
                       data={"csrf_token": csrf_token_from(confirm.get_data(as_text=True))}).status_code == 302
    assert db.session.query(Task).count() == 0


def test_other_peoples_tasks_are_404(client, alice, make_user):
    bobs = services.create_task(make_user("bob"), title="Secret", estimated_pomodoros=1)
    csrf = csrf_token_from(client.get("/tasks").get_data(as_text=True))
    assert client.get(f"/tasks/{bobs.id}/edit").status_code == 404
    assert client.get(f"/tasks/{bobs.id}/delete").status_code == 404
    assert client.post(f"/tasks/{bobs.id}/done", data={"csrf_token": csrf}).status_code == 404
    assert client.post(f"/tasks/{bobs.id}/delete", data={"csrf_token": csrf}).status_code == 404
    assert "Secret" not in client.get("/tasks").get_data(as_text=True)


def test_settings_lists_creates_and_revokes_tokens(client, alice):
    settings = client.get("/settings").get_data(as_text=True)
    assert "API tokens" in settings and "No tokens yet" in settings
    created = client.post("/settings/tokens", data={"csrf_token": csrf_token_from(settings),
                                                    "token-name": "Laptop script"}, headers={"HX-Request": "true"})
    fragment = created.get_data(as_text=True)
    token = db.session.query(ApiToken).one()
    raw = fragment.split('id="new-token-value"')[0].rsplit('value="', 1)[1].split('"')[0]
    assert created.status_code == 200 and "will not be shown again" in fragment
    assert hash_token(raw) == token.token_hash and token.name == "Laptop script"
    again = client.get("/settings").get_data(as_text=True)
    assert "Laptop script" in again and raw not in again  # shown once only
    assert client.get("/api/v1/sessions", headers={"Authorization": f"Bearer {raw}"}).status_code == 200
    revoked = client.post(f"/settings/tokens/{token.id}/revoke", data={"csrf_token": csrf_token_from(again)})
    assert revoked.status_code == 302
    assert client.get("/api/v1/sessions", headers={"Authorization": f"Bearer {raw}"}).status_code == 401
    assert "revoked" in client.get("/settings").get_data(as_text=True)  # the flash names it once
    assert "Laptop script" not in client.get("/settings").get_data(as_text=True)


def test_token_creation_without_htmx_shows_the_token_on_its_own_page(client, alice):
    csrf = csrf_token_from(client.get("/settings").get_data(as_text=True))
    response = client.post("/settings/tokens", data={"csrf_token": csrf, "token-name": ""})
    assert response.status_code == 201 and "will not be shown again" in response.get_data(as_text=True)
    assert db.session.query(ApiToken).one().name == "API token"
    too_long = client.post("/settings/tokens", data={"csrf_token": csrf, "token-name": "x" * 61})
    assert too_long.status_code == 422 and db.session.query(ApiToken).count() == 1


def test_tokens_of_others_cannot_be_revoked(client, alice, make_user):
    from webapp.accounts.tokens import issue_token
    token, raw = issue_token(make_user("bob"))
    csrf = csrf_token_from(client.get("/settings").get_data(as_text=True))
    assert client.post(f"/settings/tokens/{token.id}/revoke", data={"csrf_token": csrf}).status_code == 404
    assert client.post("/settings/tokens", data={"token-name": "x"}).status_code == 400  # no CSRF token
    db.session.refresh(token)
    assert token.revoked_at is None


def test_guests_see_no_token_card(client, make_guest):
    response = client.post("/guest", data={"display_name": "Visitor", "timezone": "UTC",
                                           "csrf_token": csrf_token_from(client.get("/guest").get_data(as_text=True))})
    assert response.status_code == 302
    assert "API tokens" not in client.get("/settings").get_data(as_text=True)
