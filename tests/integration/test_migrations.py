"""Upgrading an empty database gives exactly the schema of the models, on SQLite and PostgreSQL."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from tests.conftest import database_overrides, reset_postgres
from webapp import create_app
from webapp.config import TestConfig
from webapp.extensions import db
from webapp.forum import search_ddl


def test_migrations_match_the_models(database_kind, tmp_path):
    app = create_app(TestConfig, database_overrides(database_kind, tmp_path))
    with app.app_context():
        if database_kind == "postgresql":
            reset_postgres()
        upgrade(directory="migrations")
        with db.engine.connect() as connection:
            # The search objects (FTS5 table, GIN index) are not in metadata: compared apart below.
            context = MigrationContext.configure(connection, opts={"compare_type": True,
                                                                   "include_name": search_ddl.include_name})
            differences = compare_metadata(context, db.metadata)
            search_objects = _search_objects(connection, database_kind)
        db.engine.dispose()
    assert differences == []
    assert search_objects == _search_objects_of_create_all(database_kind)


def _search_objects(connection, kind) -> set[str]:
    from sqlalchemy import text
    if kind == "sqlite":
        query = "SELECT type || ' ' || name FROM sqlite_master WHERE name LIKE 'forum_posts_fts%'"
    else:
        query = ("SELECT 'index ' || indexname || ': ' || indexdef FROM pg_indexes WHERE indexname = 'ix_forum_posts_search' "
                 "UNION SELECT 'column ' || column_name || ' ' || data_type || ' ' || is_generated "
                 "FROM information_schema.columns WHERE table_name = 'forum_posts' AND column_name = 'search_vector'")
    return set(connection.execute(text(query)).scalars())


def _search_objects_of_create_all(kind) -> set[str]:
    from tests.conftest import build_app
    import tempfile
    from pathlib import Path
    app = build_app(kind, Path(tempfile.mkdtemp()))
    with app.app_context(), db.engine.connect() as connection:
        found = _search_objects(connection, kind)
    with app.app_context():
        db.engine.dispose()
    assert found, "create_all made no search objects"
    return found
