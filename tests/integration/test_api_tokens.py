"""POST /api/v1/auth/token: a token for a login and password, generic 401, rate-limited, stored hashed."""
import pytest

from tests.conftest import build_app
from webapp.accounts.tokens import hash_token
from webapp.extensions import db
from webapp.models import ApiToken


def test_token_by_username_or_email(client, make_user):
    make_user("alice")
    for login in ("alice", "ALICE@example.com"):
        response = client.post("/api/v1/auth/token", json={"login": login, "password": "correct horse battery"})
        assert response.status_code == 201
        raw = response.get_json()["token"]
        assert raw.startswith("fr_")
        stored = db.session.query(ApiToken).filter_by(token_hash=hash_token(raw)).one()
        assert raw not in (stored.token_hash, stored.prefix)
        me = client.get("/api/v1/sessions", headers={"Authorization": f"Bearer {raw}"})
        assert me.status_code == 200


@pytest.mark.parametrize("body", [
    {"login": "alice", "password": "wrong password"},
    {"login": "nobody", "password": "correct horse battery"},
])
def test_wrong_credentials_get_one_generic_401(client, make_user, body):
    make_user("alice")
    response = client.post("/api/v1/auth/token", json=body)
    assert response.status_code == 401
    assert response.get_json() == {"error": "That login and password do not match an account."}
    assert db.session.query(ApiToken).count() == 0


@pytest.mark.parametrize("body, field", [
    ({"password": "x"}, "login"), ({"login": "alice"}, "password"), ({"login": 5, "password": "x"}, "login"),
    ({"login": "alice", "password": "x", "scope": "all"}, "scope"),
])
def test_missing_or_odd_fields_are_422(client, body, field):
    response = client.post("/api/v1/auth/token", json=body)
    assert response.status_code == 422 and field in response.get_json()["fields"]


def test_malformed_json_is_400(client):
    assert client.post("/api/v1/auth/token", data="login=alice", content_type="text/plain").status_code == 400


def test_guests_cannot_get_tokens(client, make_guest):
    make_guest("Visitor")
    response = client.post("/api/v1/auth/token", json={"login": "Visitor", "password": ""})
    assert response.status_code in (401, 422)


def test_failed_attempts_are_rate_limited(database_kind, make_user):
    app = build_app(database_kind, API_TOKEN_RATE_LIMIT="3 per minute")
    with app.app_context():
        from tests.support.factories import make_user as factory
        factory("carol")
        client = app.test_client()
        statuses = [client.post("/api/v1/auth/token", json={"login": "carol", "password": "nope nope"}).status_code
                    for _ in range(4)]
        assert statuses == [401, 401, 401, 429]
        limited = client.post("/api/v1/auth/token", json={"login": "carol", "password": "correct horse battery"})
        assert limited.status_code == 429 and "error" in limited.get_json()
        db.session.remove()
