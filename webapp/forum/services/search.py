"""Full-text search over post titles and bodies: the same contract on SQLite and PostgreSQL.

Input: words (all must match), "quoted phrases", -excluded words, and OR between alternatives
(the websearch_to_tsquery syntax). Output: hits by relevance, each with the title and a snippet
of the body where matched words are wrapped in <mark> and everything else is escaped.
Any input is safe: on SQLite every user term is quoted before it reaches FTS5's MATCH.

Relevance is ranked among the RANK_WINDOW newest matching posts (5,000). A word found in most of a
million posts would otherwise have every match scored for each search (about a second); for a
forum, the best of the newest few thousand is also the more useful answer. Rarer terms, which
have fewer matches than the window, are ranked over all of them. (FTS5's bm25 still reads the
whole doclist of each term once per query to weigh it: ~20 ms for a word in 1M posts.)

On SQLite, a query whose matches fill the window with more than half of the newest posts is
answered newest first without bm25: each of its words is then in more than half the posts, where
bm25's IDF is zero (FTS5 clamps it to 1e-6), so the word says nothing about relevance, and reading
its doclist to find that out was the whole cost of such a search.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from markupsafe import Markup, escape
from sqlalchemy import select, text

from ...extensions import db
from ...models import Post
from ..search_ddl import FTS_TABLE, PG_COLUMN
from ..text import clean_line

PAGE_SIZE = 20
MAX_PAGES = 25
QUERY_MAX = 200
RANK_WINDOW = 5000
START, STOP = "\x02", "\x03"  # never in stored text (clean_text removes C0 controls)
_TERM = re.compile(r'(-?)"([^"]*)"?|(-?)([^\s"]+)')


@dataclass
class Hit:
    post: Post
    title_html: Markup
    snippet_html: Markup


def normalise_query(raw: str | None) -> str:
    return clean_line(raw)[:QUERY_MAX]


def fts5_expression(query: str) -> str | None:
    """A MATCH expression with every user term quoted; None when nothing can match."""
    positives: list[list[str]] = []
    negatives: list[str] = []
    join_with_previous = False
    for match in _TERM.finditer(query):
        negated = bool(match.group(1) or match.group(3))
        words = match.group(2) if match.group(2) is not None else match.group(4)
        if match.group(4) is not None and words.lower() == "or" and not negated:
            join_with_previous = bool(positives)
            continue
        if not re.search(r"\w", words):
            continue
        term = '"' + words.replace('"', '""') + '"'
        if negated:
            negatives.append(term)
        elif join_with_previous:
            positives[-1].append(term)
        else:
            positives.append([term])
        join_with_previous = False
    if not positives:
        return None
    groups = [group[0] if len(group) == 1 else "(" + " OR ".join(group) + ")" for group in positives]
    return " AND ".join(groups) + "".join(f" NOT {term}" for term in negatives)


_MD_LINK = re.compile(r"\[([^\]\n]*)\]\([^)\s]*\)?")
_MD_LINE_MARK = re.compile(r"(^|\n)\s*(?:>\s*|#{1,6}\s+)")
_MD_EMPHASIS = re.compile(r"\*{1,3}|~~|`+|(?<![\w\x02\x03])_{1,3}|_{1,3}(?![\w\x02\x03])")


def plain_snippet(raw: str | None) -> str:
    """A body snippet reads as text, not Markdown source: link targets, emphasis marks, quote and
    heading markers go (the index holds the Markdown a person typed)."""
    text = _MD_LINK.sub(r"\1", raw or "")
    text = _MD_LINE_MARK.sub(r"\1", text)
    return _MD_EMPHASIS.sub("", text)


def marked(raw: str | None) -> Markup:
    """Escape the text, then turn the sentinels the database put around matches into <mark>."""
    safe = str(escape(raw or ""))
    return Markup(safe.replace(START, "<mark>").replace(STOP, "</mark>"))


def search(query: str, category_id: int | None = None, author_id: int | None = None, page: int = 1,
           limit: int = PAGE_SIZE) -> list[Hit]:
    """Visible posts matching `query`, most relevant first (limit + 1 rows tell of a next page)."""
    query = normalise_query(query)
    page = min(max(page, 1), MAX_PAGES)
    filters, params = ["p.deleted_at IS NULL", "p.hidden_at IS NULL"], {
        "limit": limit + 1, "offset": (page - 1) * limit, "start": START, "stop": STOP, "window": RANK_WINDOW}
    if category_id is not None:
        filters.append("p.category_id = :category_id")
        params["category_id"] = category_id
    if author_id is not None:
        filters.append("p.author_id = :author_id")
        params["author_id"] = author_id
    if db.engine.dialect.name == "postgresql":
        rows = _postgres(query, filters, params)
    else:
        rows = _sqlite(query, filters, params)
    posts = {post.id: post for post in db.session.execute(
        select(Post).where(Post.id.in_([row[0] for row in rows]))).scalars()}
    return [Hit(posts[post_id], marked(title), marked(plain_snippet(snippet))) for post_id, title, snippet in rows
            if post_id in posts]


def _sqlite(query: str, filters: list[str], params: dict) -> list[tuple]:
    expression = fts5_expression(query)
    if expression is None:
        return []
    # The index holds visible posts only; the posts table is joined for category/author alone.
    filters = [condition for condition in filters if condition.startswith(("p.category_id", "p.author_id"))]
    join = f"JOIN forum_posts AS p ON p.id = {FTS_TABLE}.rowid" if filters else ""
    matching = f"FROM {FTS_TABLE} {join} WHERE {FTS_TABLE} MATCH :match" + "".join(f" AND {f}" for f in filters)
    params = {**params, "match": expression}
    # FTS5 walks a term's doclist in rowid order without scoring, so finding the window is cheap.
    oldest = db.session.execute(text(f"""SELECT {FTS_TABLE}.rowid {matching}
        ORDER BY {FTS_TABLE}.rowid DESC LIMIT 1 OFFSET :window - 1"""), params).scalar()
    order = f"bm25({FTS_TABLE}, 4.0, 1.0), {FTS_TABLE}.rowid DESC"
    if oldest is not None and _matches_most_posts(oldest, params["window"]):
        order = f"{FTS_TABLE}.rowid DESC"
    ranked = [row[0] for row in db.session.execute(text(f"""
        SELECT {FTS_TABLE}.rowid {matching} AND {FTS_TABLE}.rowid >= :oldest
        ORDER BY {order} LIMIT :limit OFFSET :offset"""), {**params, "oldest": oldest or 0})]
    if not ranked:
        return []
    # Highlights only for the page's rows: in the ranking query SQLite would make one for every match.
    marks = {row[0]: row for row in db.session.execute(text(f"""
        SELECT rowid, highlight({FTS_TABLE}, 0, :start, :stop), snippet({FTS_TABLE}, 1, :start, :stop, '…', 24)
        FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :match AND rowid IN ({", ".join(map(str, ranked))})"""),
        {"start": params["start"], "stop": params["stop"], "match": expression})}
    return [tuple(marks[post_id]) for post_id in ranked if post_id in marks]


def _matches_most_posts(oldest: int, window: int) -> bool:
    """The window's `window` matches lie among the newest posts since `oldest`: more than half?"""
    newest = db.session.execute(text("SELECT max(id) FROM forum_posts")).scalar() or 0
    return window * 2 > newest - oldest + 1


def _postgres(query: str, filters: list[str], params: dict) -> list[tuple]:
    if not re.search(r"\w", query):
        return []
    options = ("StartSel={start}, StopSel={stop}, MaxWords=30, MinWords=12, MaxFragments=2, "
               "FragmentDelimiter=\" … \"").format(start=START, stop=STOP)
    # The tsquery is written out (not a CTE) so the planner sees the words: for a word in most
    # posts it walks the primary key backwards and stops at the window, for a rare one it uses GIN.
    tsquery = "websearch_to_tsquery('english', :query)"
    sql = text(f"""
        WITH recent AS (
            SELECT p.id, p.{PG_COLUMN} AS vector FROM forum_posts AS p
            WHERE p.{PG_COLUMN} @@ {tsquery} AND {' AND '.join(filters)}
            ORDER BY p.id DESC LIMIT :window),
        hits AS (
            SELECT recent.id, ts_rank(recent.vector, {tsquery}) AS rank FROM recent
            ORDER BY rank DESC, recent.id DESC LIMIT :limit OFFSET :offset)
        SELECT p.id, ts_headline('english', p.title, {tsquery}, :title_options),
               ts_headline('english', p.body, {tsquery}, :options)
        FROM hits JOIN forum_posts AS p ON p.id = hits.id
        ORDER BY hits.rank DESC, p.id DESC""")
    title_options = f"StartSel={START}, StopSel={STOP}, HighlightAll=true"
    params = {**params, "query": query, "options": options, "title_options": title_options}
    return [tuple(row) for row in db.session.execute(sql, params)]
