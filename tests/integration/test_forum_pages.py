"""Community pages on SQLite and PostgreSQL: writing, threads, likes, permissions, moderation."""
import threading
from datetime import timedelta

import pytest

from tests.conftest import AuthActions, build_app, csrf_token_from
from tests.support.factories import make_user as build_user
from webapp.extensions import db
from webapp.forum.services import NotAllowed, comments, likes, posts
from webapp.models import Comment, Post, Report, utcnow


def old_user(make_user, name=None, **fields):
    """An account older than a day (the stricter new-account limits do not apply)."""
    return make_user(name, created_at=utcnow() - timedelta(days=3), **fields)


def write(client, path, **data):
    data["csrf_token"] = csrf_token_from(client.get("/community/").get_data(as_text=True))
    return client.post(path, data=data)


@pytest.fixture
def post_of(make_user):
    def build(author=None, title="Thesis writing routine", body="I write every **morning**.", category="study"):
        return posts.create_post(author or old_user(make_user), category, title, body, utcnow())
    return build


def test_community_is_in_the_nav_and_lists_seeded_categories(client):
    html = client.get("/community/").get_data(as_text=True)
    assert 'href="/community/"' in html
    for name in ("Study", "Work", "Writing", "Accountability", "Tips", "Off-topic"):
        assert name in html


def test_writing_a_post_renders_safe_markdown(client, make_user, signed_in):
    author = old_user(make_user)
    browser = signed_in(author)
    response = write(browser, "/community/new", category="writing", title="My <b>plan</b>",
                     body="**Bold** <script>alert(1)</script> [x](javascript:alert(1))")
    assert response.status_code == 302
    page = browser.get(response.headers["Location"]).get_data(as_text=True)
    assert "My &lt;b&gt;plan&lt;/b&gt;" in page and "<strong>Bold</strong>" in page
    assert "<script>alert" not in page and 'href="javascript' not in page


def test_bad_posts_get_messages_next_to_their_fields_and_nothing_is_written(client, make_user, signed_in):
    browser = signed_in(old_user(make_user))
    response = write(browser, "/community/new", category="nope", title="ab", body="   ")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="title-error"' in html and 'id="body-error"' in html and 'id="category-error"' in html
    assert db.session.query(Post).count() == 0


def test_preview_shows_the_rendered_body_without_posting(client, make_user, signed_in):
    browser = signed_in(old_user(make_user))
    response = write(browser, "/community/preview", body="_soon_")
    assert "<em>soon</em>" in response.get_data(as_text=True)
    fallback = write(browser, "/community/new", category="study", title="Draft", body="_soon_", preview="1")
    assert fallback.status_code == 200 and "<em>soon</em>" in fallback.get_data(as_text=True)
    assert db.session.query(Post).count() == 0


def test_a_reply_to_a_reply_appears_in_place_with_htmx(client, make_user, signed_in, post_of):
    post = post_of()
    browser = signed_in(old_user(make_user))
    first = write(browser, f"/community/p/{post.id}/comments", body="First reply")
    assert first.status_code == 302
    parent = db.session.query(Comment).one()
    token = csrf_token_from(browser.get(f"/community/p/{post.id}").get_data(as_text=True))
    nested = browser.post(f"/community/p/{post.id}/comments", headers={"HX-Request": "true"},
                          data={"body": "Nested *reply*", "parent_id": parent.id, "depth": "0", "csrf_token": token})
    html = nested.get_data(as_text=True)
    assert nested.status_code == 200
    assert "<em>reply</em>" in html and 'class="comment depth-1"' in html
    assert f'id="reply-slot-{parent.id}"' in html and 'hx-swap-oob="true"' in html
    page = browser.get(f"/community/p/{post.id}").get_data(as_text=True)
    assert page.index(f'id="replies-{parent.id}"') < page.index("Nested <em>reply</em>")
    odd = browser.post(f"/community/p/{post.id}/comments", headers={"HX-Request": "true"},
                       data={"body": "Deep", "parent_id": parent.id, "depth": "nonsense", "csrf_token": token})
    assert odd.status_code == 200


def test_an_empty_htmx_reply_gets_its_form_back_with_the_message(client, make_user, signed_in, post_of):
    post = post_of()
    browser = signed_in(old_user(make_user))
    token = csrf_token_from(browser.get(f"/community/p/{post.id}").get_data(as_text=True))
    response = browser.post(f"/community/p/{post.id}/comments", headers={"HX-Request": "true"},
                            data={"body": " ", "csrf_token": token})
    assert response.status_code == 422
    assert response.headers["HX-Retarget"] == "#reply-form-root"
    assert "Write something first." in response.get_data(as_text=True)


def test_likes_toggle_and_count_once_per_person(client, make_user, signed_in, post_of):
    post = post_of()
    browser = signed_in(old_user(make_user))
    for liked in ("1", "1"):
        response = write(browser, f"/community/like/post/{post.id}", liked=liked)
    assert likes.like_counts("post", [post.id])[post.id] == 1
    token = csrf_token_from(browser.get("/community/").get_data(as_text=True))
    response = browser.post(f"/community/like/post/{post.id}", headers={"HX-Request": "true"},
                            data={"liked": "0", "csrf_token": token})
    assert 'aria-pressed="false"' in response.get_data(as_text=True)
    assert likes.like_counts("post", [post.id])[post.id] == 0


def test_concurrent_likes_are_counted_exactly(database_kind, tmp_path):
    app = build_app(database_kind, tmp_path)
    with app.app_context():
        people = [build_user(f"liker{n}") for n in range(8)]
        post = posts.create_post(people[0], "study", "Like me", "please", utcnow())
        post_id, ids = post.id, [person.id for person in people]
        db.session.remove()
    errors, start = [], threading.Barrier(len(ids) * 2)

    def like(user_id):
        with app.app_context():
            try:
                start.wait()
                likes.set_like(db.session.get(type(people[0]), user_id), "post", post_id, True)
            except Exception as error:  # noqa: BLE001  (reported below)
                errors.append(error)
            finally:
                db.session.remove()
    threads = [threading.Thread(target=like, args=(user_id,)) for user_id in ids * 2]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with app.app_context():
        assert errors == []
        assert likes.like_counts("post", [post_id])[post_id] == len(ids)
        db.engine.dispose()


@pytest.mark.parametrize("who, edit, delete", [("author", 302, 302), ("other", 403, 403), ("moderator", 403, 302)])
def test_who_may_edit_and_delete_a_post(client, make_user, signed_in, post_of, who, edit, delete):
    author = old_user(make_user, "author")
    post = post_of(author)
    actor = author if who == "author" else old_user(make_user, who, role="moderator" if who == "moderator" else "member")
    browser = signed_in(actor)
    assert write(browser, f"/community/p/{post.id}/edit", title="New title", body="new").status_code == edit
    assert write(browser, f"/community/p/{post.id}/delete").status_code == delete


def test_guests_can_read_but_not_take_part(client, make_guest, post_of):
    post = post_of()
    anonymous = client.get(f"/community/p/{post.id}")
    assert anonymous.status_code == 200 and "to reply" in anonymous.get_data(as_text=True)
    guest = make_guest()
    for attempt in (lambda: comments.add_comment(guest, post.id, "hi", utcnow()),
                    lambda: likes.set_like(guest, "post", post.id, True),
                    lambda: posts.create_post(guest, "study", "Guest post", "hi", utcnow())):
        with pytest.raises(NotAllowed, match="Create a free account"):
            attempt()
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    response = client.post(f"/community/like/post/{post.id}", data={"liked": "1", "csrf_token": token})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert likes.like_counts("post", [post.id])[post.id] == 0


def test_a_deleted_post_with_replies_keeps_the_thread_and_one_without_disappears(client, make_user, post_of):
    author = old_user(make_user)
    lonely, answered = post_of(author, title="Lonely"), post_of(author, title="Answered")
    comments.add_comment(old_user(make_user), answered.id, "A reply", utcnow())
    posts.delete_post(author, lonely.id, utcnow())
    posts.delete_post(author, answered.id, utcnow())
    assert client.get(f"/community/p/{lonely.id}").status_code == 404
    page = client.get(f"/community/p/{answered.id}").get_data(as_text=True)
    assert "[deleted]" in page and "A reply" in page and "Answered" not in page
    assert db.session.get(Post, lonely.id).body  # soft: nothing is lost


def test_a_locked_thread_takes_no_new_replies(client, make_user, signed_in, post_of):
    post = post_of()
    moderator = old_user(make_user, "mod", role="moderator")
    assert write(signed_in(moderator), f"/community/p/{post.id}/lock").status_code == 302
    response = write(signed_in(old_user(make_user)), f"/community/p/{post.id}/comments", body="late")
    assert response.status_code == 409
    assert db.session.query(Comment).count() == 0


def test_a_moderator_hides_a_post_and_members_no_longer_see_it(client, make_user, signed_in, post_of):
    post = post_of(title="Spammy thing")
    moderator, member = old_user(make_user, "mod", role="moderator"), old_user(make_user)
    assert write(signed_in(moderator), f"/community/moderate/post/{post.id}/hide").status_code == 302
    reader = signed_in(member)
    assert reader.get(f"/community/p/{post.id}").status_code == 404
    assert "Spammy thing" not in reader.get("/community/").get_data(as_text=True)
    assert "Spammy thing" in signed_in(moderator).get(f"/community/p/{post.id}").get_data(as_text=True)
    write(signed_in(moderator), f"/community/moderate/post/{post.id}/restore")
    assert reader.get(f"/community/p/{post.id}").status_code == 200


def test_reports_reach_the_queue_and_resolving_records_who_and_when(client, make_user, signed_in, post_of):
    post = post_of()
    reporter, moderator = old_user(make_user), old_user(make_user, "mod", role="moderator")
    assert write(signed_in(reporter), f"/community/report/post/{post.id}", reason="x").status_code == 422
    assert write(signed_in(reporter), f"/community/report/post/{post.id}", reason="Spam link").status_code == 302
    assert signed_in(reporter).get("/community/moderation/reports").status_code == 403
    moderator_browser = signed_in(moderator)
    assert "Spam link" in moderator_browser.get("/community/moderation/reports").get_data(as_text=True)
    report = db.session.query(Report).one()
    assert write(moderator_browser, f"/community/moderation/reports/{report.id}/resolve").status_code == 302
    db.session.refresh(report)
    assert report.resolved_by_id == moderator.id and report.resolved_at is not None
    assert "Spam link" not in moderator_browser.get("/community/moderation/reports").get_data(as_text=True)


def test_the_list_is_keyset_paged_with_pinned_posts_on_top(client, make_user, post_of):
    author = old_user(make_user)
    made = [post_of(author, title=f"Post number {n}") for n in range(25)]
    made[3].pinned = True
    db.session.commit()
    first = client.get("/community/").get_data(as_text=True)
    assert first.index("Post number 3") < first.index("Post number 24")
    assert "Post number 4<" not in first and "Load older posts" in first
    more = first.split('id="load-more"')[1].split('href="')[1].split('"')[0].replace("&amp;", "&")
    second = client.get(more, headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "Post number 4<" in second and "Post number 0<" in second and "Post number 5<" not in second
    assert client.get("/community/?before=nonsense").status_code == 400


def test_new_accounts_are_rate_limited_more_strictly_with_a_clear_message(client, make_user, signed_in):
    browser = signed_in(make_user())  # created just now
    for _ in range(4):  # looking at the form, previews and invalid posts cost nothing
        assert browser.get("/community/new").status_code == 200
        assert write(browser, "/community/new", category="study", title="Draft", body="x", preview="1").status_code == 200
        assert write(browser, "/community/new", category="study", title="", body="x").status_code == 422
    statuses = [write(browser, "/community/new", category="study", title=f"Post {n}", body="x").status_code
                for n in range(4)]
    assert statuses == [302, 302, 302, 429]
    response = write(browser, "/community/new", category="study", title="Again", body="x")
    assert "new accounts have a smaller daily allowance" in response.get_data(as_text=True)
    assert db.session.query(Post).count() == 3


def test_set_role_command(runner, make_user):
    make_user("lee")
    result = runner.invoke(args=["users", "set-role", "lee", "moderator"])
    assert result.exit_code == 0 and "member -> moderator" in result.output
    assert runner.invoke(args=["users", "set-role", "nobody", "moderator"]).exit_code != 0
    assert runner.invoke(args=["users", "set-role", "lee", "king"]).exit_code != 0


def test_the_profile_lists_posts_and_comments(client, make_user, post_of):
    author = old_user(make_user, "writer")
    post = post_of(author, title="My writing log")
    comments.add_comment(author, post.id, "A comment of mine", utcnow())
    page = client.get("/community/people/writer").get_data(as_text=True)
    assert "My writing log" in page and "A comment of mine" in page
    assert client.get("/community/people/ghost").status_code == 404


def test_categories_can_be_added_renamed_and_reordered_by_moderators(client, make_user, signed_in):
    moderator = signed_in(old_user(make_user, "mod", role="moderator"))
    assert write(moderator, "/community/moderation/categories", name="Reading").status_code == 302
    assert write(moderator, "/community/moderation/categories", name="reading").status_code == 422
    study = posts.find_category("study")
    assert write(moderator, f"/community/moderation/categories/{study.id}", name="Studying").status_code == 302
    assert write(moderator, f"/community/moderation/categories/{study.id}", name="x", move="down").status_code == 302
    assert [c.name for c in posts.categories()][:2] == ["Work", "Studying"]
    assert write(signed_in(old_user(make_user)), "/community/moderation/categories", name="Mine").status_code == 403


def test_ids_and_cursors_out_of_range_are_not_found_not_errors(client, make_user, signed_in, bearer, post_of):
    post = post_of()
    huge = 10**30
    browser = signed_in(old_user(make_user, role="moderator"))
    for path in (f"/community/p/{huge}", f"/community/comments/{huge}/reply", f"/community/p/{huge}/edit"):
        assert browser.get(path).status_code == 404
    for path in (f"/community/like/post/{huge}", f"/community/moderate/comment/{huge}/hide",
                 f"/community/moderation/reports/{huge}/resolve", f"/community/p/{huge}/pin"):
        assert write(browser, path, liked="1").status_code == 404
    assert write(browser, f"/community/p/{post.id}/comments", body="x", parent_id=str(huge)).status_code == 302
    assert client.get(f"/community/?before=1.{huge}").status_code == 400
    assert client.get(f"/community/?before={huge}.1").status_code == 400
    api = bearer(old_user(make_user))
    assert api.get(f"/api/v1/forum/posts/{huge}").status_code == 404
    assert api.post(f"/api/v1/forum/posts/{post.id}/comments", json={"body": "x", "parent_id": huge}).status_code == 422
    assert api.get(f"/api/v1/forum/posts?cursor=1.{huge}").status_code == 422
