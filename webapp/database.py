"""Database binding and the per-connection settings SQLite needs for a web server."""
from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from .extensions import db


def init_app(app: Flask) -> None:
    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            _configure_sqlite(db.engine)


def _configure_sqlite(engine: Engine) -> None:
    # WAL lets readers run beside the writer; a busy timeout waits for the lock instead of
    # failing at once; foreign keys are off in SQLite unless asked for on each connection.
    # pysqlite's default transaction handling starts a transaction only at the first write
    # statement, so a write transaction takes the write lock at its first statement and the
    # "read, then upgrade to write" SQLITE_BUSY trap does not arise.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()
