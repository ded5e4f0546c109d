"""Fixtures in the flaskr style: app, client, auth, factories; SQLite always, PostgreSQL when asked.

TEST_DATABASE_URL (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test) adds a PostgreSQL run of
every database test. When it is set and the server cannot be reached, the tests fail: they never skip.
"""
import functools
import hashlib
import os
import re

import pytest
from flask.ctx import _cv_app
from flask.testing import FlaskClient
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.pool import StaticPool

from tests.support import factories
from tests.support.servers import LiveServer
from webapp import create_app
from webapp.config import TestConfig
from webapp.extensions import db


def _own_database(url: str | None) -> str | None:
    """Under pytest-xdist (`make test` runs two workers) each worker has a database of its own,
    named after the given one (test_gw0, test_gw1), made on first use (pytest_configure)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not url or not worker:
        return url
    parsed = make_url(url)
    return parsed.set(database=f"{parsed.database}_{worker}").render_as_string(hide_password=False)


POSTGRES_URL = _own_database(os.environ.get("TEST_DATABASE_URL"))
DATABASES = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])


def pytest_configure(config):
    base = os.environ.get("TEST_DATABASE_URL")
    if POSTGRES_URL and POSTGRES_URL != base:
        name = make_url(POSTGRES_URL).database
        engine = create_engine(base, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                if not connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                          {"name": name}).scalar():
                    connection.execute(text(f'CREATE DATABASE "{name}"'))
        finally:
            engine.dispose()


def database_overrides(kind: str, tmp_path=None) -> dict:
    if kind == "postgresql":
        return {"SQLALCHEMY_DATABASE_URI": POSTGRES_URL, "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True}}
    if tmp_path is not None:  # a file, so a server thread and the test share it
        return {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'test.sqlite3'}",
                "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"check_same_thread": False}}}
    return {"SQLALCHEMY_DATABASE_URI": "sqlite://",
            "SQLALCHEMY_ENGINE_OPTIONS": {"poolclass": StaticPool,
                                          "connect_args": {"check_same_thread": False}}}


class IsolatedClient(FlaskClient):
    """Each request gets its own app context (and so its own `g` and database session), as in
    production, even though the test itself holds one open; afterwards the test's session is
    expired so it reads what the request wrote."""

    def open(self, *args, **kwargs):
        token = _cv_app.set(None)
        try:
            return super().open(*args, **kwargs)
        finally:
            _cv_app.reset(token)
            if _cv_app.get(None) is not None:
                db.session.expire_all()


def build_app(kind: str, tmp_path=None, **overrides):
    # Like production, the schema exists before background services (the ticker) start.
    run_ticker = overrides.pop("RUN_TICKER", False)
    app = create_app(TestConfig, {**database_overrides(kind, tmp_path), **overrides, "RUN_TICKER": False})
    app.test_client_class = IsolatedClient
    with app.app_context():
        if kind == "postgresql":
            fresh_postgres()
        else:
            db.create_all()
    if run_ticker:
        from webapp import lifecycle
        app.config["RUN_TICKER"] = True
        lifecycle.start(app)
    return app


def reset_postgres() -> None:
    """An empty schema (the CI database is shared between runs): for tests that build it themselves."""
    with db.engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))


_SCHEMA_MARK = "zz_test_schema_mark"
_SESSION_NONCE = os.urandom(8).hex()


def _schema_fingerprint() -> str:
    """What create_all would build here, and this run's nonce: a schema made from other models,
    or by an earlier run (whose DDL listeners may have differed), is never reused."""
    from sqlalchemy.schema import CreateIndex, CreateTable
    dialect = db.engine.dialect
    ddl = [str(CreateTable(table).compile(dialect=dialect)) + "".join(
        str(CreateIndex(index).compile(dialect=dialect)) for index in sorted(table.indexes, key=lambda i: i.name))
        for table in db.metadata.sorted_tables]
    return hashlib.sha256("\n".join([_SESSION_NONCE, *ddl]).encode()).hexdigest()


_EMPTY_TABLES = None  # (SQL that empties every table, the rows create_all seeded, SQL that restores sequences)


def _as_built() -> tuple:
    """What a freshly built schema holds: the rows create_all's listeners seed (the forum's
    categories) and every sequence's position, to put back after emptying the tables."""
    tables = db.metadata.sorted_tables
    deletes = "".join(f'DELETE FROM "{table.name}";' for table in reversed(tables))
    with db.engine.connect() as connection:
        seeded = [(table, rows) for table in tables
                  if (rows := [dict(row._mapping) for row in connection.execute(table.select())])]
        sequences = connection.execute(text(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind = 'S' AND n.nspname = 'public'")).scalars().all()
        positions = [(name, *connection.execute(text(f'SELECT last_value, is_called FROM "{name}"')).one())
                     for name in sequences]
    setvals = ",".join(f"setval('\"{name}\"', {value}, {str(called).lower()})" for name, value, called in positions)
    return deletes, seeded, f"SELECT {setvals}" if setvals else ""


@functools.cache
def _fingerprint_for(url: str) -> str:
    return _schema_fingerprint()


def fresh_postgres() -> None:
    """Every PostgreSQL test starts from the models' schema as create_all leaves it (seeded rows
    only, sequences where they were). Dropping and recreating the schema costs ~0.3 s a test;
    putting back the state of a schema this function built costs a few ms (DELETE, not TRUNCATE,
    which makes new files for every table: measured DELETE 2-8 ms, TRUNCATE 70-130 ms, DROP
    SCHEMA + create_all 230-340 ms). A mark table holds the schema's fingerprint: anything else
    that rebuilt the schema (the migration tests) dropped the mark with it, so the next test
    builds afresh."""
    global _EMPTY_TABLES
    fingerprint = _fingerprint_for(str(db.engine.url))
    with db.engine.begin() as connection:
        marked = connection.execute(text(
            "SELECT to_regclass(:mark) IS NOT NULL"), {"mark": f"public.{_SCHEMA_MARK}"}).scalar()
        if _EMPTY_TABLES and marked and connection.execute(
                text(f"SELECT fingerprint FROM {_SCHEMA_MARK}")).scalar() == fingerprint:
            deletes, seeded, setvals = _EMPTY_TABLES
            connection.exec_driver_sql(deletes)
            for table, rows in seeded:
                connection.execute(table.insert(), rows)
            if setvals:
                connection.exec_driver_sql(setvals)
            return
    reset_postgres()
    db.create_all()
    _EMPTY_TABLES = _as_built()
    with db.engine.begin() as connection:
        connection.execute(text(f"CREATE TABLE {_SCHEMA_MARK} (fingerprint text NOT NULL)"))
        connection.execute(text(f"INSERT INTO {_SCHEMA_MARK} VALUES (:f)"), {"f": fingerprint})


@pytest.fixture(params=DATABASES)
def database_kind(request):
    return request.param


@pytest.fixture
def app(database_kind):
    app = build_app(database_kind)
    ctx = app.app_context()
    ctx.push()
    yield app
    db.session.remove()
    ctx.pop()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


CSRF_PATTERN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def csrf_token_from(html: str) -> str:
    match = CSRF_PATTERN.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1) or match.group(2)


class AuthActions:
    """Sign-up / login / logout through the real forms, CSRF token included."""

    def __init__(self, client):
        self._client = client

    def token(self, path: str = "/login") -> str:
        return csrf_token_from(self._client.get(path, follow_redirects=True).get_data(as_text=True))

    def login(self, login: str = "user1", password: str = factories.DEFAULT_PASSWORD, remember: bool = False):
        data = {"login": login, "password": password, "csrf_token": self.token("/login")}
        if remember:
            data["remember"] = "y"
        return self._client.post("/login", data=data)

    def register(self, username="newbie", email="newbie@example.com", password="a quiet morning 42",
                 confirm=None, timezone="Europe/Berlin"):
        return self._client.post("/register", data={
            "username": username, "email": email, "password": password,
            "confirm": password if confirm is None else confirm, "timezone": timezone,
            "csrf_token": self.token("/register")})

    def logout(self):
        return self._client.post("/logout", data={"csrf_token": self.token("/")})


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def make_user(app):
    return factories.make_user


@pytest.fixture
def make_guest(app):
    return factories.make_guest


# ---------------------------------------------------------------- live servers and browsers

@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """One real server per test module (SQLite file), with the ticker running like in production."""
    tmp_path = tmp_path_factory.mktemp("live")
    app = build_app("sqlite", tmp_path, RUN_TICKER=True, LOGIN_RATE_LIMIT="1000 per minute",
                    SIGNUP_RATE_LIMIT="1000 per minute")
    server = LiveServer(app).start()
    yield server
    server.stop()
    from webapp import lifecycle
    lifecycle.shutdown(app)


CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": "/usr/bin/chromium", "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "timezone_id": "Europe/Berlin", "locale": "en-GB"}


# ---------------------------------------------------------------- API clients (focus log API tests)

class BearerClient:
    """The test client with a user's Bearer token on every request: api.post(path, json=...)."""

    def __init__(self, client, raw_token: str):
        self.client, self.headers = client, {"Authorization": f"Bearer {raw_token}"}

    def __getattr__(self, method):
        def call(path, **kwargs):
            return getattr(self.client, method)(path, headers=self.headers, **kwargs)
        return call


@pytest.fixture
def bearer(client):
    """bearer(user) -> a BearerClient holding a fresh API token of that user."""
    from webapp.accounts.tokens import issue_token
    return lambda user: BearerClient(client, issue_token(user)[1])


# ---------------------------------------------------------------- rooms

@pytest.fixture
def make_room(app):
    """make_room(host, **settings) -> a live room created through the rooms service."""
    from webapp.models import utcnow
    from webapp.rooms import services

    def build(host, now=None, **settings):
        settings.setdefault("name", "Test room")
        return services.create_room(host, settings, now or utcnow())
    return build


@pytest.fixture
def signed_in(app):
    """signed_in(user) -> a new test client signed in as that user (password users only)."""
    def build(user):
        other = app.test_client()
        AuthActions(other).login(user.username)
        return other
    return build
