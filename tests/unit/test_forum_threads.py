"""Threads: nesting, the depth cap, and the shapes of deleted and hidden comments."""
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from webapp.forum.services.search import fts5_expression, marked
from webapp.rules.forum_permissions import can_delete, can_edit, can_reply, is_new_account
from webapp.rules.forum_threads import GONE, PLACEHOLDER, SHOWN, build_thread, flatten, shape_of

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)


@dataclass
class FakeComment:
    id: int
    parent_id: int | None
    author_name: str = "ann"
    deleted_at: datetime | None = None
    hidden_at: datetime | None = None

    @property
    def created_at(self):
        return T0 + timedelta(minutes=self.id)


def ids(nodes):
    return [(node.item.id, node.depth) for node in flatten(nodes)]


def test_replies_nest_under_their_parents_oldest_first():
    comments = [FakeComment(3, 1), FakeComment(1, None), FakeComment(2, None), FakeComment(4, 3)]
    assert ids(build_thread(comments)) == [(1, 0), (3, 1), (4, 2), (2, 0)]


def test_depth_is_capped_and_deeper_replies_name_whom_they_answer():
    chain = [FakeComment(1, None, "a")] + [FakeComment(n, n - 1, f"p{n}") for n in range(2, 8)]
    nodes = flatten(build_thread(chain, max_depth=4))
    assert [node.depth for node in nodes] == [0, 1, 2, 3, 3, 3, 3]
    assert [node.replying_to for node in nodes] == [None, None, None, None, "p4", "p5", "p6"]


def test_a_deleted_comment_with_replies_keeps_the_thread_as_a_placeholder():
    comments = [FakeComment(1, None, deleted_at=T0), FakeComment(2, 1)]
    nodes = flatten(build_thread(comments))
    assert [(n.item.id, n.shape, n.removed) for n in nodes] == [(1, PLACEHOLDER, "deleted"), (2, SHOWN, None)]


def test_a_deleted_comment_without_replies_disappears_and_so_do_removed_chains():
    comments = [FakeComment(1, None, deleted_at=T0), FakeComment(2, 1, hidden_at=T0), FakeComment(3, None)]
    assert ids(build_thread(comments)) == [(3, 0)]


def test_moderators_see_everything_marked():
    comments = [FakeComment(1, None, deleted_at=T0), FakeComment(2, 1, hidden_at=T0)]
    nodes = flatten(build_thread(comments, is_moderator=True))
    assert [(n.shape, n.removed) for n in nodes] == [(SHOWN, "deleted"), (SHOWN, "hidden")]


def test_shape_of_a_single_item():
    item = FakeComment(1, None, hidden_at=T0)
    assert shape_of(item, False, False) == GONE
    assert shape_of(item, True, False) == PLACEHOLDER
    assert shape_of(item, False, True) == SHOWN


@dataclass
class FakeUser:
    id: int
    role: str = "member"
    is_guest: bool = False
    created_at: datetime = T0


@dataclass
class FakePost:
    author_id: int
    locked: bool = False
    deleted_at: datetime | None = None
    hidden_at: datetime | None = None


def test_permissions_author_other_moderator_guest():
    author, other, moderator, guest = FakeUser(1), FakeUser(2), FakeUser(3, "moderator"), FakeUser(4, is_guest=True)
    post = FakePost(author_id=1)
    assert can_edit(author, post) and not can_edit(other, post) and not can_edit(moderator, post)
    assert can_delete(author, post) and can_delete(moderator, post) and not can_delete(other, post)
    assert not can_reply(guest, post) and not can_reply(None, post) and can_reply(other, post)
    locked = FakePost(author_id=1, locked=True)
    assert not can_reply(author, locked) and can_reply(moderator, locked)


def test_new_accounts_are_under_a_day_old():
    user = FakeUser(1, created_at=T0)
    assert is_new_account(user, T0 + timedelta(hours=23))
    assert not is_new_account(user, T0 + timedelta(days=1))


def test_every_search_term_reaches_fts5_quoted():
    assert fts5_expression('thesis "deep work" -exam') == '"thesis" AND "deep work" NOT "exam"'
    assert fts5_expression("tea or coffee") == '("tea" OR "coffee")'
    assert fts5_expression('"unbalanced') == '"unbalanced"'
    assert fts5_expression('say "hi""') == '"say" AND "hi"'
    assert fts5_expression("* ( ) : ^ -") is None
    assert fts5_expression('a"b') == '"a" AND "b"'


def test_highlights_escape_everything_but_the_marks():
    assert str(marked("<b>\x02tea\x03</b>")) == "&lt;b&gt;<mark>tea</mark>&lt;/b&gt;"
