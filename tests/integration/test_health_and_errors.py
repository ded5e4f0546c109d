import pytest

from webapp import create_app
from webapp.config import TestConfig


def test_health_reports_ok_with_the_database(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.get_json()["status"] == "ok" and response.get_json()["database"] == "ok"


def test_health_is_503_when_the_database_is_unreachable():
    app = create_app(TestConfig, {"SQLALCHEMY_DATABASE_URI": "sqlite:////nonexistent-dir/focusroom.sqlite3"})
    response = app.test_client().get("/health")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable"


def test_errors_are_html_pages_json_under_api_and_fragments_for_htmx(client):
    page = client.get("/nowhere")
    assert page.status_code == 404 and page.mimetype == "text/html" and b"<html" in page.data
    api = client.get("/api/v1/nowhere")
    assert api.status_code == 404 and api.get_json() == {"error": "There is nothing here."}
    fragment = client.get("/nowhere", headers={"HX-Request": "true"})
    assert fragment.status_code == 404 and b"<html" not in fragment.data and b"flash-error" in fragment.data


def test_500_rolls_back_and_shows_a_friendly_page(app):
    @app.get("/boom")
    def boom():
        raise RuntimeError("kaboom")

    response = app.test_client().get("/boom")
    assert response.status_code == 500 and b"Something broke" in response.data


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    from webapp.config import Config

    class Production(Config):
        ENV_NAME = "production"
        SECRET_KEY = None
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(Production, {"RUN_TICKER": False})


def test_favicon_is_served(client):
    assert client.get("/favicon.ico").status_code == 200
