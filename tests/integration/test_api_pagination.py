"""Every API list pages with `limit` and an opaque `next` cursor (keyset, stable under inserts)."""
from datetime import datetime, timedelta, timezone

import pytest
from itsdangerous import URLSafeSerializer

from webapp.accounts.tokens import issue_token
from webapp.extensions import db
from webapp.focus.services.limits import API_LIST_LIMIT, API_MAX_LIST_LIMIT
from webapp.insights.sample import add_session
from webapp.models import ApiToken, utcnow

UTC = timezone.utc
BASE = datetime(2024, 5, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def alice(make_user):
    return make_user("alice", timezone="Europe/Berlin")


@pytest.fixture
def api(bearer, alice):
    return bearer(alice)


def sessions_of(user, count: int, *, same_start_every: int = 3) -> list[int]:
    """`count` sessions; every `same_start_every` share one start, so ids must break the ties."""
    rows = [add_session(user, BASE - timedelta(hours=index // same_start_every), 20, commit=False,
                        interruptions=[("phone", 1, 1), ("noise", 5, 1)])
            for index in range(count)]
    db.session.commit()
    return [row.id for row in rows]


def walk(api, path: str, limit: int) -> tuple[list[int], int]:
    """Every id over all pages, and how many pages it took."""
    seen, pages, cursor = [], 0, None
    while True:
        separator = "&" if "?" in path else "?"
        query = f"{separator}limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        response = api.get(path + query)
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        assert set(body) == {"items", "next"} and len(body["items"]) <= limit
        seen += [item["id"] for item in body["items"]]
        pages += 1
        cursor = body["next"]
        if cursor is None:
            return seen, pages
        assert pages < 100, "the cursor does not advance"


# --- walking every list --------------------------------------------------------------------------

def test_sessions_walk_gives_each_item_once_newest_first(api, alice, make_user):
    ids = sessions_of(alice, 11)
    sessions_of(make_user(), 4)  # someone else's never show
    seen, pages = walk(api, "/api/v1/sessions", 3)
    assert sorted(seen) == sorted(ids) and len(seen) == len(set(seen)) and pages == 4
    starts = [api.get(f"/api/v1/sessions/{i}").get_json()["start_time"] for i in seen]
    assert starts == sorted(starts, reverse=True)


def test_an_exact_multiple_of_the_limit_ends_with_next_null(api, alice):
    ids = sessions_of(alice, 6)
    first = api.get("/api/v1/sessions?limit=3").get_json()
    second = api.get(f"/api/v1/sessions?limit=3&cursor={first['next']}").get_json()
    assert first["next"] and second["next"] is None
    assert sorted(i["id"] for i in first["items"] + second["items"]) == sorted(ids)
    assert api.get("/api/v1/sessions?limit=6").get_json()["next"] is None


def test_filters_and_cursor_combine(api, alice):
    sessions_of(alice, 9, same_start_every=1)  # hourly, 00:00Z .. 08:00Z on 2024-05-01
    path = "/api/v1/sessions?from=2024-05-01T02:00:00Z&to=2024-05-01T07:00:00Z"
    seen, _ = walk(api, path, 2)
    assert len(seen) == 5 and len(set(seen)) == 5


def test_all_interruptions_walk(api, alice):
    sessions_of(alice, 5)
    seen, pages = walk(api, "/api/v1/interruptions", 4)
    assert len(seen) == 10 and len(set(seen)) == 10 and pages == 3


def test_a_sessions_interruptions_walk_in_the_order_they_happened(api, alice):
    session = add_session(alice, BASE, 50, interruptions=[("phone", minute, 1) for minute in (40, 1, 20, 1, 30)])
    seen, pages = walk(api, f"/api/v1/sessions/{session.id}/interruptions", 2)
    assert len(seen) == 5 and len(set(seen)) == 5 and pages == 3
    items = api.get(f"/api/v1/sessions/{session.id}/interruptions").get_json()["items"]
    assert [i["id"] for i in items] == seen
    assert [i["start_time"] for i in items] == sorted(i["start_time"] for i in items)


def test_tokens_walk_never_shows_a_secret_or_a_revoked_token(api, alice, make_user):
    for number in range(6):
        issue_token(alice, f"script {number}")
    revoked, _ = issue_token(alice, "old")
    revoked.revoked_at = utcnow()
    db.session.commit()
    issue_token(make_user(), "not alice's")
    seen, pages = walk(api, "/api/v1/tokens", 3)
    mine = db.session.query(ApiToken).filter_by(user_id=alice.id, revoked_at=None).all()
    assert sorted(seen) == sorted(t.id for t in mine) and len(seen) == 7 and pages == 3
    item = api.get("/api/v1/tokens?limit=1").get_json()["items"][0]
    assert set(item) == {"id", "name", "prefix", "created_at", "last_used_at", "uses"}


def test_inserts_while_walking_neither_repeat_nor_hide_the_rest(api, alice):
    ids = sessions_of(alice, 7)
    first = api.get("/api/v1/sessions?limit=3").get_json()
    # A newer session (ahead of the cursor) and one older than everything arrive meanwhile.
    newer = add_session(alice, BASE + timedelta(days=1), 20)
    older = add_session(alice, BASE - timedelta(days=30), 20)
    seen, cursor = [i["id"] for i in first["items"]], first["next"]
    while cursor:
        body = api.get(f"/api/v1/sessions?limit=3&cursor={cursor}").get_json()
        seen += [i["id"] for i in body["items"]]
        cursor = body["next"]
    assert len(seen) == len(set(seen))
    assert sorted(seen) == sorted(ids + [older.id]) and newer.id not in seen


def test_default_and_largest_limit(api, alice):
    sessions_of(alice, API_LIST_LIMIT + 1)
    default = api.get("/api/v1/sessions").get_json()
    assert len(default["items"]) == API_LIST_LIMIT and default["next"]
    rest = api.get(f"/api/v1/sessions?cursor={default['next']}").get_json()
    assert len(rest["items"]) == 1 and rest["next"] is None
    assert api.get(f"/api/v1/sessions?limit={API_MAX_LIST_LIMIT}").get_json()["next"] is None
    assert api.get(f"/api/v1/sessions?limit={API_MAX_LIST_LIMIT + 1}").status_code == 422


# --- cursors that cannot be used ------------------------------------------------------------------

def forged(app, list_name: str, parts) -> str:
    """A cursor signed with the real secret: only the key check stands between it and the query."""
    return URLSafeSerializer(app.secret_key, salt=f"api-cursor:{list_name}").dumps(parts)


LISTS = ["/api/v1/sessions", "/api/v1/interruptions", "/api/v1/tokens", "SESSION/interruptions", "/api/v1/rooms"]


def bad_cursors(app, valid: str, list_name: str, shape_length: int) -> dict[str, str]:
    huge = [10**25] * shape_length
    return {
        "garbage": "abc",
        "empty": "",
        "history style with 20 digits": "99999999999999999999_1",
        "30 digit parts": "123456789012345678901234567890_123456789012345678901234567890",
        "too long": valid + "A" * 300,
        "tampered": valid[:-2] + ("AA" if not valid.endswith("AA") else "BB"),
        "truncated": valid[: len(valid) // 2],
        "another list's cursor": forged(app, "other-list", [1] * shape_length),
        "signed, 25 digit parts": forged(app, list_name, huge),
        "signed, 25 digit negative": forged(app, list_name, [-(10**25)] * shape_length),
        "signed, wrong shape": forged(app, list_name, [1] * (shape_length + 1)),
        "signed, not numbers": forged(app, list_name, ["2024-05-01"] * shape_length),
        "signed, booleans": forged(app, list_name, [True] * shape_length),
        "signed, an object": forged(app, list_name, {"id": 1}),
    }


@pytest.mark.parametrize("path", LISTS)
def test_every_unusable_cursor_is_a_422_naming_the_cursor(app, api, alice, make_user, make_room, path):
    session = add_session(alice, BASE, 50, interruptions=[("phone", minute, 1) for minute in (1, 5, 9)])
    sessions_of(alice, 3)
    issue_token(alice)
    issue_token(alice)
    for _ in range(2):
        make_room(make_user(), is_public=True)
    path = path.replace("SESSION", f"/api/v1/sessions/{session.id}")
    valid = api.get(f"{path}?limit=1").get_json()["next"]
    assert valid, path
    list_name = {"/api/v1/sessions": "sessions", "/api/v1/interruptions": "interruptions",
                 "/api/v1/tokens": "tokens", "/api/v1/rooms": "rooms"}.get(path, "session-interruptions")
    shape_length = 1 if list_name in ("tokens", "rooms") else 2
    for label, cursor in bad_cursors(app, valid, list_name, shape_length).items():
        response = api.get(path, query_string={"cursor": cursor})
        assert response.status_code == 422, (label, response.status_code)
        body = response.get_json()
        assert "cursor" in body["fields"] and body["error"], label


def test_a_cursor_keeps_working_for_the_list_it_came_from_only(api, alice):
    sessions_of(alice, 4)
    issue_token(alice)
    token_cursor = api.get("/api/v1/tokens?limit=1").get_json()["next"]
    assert api.get(f"/api/v1/tokens?cursor={token_cursor}").status_code == 200
    assert api.get(f"/api/v1/sessions?cursor={token_cursor}").status_code == 422


def test_public_rooms_walk_without_a_token(client, make_user, make_room):
    hosts = [make_user() for _ in range(7)]
    public = [make_room(host, name=f"Study hall {n}", is_public=True).code for n, host in enumerate(hosts[:5])]
    make_room(hosts[5], name="Study hall secret", is_public=False)
    make_room(hosts[6], name="Reading corner", is_public=True)
    seen, cursor, pages = [], None, 0
    while True:
        body = client.get("/api/v1/rooms", query_string={"q": "study", "limit": 2,
                                                         **({"cursor": cursor} if cursor else {})}).get_json()
        seen += [room["code"] for room in body["items"]]
        pages, cursor = pages + 1, body["next"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(public) and len(seen) == len(set(seen)) and pages == 3
    entry = client.get("/api/v1/rooms?limit=1").get_json()["items"][0]
    assert set(entry) == {"code", "name", "status", "phase", "round", "rounds", "remaining_seconds",
                          "phase_ends_at", "present"}
    assert client.get("/api/v1/rooms?q=" + "x" * 81).status_code == 422
