"""Deleting an account removes what the page says it removes; the export holds what it says, no secrets."""
import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.conftest import AuthActions, csrf_token_from
from webapp.accounts.tokens import issue_token
from webapp.extensions import db
from webapp.focus import services as focus
from webapp.models import (ApiToken, FocusSession, Interruption, LoginSession, Participant, PasswordReset, Room, Task,
                           User, utcnow)
from webapp.rooms import presence


@pytest.fixture
def grace_with_history(make_user, make_room):
    """grace: a task, a finished session with an interruption, a token, a reset link, a hosted room."""
    grace = make_user("grace", bio="Compilers.")
    now = utcnow()
    task = focus.create_task(grace, title="Write the parser")
    session = focus.create_manual(grace, start_time=now - timedelta(hours=2), end_time=now - timedelta(hours=1),
                                  task_id=task.id, note="deep work", now=now)
    focus.log_interruption(grace, session.id, type="phone", description="a call",
                           start_time=now - timedelta(hours=2) + timedelta(minutes=5),
                           end_time=now - timedelta(hours=2) + timedelta(minutes=8), now=now)
    issue_token(grace, "laptop")
    db.session.add(PasswordReset(user_id=grace.id, token_hash="0" * 64, created_at=now,
                                 expires_at=now + timedelta(hours=1)))
    db.session.commit()
    return grace


def delete_page_post(client, confirm):
    page = client.get("/settings/delete")
    return client.post("/settings/delete", data={"confirm_username": confirm,
                                                 "csrf_token": csrf_token_from(page.get_data(as_text=True))})


def test_the_page_says_what_happens_and_wants_the_username(client, auth, grace_with_history):
    auth.login("grace")
    page = client.get("/settings/delete").get_data(as_text=True)
    assert "Your forum posts stay, shown as <strong>[deleted account]</strong>" in page
    assert "Type your username to confirm" in page
    wrong = delete_page_post(client, "gracie")
    assert wrong.status_code == 422 and 'id="confirm_username-error"' in wrong.get_data(as_text=True)
    assert db.session.get(User, grace_with_history.id) is not None
    assert client.get("/settings").status_code == 200


def test_deleting_removes_everything_personal_and_signs_out(app, client, auth, make_user, make_room,
                                                            grace_with_history):
    grace_id = grace_with_history.id
    ada = make_user("ada")
    now = utcnow()
    shared = make_room(grace_with_history, name="Thesis club")     # grace hosts, ada is here
    from webapp.rooms import services as rooms
    rooms.join(shared, grace_with_history, now)
    rooms.join(shared, ada, now)
    presence.connect(shared, ada.id, now)
    empty = make_room(grace_with_history, name="Nobody here")       # grace hosts, nobody else
    ada_room = make_room(ada, name="Ada's room")                      # grace only joined
    rooms.join(ada_room, grace_with_history, now)
    solo_id = focus.start_solo(grace_with_history, target_minutes=25, now=now).id  # running right now
    phone = AuthActions(app.test_client())
    phone.login("grace")
    auth.login("grace")

    response = delete_page_post(client, "Grace")
    assert response.status_code == 302
    assert "Your account is deleted." in client.get("/").get_data(as_text=True)
    assert client.get("/settings").status_code == 302
    assert phone._client.get("/settings").status_code == 302

    for model in (FocusSession, Interruption, Task, ApiToken, LoginSession, PasswordReset, Participant):
        rows = db.session.execute(select(model).where(model.user_id == grace_id)).scalars().all()
        assert rows == [], model.__name__
    assert db.session.get(User, grace_id) is None  # nothing else points at the row: it is gone
    db.session.expire_all()
    assert db.session.get(Room, shared.id).host_id == ada.id and db.session.get(Room, shared.id).archived_at is None
    assert db.session.get(Room, empty.id).archived_at is not None and db.session.get(Room, empty.id).host_id is None
    assert db.session.get(Room, solo_id) is None
    assert db.session.get(Room, ada_room.id).archived_at is None
    assert [p.user_id for p in db.session.get(Room, ada_room.id).participants] == [ada.id]
    assert auth.login("grace").status_code == 401
    assert auth.register(username="grace", email="grace@example.com").status_code == 302  # both are free again


def test_a_row_other_content_points_at_is_anonymised_instead(client, auth, grace_with_history):
    from webapp.privacy import deletion
    grace_id = grace_with_history.id
    # Stands for forum posts: any table outside the personal ones that refers to the user.
    from sqlalchemy import Column, ForeignKey, Integer, Table
    posts = Table("test_posts_by_users", db.metadata, Column("id", Integer, primary_key=True),
                  Column("author_id", ForeignKey("users.id")))
    try:
        posts.create(db.engine)
        db.session.execute(posts.insert().values(author_id=grace_id))
        db.session.commit()
        auth.login("grace")
        assert delete_page_post(client, "grace").status_code == 302
        user = db.session.get(User, grace_id)
        assert user is not None and deletion.is_deleted(user)
        assert (user.username, user.email, user.password_hash, user.bio) == (None, None, None, "")
        assert user.name == "[deleted account]"
        assert db.session.query(FocusSession).filter_by(user_id=grace_id).count() == 0
        assert auth.login("grace").status_code == 401
    finally:
        db.session.rollback()
        posts.drop(db.engine)
        db.metadata.remove(posts)


def test_deleting_needs_csrf_and_a_signed_in_account(client, auth, grace_with_history):
    assert client.get("/settings/delete").status_code == 302
    auth.login("grace")
    assert client.post("/settings/delete", data={"confirm_username": "grace"}).status_code == 400
    assert db.session.get(User, grace_with_history.id) is not None


def test_the_export_holds_everything_personal_and_no_secret(client, auth, make_room, grace_with_history):
    grace = grace_with_history
    from webapp.rooms import services as rooms
    rooms.join(make_room(grace, name="Thesis club"), grace, utcnow())
    auth.login("grace")
    response = client.get("/settings/export.json")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith('attachment; filename="focusroom-grace-')
    assert "no-store" in response.headers["Cache-Control"]
    data = json.loads(response.get_data(as_text=True))
    assert data["profile"]["username"] == "grace" and data["profile"]["email"] == "grace@example.com"
    assert data["profile"]["bio"] == "Compilers."
    assert [s["note"] for s in data["sessions"]] == ["deep work"]
    assert data["sessions"][0]["duration_seconds"] == 3600
    assert [(i["type"], i["description"], i["duration"]) for i in data["interruptions"]] == [("phone", "a call", 180)]
    assert [t["title"] for t in data["tasks"]] == ["Write the parser"]
    assert [t["name"] for t in data["api_tokens"]] == ["laptop"]
    assert len(data["login_sessions"]) == 1
    assert [r["name"] for r in data["rooms_joined"]] == ["Thesis club"]
    assert data["rooms_joined"][0]["hosting"] is True

    raw = response.get_data(as_text=True)
    secrets = [grace.password_hash] + [t.token_hash for t in db.session.query(ApiToken)] + \
        [s.key_hash for s in db.session.query(LoginSession)] + ["0" * 64]
    for secret in secrets:
        assert secret not in raw
    assert "hash" not in raw and "password" not in raw


def test_the_export_is_only_ever_ones_own(client, auth, make_user, grace_with_history):
    make_user("ada")
    auth.login("ada")
    data = client.get("/settings/export.json").get_json(force=True)
    assert data["profile"]["username"] == "ada" and data["sessions"] == [] and data["tasks"] == []


def test_a_guest_can_download_but_not_delete(client, auth):
    client.post("/guest", data={"csrf_token": auth.token("/guest"), "display_name": "Sam"})
    data = client.get("/settings/export.json").get_json(force=True)
    assert data["profile"]["display_name"] == "Sam" and data["profile"]["is_guest"] is True
    assert client.get("/settings/delete").status_code == 404


def test_the_export_holds_ones_conversations_both_sides(client, auth, make_user, grace_with_history):
    from webapp.messages import services as messages
    grace, ada = grace_with_history, make_user("ada")
    messages.send_to(ada, grace, "Same time tomorrow?", utcnow())
    messages.send_to(grace, ada, "Yes, 9:00.", utcnow())
    auth.login("grace")
    data = client.get("/settings/export.json").get_json(force=True)
    assert [(c["with"], [(m["from_me"], m["body"]) for m in c["messages"]]) for c in data["conversations"]] == \
        [("ada", [(False, "Same time tomorrow?"), (True, "Yes, 9:00.")])]
