"""Search objects that metadata cannot describe, created with `forum_posts` (create_all) and by
the 0005_forum migration, and kept out of autogenerate's comparison by name.

SQLite: an FTS5 table with external content (the text lives once, in forum_posts) kept in sync
by triggers, so a post and its index row always commit together. PostgreSQL: a stored generated
tsvector column (weighted title and body) with a partial GIN index; queries must repeat the
visibility predicate to use it. Both index visible posts only.
"""
from sqlalchemy import event, insert, text

from ..models import Category, Post
from ..models.forum import SEED_CATEGORIES

FTS_TABLE = "forum_posts_fts"
PG_INDEX = "ix_forum_posts_search"
PG_COLUMN = "search_vector"
# Stored, so ranking and the filter of a top-N-by-id scan read it instead of parsing the text again.
SEARCH_VECTOR = ("(setweight(to_tsvector('english', title), 'A') || "
                 "setweight(to_tsvector('english', body), 'B'))")

VISIBLE = "{row}.deleted_at IS NULL AND {row}.hidden_at IS NULL"
_DELETE_OLD = (f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, body) "
               f"SELECT 'delete', old.id, old.title, old.body WHERE {VISIBLE.format(row='old')};")
_INSERT_NEW = (f"INSERT INTO {FTS_TABLE}(rowid, title, body) "
               f"SELECT new.id, new.title, new.body WHERE {VISIBLE.format(row='new')};")
# Only visible posts are indexed (deleting or hiding one takes it out, restoring puts it back),
# so a search needs no look-up in forum_posts to drop them. Never run FTS5's 'rebuild' on a
# database with deleted or hidden posts: it would index every row.
SQLITE_CREATE = [
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(title, body, content='forum_posts', content_rowid='id', "
    "tokenize='porter unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER {FTS_TABLE}_ai AFTER INSERT ON forum_posts BEGIN {_INSERT_NEW} END",
    f"CREATE TRIGGER {FTS_TABLE}_ad AFTER DELETE ON forum_posts BEGIN {_DELETE_OLD} END",
    f"CREATE TRIGGER {FTS_TABLE}_au AFTER UPDATE OF title, body, deleted_at, hidden_at ON forum_posts BEGIN "
    f"{_DELETE_OLD} {_INSERT_NEW} END",
]
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS {FTS_TABLE}_{suffix}" for suffix in ("ai", "ad", "au")] + [
    f"DROP TABLE IF EXISTS {FTS_TABLE}"]
POSTGRES_CREATE = [
    f"ALTER TABLE forum_posts ADD COLUMN {PG_COLUMN} tsvector GENERATED ALWAYS AS {SEARCH_VECTOR} STORED",
    f"CREATE INDEX {PG_INDEX} ON forum_posts USING gin ({PG_COLUMN}) WHERE {VISIBLE.format(row='forum_posts')}",
]
POSTGRES_DROP = [f"DROP INDEX IF EXISTS {PG_INDEX}", f"ALTER TABLE forum_posts DROP COLUMN IF EXISTS {PG_COLUMN}"]


def statements(dialect: str, create: bool = True) -> list[str]:
    if dialect == "sqlite":
        return SQLITE_CREATE if create else SQLITE_DROP
    if dialect == "postgresql":
        return POSTGRES_CREATE if create else POSTGRES_DROP
    return []


def is_search_object(name: str | None) -> bool:
    """True for the FTS5 table, its shadow tables, the tsvector column and its GIN index."""
    return bool(name) and (name in (PG_INDEX, PG_COLUMN) or name.startswith(FTS_TABLE))


def include_name(name, type_, parent_names) -> bool:
    """Alembic `include_name` hook: compare everything except the search objects."""
    return not is_search_object(name)


def seed_rows() -> list[dict]:
    return [{"slug": slug, "name": name, "position": position}
            for position, (slug, name) in enumerate(SEED_CATEGORIES, start=1)]


def _create_search(target, connection, **_):
    for statement in statements(connection.dialect.name):
        connection.execute(text(statement))


def _drop_search(target, connection, **_):
    for statement in statements(connection.dialect.name, create=False):
        connection.execute(text(statement))


def _seed_categories(target, connection, **_):
    from ..models.types import utcnow
    connection.execute(insert(target), [{**row, "created_at": utcnow()} for row in seed_rows()])


event.listen(Post.__table__, "after_create", _create_search)
event.listen(Post.__table__, "before_drop", _drop_search)
event.listen(Category.__table__, "after_create", _seed_categories)
