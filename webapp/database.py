"""Database binding and the per-connection settings SQLite and PostgreSQL need for a web server."""
from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from .extensions import db


def init_app(app: Flask) -> None:
    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            _configure_sqlite(db.engine)
        elif db.engine.dialect.name == "postgresql":
            _configure_postgresql(db.engine)


def _configure_postgresql(engine: Engine) -> None:
    # No JIT compilation. PostgreSQL compiles a query whose *estimated* cost passes jit_above_cost
    # (100,000), and at full size (5M sessions) the estimates of subqueries that usually never run
    # pass it: the read of a recorded session's unlock detection (achievements/recorded.py)
    # spent 40-85 ms compiling for 1 ms of execution, and the together metrics alone did the same
    # whenever someone shared the phase. Our queries are short index reads; JIT never pays here.
    # A SET on each new connection (not the startup "options" parameter, which PgBouncer refuses).
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("SET jit = off")
        cursor.close()
        dbapi_connection.commit()


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
