"""Search (FTS5 / tsvector) and the forum JSON API, on SQLite and PostgreSQL."""
from datetime import timedelta

import pytest

from webapp.extensions import db
from webapp.forum.services import comments, moderation, posts, search
from webapp.models import Post, utcnow


@pytest.fixture
def author(make_user):
    return make_user("ann", created_at=utcnow() - timedelta(days=3))


def make_posts(author):
    made = {
        "thesis": posts.create_post(author, "writing", "Thesis chapter plan",
                                    "Writing my thesis every morning, two pomodoros before breakfast.", utcnow()),
        "routine": posts.create_post(author, "study", "Morning routine",
                                     "A deep work routine: tea, then the library. Thesis later.", utcnow()),
        "other": posts.create_post(author, "tips", "Tea or coffee",
                                   "Coffee helps me <b>focus</b> on exams.", utcnow()),
    }
    return made


def test_search_ranks_by_relevance_and_highlights_matches(client, author):
    made = make_posts(author)
    hits = search.search("thesis")
    assert [hit.post.id for hit in hits] == [made["thesis"].id, made["routine"].id]
    assert "<mark>" in str(hits[0].title_html) and "<mark>" in str(hits[0].snippet_html)
    page = client.get("/community/search?q=thesis").get_data(as_text=True)
    assert "Thesis</mark> chapter plan" in page


def test_a_word_in_most_posts_answers_newest_first_on_sqlite(author, monkeypatch, database_kind):
    """bm25 gives a word found in more than half the posts no weight; SQLite skips it then."""
    monkeypatch.setattr(search, "RANK_WINDOW", 3)
    older = [posts.create_post(author, "study", f"Note {n}", "Some focus, in passing, today.", utcnow())
             for n in range(3)]
    titled = posts.create_post(author, "study", "Focus focus focus", "Focus on one thing at a time.", utcnow())
    newest = posts.create_post(author, "study", "Later", "A little focus again.", utcnow())
    ids = [hit.post.id for hit in search.search("focus")]
    if database_kind == "sqlite":  # every post has it: the newest three, newest first
        assert ids == [newest.id, titled.id, older[-1].id]
    else:  # PostgreSQL ranks its window with ts_rank (cheap there): the title match leads
        assert ids[0] == titled.id and set(ids) == {newest.id, titled.id, older[-1].id}


def test_phrases_exclusions_and_filters(author, make_user):
    made = make_posts(author)
    assert [h.post.id for h in search.search('"deep work"')] == [made["routine"].id]
    assert [h.post.id for h in search.search("thesis -library")] == [made["thesis"].id]
    assert [h.post.id for h in search.search("thesis", category_id=posts.find_category("study").id)] == \
        [made["routine"].id]
    assert search.search("thesis", author_id=make_user("bob").id) == []


def test_snippets_escape_the_stored_text(author):
    make_posts(author)
    snippet = str(search.search("coffee")[0].snippet_html)
    # SQLite keeps the tag as escaped text; PostgreSQL's headline parser drops tags: both inert.
    assert "<b>" not in snippet and "focus" in snippet and "<mark>Coffee</mark>" in snippet


@pytest.mark.parametrize("query", ['"', '"unbalanced', "AND", "OR OR", "NOT x", "*", "(((", "a:b", "-", "^x",
                                   "NEAR(a b)", "'; DROP TABLE forum_posts; --", "\x00", "é" * 300, "\u202e"])
def test_any_input_is_safe(client, author, query):
    make_posts(author)
    response = client.get("/community/search", query_string={"q": query})
    assert response.status_code == 200
    assert db.session.query(Post).count() == 3


def test_hidden_and_deleted_posts_are_not_found_and_edits_are(author, make_user):
    made = make_posts(author)
    moderator = make_user("mod", role="moderator")
    posts.delete_post(author, made["thesis"].id, utcnow())
    posts.edit_post(author, made["other"].id, utcnow(), body="Now about my thesis too.")
    assert {h.post.id for h in search.search("thesis")} == {made["routine"].id, made["other"].id}
    moderation.set_hidden(moderator, "post", made["routine"].id, True, utcnow())
    assert {h.post.id for h in search.search("thesis")} == {made["other"].id}
    moderation.set_hidden(moderator, "post", made["routine"].id, False, utcnow())
    moderation.set_hidden(moderator, "post", made["thesis"].id, False, utcnow())  # restores a deletion too
    assert {h.post.id for h in search.search("thesis")} == {made["thesis"].id, made["routine"].id, made["other"].id}
    assert search.search("exams") == []  # the edit replaced the old words in the index


# ---------------------------------------------------------------- API

def test_api_writes_need_a_token_and_reads_do_not(client, author, bearer):
    assert client.post("/api/v1/forum/posts", json={"category": "study"}).status_code == 401
    api = bearer(author)
    created = api.post("/api/v1/forum/posts", json={"category": "study", "title": "From the API", "body": "*hi*"})
    assert created.status_code == 201 and created.json["body_html"] == "<p><em>hi</em></p>\n"
    listed = client.get("/api/v1/forum/posts?category=study").json
    assert [p["title"] for p in listed["posts"]] == ["From the API"] and listed["next"] is None


def test_api_errors_follow_the_contract(client, author, bearer, make_user):
    api = bearer(author)
    assert api.post("/api/v1/forum/posts", data="not json", content_type="application/json").status_code == 400
    bad = api.post("/api/v1/forum/posts", json={"category": "nope", "title": "x", "body": 5})
    assert bad.status_code == 422 and set(bad.json["fields"]) == {"body"}
    bad = api.post("/api/v1/forum/posts", json={"category": "nope", "title": "x", "body": ""})
    assert bad.status_code == 422 and set(bad.json["fields"]) == {"category", "title", "body"}
    assert client.get("/api/v1/forum/posts?limit=0").status_code == 422
    bad_cursor = client.get("/api/v1/forum/posts?cursor=zzz")
    assert bad_cursor.status_code == 422 and list(bad_cursor.json["fields"]) == ["cursor"]
    assert client.get("/api/v1/forum/posts?colour=red").status_code == 422
    assert client.get("/api/v1/forum/posts/999").status_code == 404
    post = posts.create_post(author, "study", "Mine", "body", utcnow())
    other = bearer(make_user("eve", created_at=utcnow() - timedelta(days=3)))
    assert other.patch(f"/api/v1/forum/posts/{post.id}", json={"title": "Hijacked"}).status_code == 403
    assert other.delete(f"/api/v1/forum/posts/{post.id}").status_code == 403


def test_api_keyset_pages_with_limit_and_cursor(client, author):
    for n in range(5):
        posts.create_post(author, "study", f"Post {n}", "body", utcnow())
    first = client.get("/api/v1/forum/posts?limit=2").json
    second = client.get(f"/api/v1/forum/posts?limit=2&cursor={first['next']}").json
    third = client.get(f"/api/v1/forum/posts?limit=2&cursor={second['next']}").json
    titles = [p["title"] for page in (first, second, third) for p in page["posts"]]
    assert titles == [f"Post {n}" for n in (4, 3, 2, 1, 0)] and third["next"] is None


def test_api_comments_likes_and_locks(client, author, bearer, make_user):
    api = bearer(author)
    post = posts.create_post(author, "study", "Thread", "body", utcnow())
    top = api.post(f"/api/v1/forum/posts/{post.id}/comments", json={"body": "top"})
    assert top.status_code == 201
    reply = api.post(f"/api/v1/forum/posts/{post.id}/comments", json={"body": "nested", "parent_id": top.json["id"]})
    assert reply.status_code == 201 and reply.json["parent_id"] == top.json["id"]
    assert api.post(f"/api/v1/forum/posts/{post.id}/comments", json={"body": "x", "parent_id": 999999}
                    ).status_code == 422
    assert api.post(f"/api/v1/forum/posts/{post.id}/like").json == {"liked": True, "likes": 1}
    assert api.post(f"/api/v1/forum/posts/{post.id}/like").json == {"liked": True, "likes": 1}
    assert api.delete(f"/api/v1/forum/posts/{post.id}/like").json == {"liked": False, "likes": 0}
    assert api.post(f"/api/v1/forum/comments/{top.json['id']}/like").json["likes"] == 1
    assert api.patch(f"/api/v1/forum/comments/{top.json['id']}", json={"body": "edited"}).json["edited_at"]
    assert api.delete(f"/api/v1/forum/comments/{top.json['id']}").status_code == 204
    listed = client.get(f"/api/v1/forum/posts/{post.id}/comments").json["comments"]
    assert [(c["body"], c["deleted"]) for c in listed] == [("nested", False), (None, True)]
    db.session.get(Post, post.id).locked = True
    db.session.commit()
    assert api.post(f"/api/v1/forum/posts/{post.id}/comments", json={"body": "late"}).status_code == 409


def test_api_search_has_highlights_and_a_page_cursor(client, author):
    make_posts(author)
    found = client.get("/api/v1/forum/posts?q=thesis&limit=1").json
    assert "<mark>" in found["posts"][0]["snippet_html"] and found["next"] == "2"
    assert client.get(f"/api/v1/forum/posts?q=thesis&limit=1&cursor={found['next']}").json["next"] is None
    assert client.get('/api/v1/forum/posts?q="').status_code == 200


def test_api_comment_limit_applies_to_new_accounts(client, bearer, make_user):
    newcomer = make_user("fresh")
    post = posts.create_post(newcomer, "study", "Mine", "body", utcnow())
    api = bearer(newcomer)
    statuses = [api.post(f"/api/v1/forum/posts/{post.id}/comments", json={"body": f"c{n}"}).status_code
                for n in range(21)]
    assert statuses.count(201) == 20 and statuses[-1] == 429
    assert "new accounts" in api.post(f"/api/v1/forum/posts/{post.id}/comments", json={"body": "x"}).json["error"]
    assert len(comments.comment_list(newcomer, post, limit=100).items) == 20


def test_relevance_is_ranked_among_the_newest_matches(author, monkeypatch):
    best = posts.create_post(author, "study", "Focus focus focus", "focus focus focus focus", utcnow())
    newer = [posts.create_post(author, "study", f"Note {n}", "a little focus today", utcnow()) for n in range(3)]
    assert search.search("focus")[0].post.id == best.id
    monkeypatch.setattr(search, "RANK_WINDOW", 3)
    assert {hit.post.id for hit in search.search("focus")} == {post.id for post in newer}


def test_snippets_read_as_text_not_markdown_and_the_search_page_has_one_search_box(client, author):
    posts.create_post(author, "study", "Reading list",
                      "My **reading** plan:\n\n> _Slow_ reading wins.\n\nSee [the list](https://example.com/list) "
                      "and `notes.md` for the reading order.", utcnow())
    snippet = str(search.search("reading")[0].snippet_html)
    for source in ("**", "_Slow_", "&gt;", "](", "https://example.com", "`"):
        assert source not in snippet, (source, snippet)
    assert "the list" in snippet and "<mark>reading</mark>" in snippet.lower()
    page = client.get("/community/search?q=reading").get_data(as_text=True)
    assert page.count('type="search"') == 1
