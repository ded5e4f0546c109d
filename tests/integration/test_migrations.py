"""Upgrading an empty database gives exactly the schema of the models, on SQLite and PostgreSQL."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from tests.conftest import database_overrides, reset_postgres
from webapp import create_app
from webapp.config import TestConfig
from webapp.extensions import db


def test_migrations_match_the_models(database_kind, tmp_path):
    app = create_app(TestConfig, database_overrides(database_kind, tmp_path))
    with app.app_context():
        if database_kind == "postgresql":
            reset_postgres()
        upgrade(directory="migrations")
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
        db.engine.dispose()
    assert differences == []
