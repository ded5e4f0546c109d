"""Benchmark: the community forum with many posts (SQLite by default, PostgreSQL with --database-url).

Builds N posts (default 1,000,000; --posts to change) with generated text whose words follow a
Zipf distribution over a 20,000-word vocabulary (like real prose: a few words everywhere, most
words rare), a 500-comment thread, then times through the service and Flask's test client:
  - search top-20 for a mid-frequency term (~0.5 % of posts) and for the most common term
    (goal <= 25 ms),
  - a category page, full request (goal <= 30 ms),
  - the post page of the thread with 500 comments, full request (goal <= 100 ms).
Prints one line per measurement, then one JSON line last. Medians of --repeat runs (warm).
Run: .venv/bin/python bench/forum.py [--posts 200000] [--database-url postgresql+psycopg://...]
     [--keep path.sqlite3: build there, or reuse it when it exists (same --posts and --seed)]
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from sqlalchemy import insert, text  # noqa: E402

from webapp import create_app  # noqa: E402
from webapp.config import TestConfig  # noqa: E402
from webapp.extensions import db  # noqa: E402
from webapp.forum import search_ddl  # noqa: E402
from webapp.forum.markdown import render_markdown  # noqa: E402
from webapp.forum.services import search  # noqa: E402
from webapp.models import Comment, Post, User, utcnow  # noqa: E402

SYLLABLES = ["ka", "lo", "mi", "ren", "ta", "sho", "vi", "del", "ar", "po", "nu", "ex", "bri", "zen", "ol",
             "qua", "ti", "mer", "sa", "gon", "lu", "fi", "dra", "ke"]
VOCABULARY = 20_000
BATCH = 20_000


def vocabulary(rng: random.Random) -> list[str]:
    words, seen = [], set()
    while len(words) < VOCABULARY:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.choice((2, 2, 3, 3, 4))))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


def zipf_sampler(words: list[str], rng: random.Random, exponent: float = 1.07):
    cumulative, total = [], 0.0
    for rank in range(1, len(words) + 1):
        total += 1 / rank ** exponent
        cumulative.append(total)
    return lambda k: rng.choices(words, cum_weights=cumulative, k=k)


def build(app, posts: int, rng: random.Random) -> dict:
    words = vocabulary(rng)
    sample = zipf_sampler(words, rng)
    now = utcnow()
    with app.app_context():
        dialect = db.engine.dialect.name
        db.session.execute(insert(User), [{"username": f"u{n}", "display_name": f"User {n}", "bio": "",
                                           "timezone": "UTC", "is_guest": False, "role": "member",
                                           "created_at": now - timedelta(days=400)} for n in range(1000)])
        db.session.commit()
        # Bulk load without the search objects, then build them once (what a restore would do).
        for statement in search_ddl.statements(dialect, create=False):
            db.session.execute(text(statement))
        db.session.commit()
        started = time.perf_counter()
        for first in range(0, posts, BATCH):
            rows = []
            for n in range(first, min(first + BATCH, posts)):
                title = " ".join(sample(rng.randint(4, 9))).capitalize()
                body = " ".join(sample(rng.randint(25, 120)))
                moment = now - timedelta(seconds=rng.randint(0, 365 * 86400))
                rows.append({"category_id": rng.randint(1, 6), "author_id": rng.randint(1, 1000), "title": title,
                             "body": body, "body_html": f"<p>{body}</p>", "created_at": moment,
                             "last_activity_at": moment, "pinned": False, "locked": False})
            db.session.execute(insert(Post), rows)
            db.session.commit()
        loaded = time.perf_counter() - started
        for statement in search_ddl.statements(dialect):
            db.session.execute(text(statement))
        if dialect == "sqlite":
            db.session.execute(text(f"INSERT INTO {search_ddl.FTS_TABLE}({search_ddl.FTS_TABLE}) VALUES ('rebuild')"))
        else:
            db.session.execute(text("ANALYZE"))
        db.session.commit()
        indexed = time.perf_counter() - started - loaded
        thread_id = _thread(rng, sample, now)
    return {"words": words, "thread_id": thread_id, "load_s": round(loaded, 1), "index_s": round(indexed, 1)}


def _thread(rng, sample, now) -> int:
    post = Post(category_id=1, author_id=1, title="A very long thread", body="Talk here.",
                body_html=render_markdown("Talk here."), created_at=now, last_activity_at=now)
    db.session.add(post)
    db.session.commit()
    ids: list[int] = []
    for n in range(500):
        body = " ".join(sample(rng.randint(10, 60)))
        parent = rng.choice(ids) if ids and rng.random() < 0.7 else None
        comment = Comment(post_id=post.id, parent_id=parent, author_id=rng.randint(1, 1000), body=body,
                          body_html=render_markdown(body), created_at=now + timedelta(seconds=n))
        db.session.add(comment)
        db.session.flush()
        ids.append(comment.id)
    db.session.commit()
    return post.id


def document_frequency(app, word: str) -> int:
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            query = f"SELECT count(*) FROM {search_ddl.FTS_TABLE} WHERE {search_ddl.FTS_TABLE} MATCH :w"
            return db.session.execute(text(query), {"w": f'"{word}"'}).scalar()
        query = (f"SELECT count(*) FROM forum_posts WHERE deleted_at IS NULL AND hidden_at IS NULL "
                 f"AND {search_ddl.PG_COLUMN} @@ plainto_tsquery('english', :w)")  # the partial index
        return db.session.execute(text(query), {"w": word}).scalar()


CPU: dict[str, float] = {}


def timed(run, repeat: int, label: str = "") -> float:
    """Median wall ms; the median CPU ms of this process (client and app) goes to CPU[label],
    since other load on a shared machine inflates wall times but not CPU time."""
    run()  # warm
    samples, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        run()
        samples.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    CPU[label] = round(statistics.median(cpu), 1)
    return round(statistics.median(samples), 1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--database-url", help="PostgreSQL URL (its public schema is dropped!); default a temp SQLite file")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--keep", help="SQLite file to build, or to reuse when it exists")
    parser.add_argument("--reuse", action="store_true", help="measure the database as it is (built before)")
    parser.add_argument("--mid-word", help="the mid-frequency word to search (found by scanning when not given)")
    args = parser.parse_args()
    reuse = args.reuse or bool(args.keep and os.path.exists(args.keep))
    url = args.database_url or f"sqlite:///{args.keep or tempfile.mkdtemp() + '/forum-bench.sqlite3'}"
    app = create_app(TestConfig, {"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False})
    if reuse:
        with app.app_context():
            thread_id = db.session.execute(text("SELECT max(id) FROM forum_posts")).scalar()
        built = {"words": vocabulary(random.Random(args.seed)), "thread_id": thread_id, "load_s": None,
                 "index_s": None}
    else:
        with app.app_context():
            if db.engine.dialect.name == "postgresql":
                db.session.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
                db.session.commit()
            db.create_all()
        built = build(app, args.posts, random.Random(args.seed))
    print(f"built {args.posts:,} posts in {built['load_s']} s, search index in {built['index_s']} s")
    common = built["words"][0]
    # A mid-frequency word: the first one, going down the ranks, in about 0.5 % of posts or fewer.
    target = max(1, args.posts // 200)
    mid = args.mid_word or next(w for w in built["words"][20:] if document_frequency(app, w) <= target)
    results = {"database": url.split(":")[0], "posts": args.posts, "load_s": built["load_s"],
               "index_s": built["index_s"]}
    client = app.test_client()
    with app.app_context():
        for label, word in (("mid", mid), ("common", common)):
            hits = document_frequency(app, word)
            ms = timed(lambda: search.search(word), args.repeat, f"search_{label}")
            page_ms = timed(lambda: client.get(f"/community/search?q={word}"), args.repeat, f"search_{label}_page")
            print(f"search top-20, {label} term {word!r} ({hits:,} posts): {ms} ms, CPU {CPU[f'search_{label}']} ms "
                  f"(page {page_ms} ms, CPU {CPU[f'search_{label}_page']} ms)")
            results[f"search_{label}_ms"], results[f"search_{label}_page_ms"] = ms, page_ms
            results[f"search_{label}_hits"] = hits
        results["category_page_ms"] = timed(lambda: client.get("/community/c/study"), args.repeat, "category_page")
        print(f"category page: {results['category_page_ms']} ms, CPU {CPU['category_page']} ms")
        response = client.get(f"/community/p/{built['thread_id']}")
        assert response.status_code == 200 and response.get_data(as_text=True).count('class="comment ') == 500
        results["thread_500_ms"] = timed(lambda: client.get(f"/community/p/{built['thread_id']}"), args.repeat,
                                         "thread_500")
        print(f"thread with 500 comments: {results['thread_500_ms']} ms, CPU {CPU['thread_500']} ms")
        db.engine.dispose()
    results["goals_met"] = {"search": max(results["search_mid_ms"], results["search_common_ms"]) <= 25,
                            "category": results["category_page_ms"] <= 30, "thread": results["thread_500_ms"] <= 100}
    results["cpu_ms"] = CPU
    with open("/proc/loadavg") as loadavg:
        results["load_average"] = float(loadavg.read().split()[0])
    print(json.dumps(results))


if __name__ == "__main__":
    main()
