"""GET/PATCH /api/v1/me: the token user's display name and time zone."""
import pytest

from webapp.accounts.tokens import issue_token
from webapp.extensions import db
from webapp.models import User


@pytest.fixture
def me_api(client, make_user):
    user = make_user("mira", timezone="Europe/Berlin", display_name="Mira")
    _, raw = issue_token(user)
    headers = {"Authorization": f"Bearer {raw}"}

    class MeApi:
        def get(self):
            return client.get("/api/v1/me", headers=headers)

        def patch(self, body=None, data=None, content_type="application/json"):
            if body is not None:
                return client.patch("/api/v1/me", json=body, headers=headers)
            return client.patch("/api/v1/me", data=data, content_type=content_type, headers=headers)

        def stored(self) -> User:
            db.session.expire_all()
            return db.session.get(User, user.id)
    return MeApi()


def test_me_needs_a_token(client):
    assert client.get("/api/v1/me").status_code == 401
    assert client.patch("/api/v1/me", json={"display_name": "x"}).status_code == 401


def test_get_me(me_api):
    body = me_api.get().get_json()
    assert body["username"] == "mira" and body["display_name"] == "Mira"
    assert body["timezone"] == "Europe/Berlin" and body["is_guest"] is False
    assert set(body) == {"id", "username", "display_name", "timezone", "is_guest", "created_at"}


def test_patch_changes_name_and_zone(me_api):
    response = me_api.patch({"display_name": "  Mira K.  ", "timezone": "Asia/Kolkata"})
    assert response.status_code == 200
    assert response.get_json()["display_name"] == "Mira K."
    assert (me_api.stored().display_name, me_api.stored().timezone) == ("Mira K.", "Asia/Kolkata")


def test_patch_one_field_leaves_the_other(me_api):
    assert me_api.patch({"timezone": "UTC"}).status_code == 200
    assert (me_api.stored().display_name, me_api.stored().timezone) == ("Mira", "UTC")


def test_an_invalid_time_zone_is_a_422_naming_the_field_and_writes_nothing(me_api):
    response = me_api.patch({"display_name": "New name", "timezone": "Mars/Olympus_Mons"})
    assert response.status_code == 422
    body = response.get_json()
    assert list(body["fields"]) == ["timezone"] and "IANA" in body["fields"]["timezone"]
    assert (me_api.stored().display_name, me_api.stored().timezone) == ("Mira", "Europe/Berlin")


@pytest.mark.parametrize("body, field", [
    ({"timezone": ""}, "timezone"),
    ({"timezone": 5}, "timezone"),
    ({"timezone": None}, "timezone"),
    ({"display_name": ""}, "display_name"),
    ({"display_name": "   "}, "display_name"),
    ({"display_name": "x" * 51}, "display_name"),
    ({"display_name": ["Mira"]}, "display_name"),
    ({"username": "someone"}, "username"),
    ({"is_guest": True}, "is_guest"),
])
def test_invalid_fields_are_422(me_api, body, field):
    response = me_api.patch(body)
    assert response.status_code == 422 and field in response.get_json()["fields"]


@pytest.mark.parametrize("data, content_type", [
    ("{not json", "application/json"),
    ('["a", "list"]', "application/json"),
    ("", "application/json"),
    ("display_name=Mira", "application/x-www-form-urlencoded"),
])
def test_malformed_bodies_are_400(me_api, data, content_type):
    response = me_api.patch(data=data, content_type=content_type)
    assert response.status_code == 400 and "JSON object" in response.get_json()["error"]


def test_an_empty_patch_changes_nothing(me_api):
    assert me_api.patch({}).status_code == 200
    assert me_api.stored().display_name == "Mira"
