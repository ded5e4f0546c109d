"""Every route, every form field, every API field and query parameter, with hostile values: no 5xx,
and a refused request (4xx) leaves every table as it was.

Routes come from app.url_map, form fields from the forms the pages render, API fields from the
API's own "unknown field" answer, query parameters from what each view reads: a new route or
field is fuzzed without changing this file.
"""
from __future__ import annotations

import json
import re
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from werkzeug.security import generate_password_hash

from tests.conftest import AuthActions, build_app, csrf_token_from
from tests.support import factories, fuzz
from tests.support.mailbox import Mailbox
from webapp.accounts import passwords
from webapp.accounts import services as account_services
from webapp.accounts.recovery import request_reset
from webapp.accounts.tokens import issue_token
from webapp.extensions import db, limiter
from webapp.focus import services
from webapp.focus.times import utc_to_local
from webapp.forum.services import comments as forum_comments
from webapp.forum.services import moderation as forum_moderation
from webapp.forum.services import posts as forum_posts
from webapp.jsonsafety import SafeRequest
from webapp.models import utcnow

RAISED = "100000 per minute"
ZONE = "America/Adak"  # LMT +12:13 in year 1, -10 in 9999: both ends overflow in conversions


@pytest.fixture
def app(database_kind):
    """The shared app with raised rate limits, so every request reaches its handler (the fixed
    ones, such as the beacon's, are reset after each request: World.check)."""
    app = build_app(database_kind, LOGIN_RATE_LIMIT=RAISED, SIGNUP_RATE_LIMIT=RAISED, API_TOKEN_RATE_LIMIT=RAISED)
    ctx = app.app_context()
    ctx.push()
    yield app
    db.session.remove()
    ctx.pop()
    with app.app_context():
        db.engine.dispose()


class World:
    """One person with a room, a task, an ended session with an interruption, and an API token."""

    def __init__(self, app, make_room):
        self.app = app
        self.user = factories.make_user("fuzzer", timezone=ZONE)
        self.task = services.create_task(self.user, title="Write")
        start = (utcnow() - timedelta(days=2)).replace(microsecond=0)
        self.session = services.create_manual(self.user, start_time=start, end_time=start + timedelta(hours=1),
                                              task_id=self.task.id, note="n")
        self.interruption = services.log_interruption(
            self.user, self.session.id, type="phone", start_time=start + timedelta(minutes=5),
            end_time=start + timedelta(minutes=8))
        self.room = make_room(self.user)
        self.token, self.raw_token = issue_token(self.user)
        # A moderator, so the forum's moderation routes reach their handlers too.
        self.user.role = "moderator"
        self.post = forum_posts.create_post(self.user, "study", "Fuzzing the forum", "A *body*.", utcnow())
        self.comment = forum_comments.add_comment(self.user, self.post.id, "A reply", utcnow())
        self.forum_report = forum_moderation.report(self.user, "post", self.post.id, "Just checking", utcnow())
        # A conversation with someone, so the message routes reach their handlers too.
        from webapp.messages import services as message_services
        self.friend = factories.make_user("fuzzfriend")
        self.message = message_services.send_to(self.friend, self.user, "hello fuzzer", utcnow())
        db.session.commit()
        with Mailbox() as mailbox, app.test_request_context():
            request_reset(self.user.email, utcnow())
        reset_token = mailbox.last_link().rsplit("/", 1)[1]
        inside = (start + timedelta(minutes=10), start + timedelta(minutes=20))
        local = [utc_to_local(moment, ZONE).strftime("%Y-%m-%dT%H:%M") for moment in inside]
        iso = [moment.isoformat().replace("+00:00", "Z") for moment in inside]
        self.path_values = {"code": self.room.code, "username": self.user.username, "action": "pause",
                            "choice": "pause", "name": "summary", "session_id": self.session.id,
                            "interruption_id": self.interruption.id, "task_id": self.task.id,
                            "token_id": self.token.id, "slug": self.post.category.slug,
                            "category_id": self.post.category_id, "post_id": self.post.id,
                            "comment_id": self.comment.id, "report_id": self.forum_report.id, "kind": "post",
                            "item_id": self.post.id, "token": reset_token,
                            "conversation_id": self.message.conversation_id, "message_id": self.message.id,
                            "user_id": self.friend.id}
        common = {"note": "fine", "description": "door", "title": "A task", "name": "Fuzz room",
                  "display_name": "Fuzzy", "login": "fuzzer", "timezone": "Europe/Berlin"}
        self.form_values = {**common, "start_time": local[0], "end_time": local[1], "type": "phone",
                            "username": "newfuzzer", "email": "newfuzzer@example.com",
                            "password": factories.DEFAULT_PASSWORD, "current": factories.DEFAULT_PASSWORD,
                            "confirm": factories.DEFAULT_PASSWORD, "answer": "phone"}
        self.json_values = {**common, "start_time": iso[0], "end_time": iso[1], "type": "phone",
                            "session_id": self.session.id, "task_id": self.task.id, "target_minutes": 25,
                            "password": factories.DEFAULT_PASSWORD}
        self.signed = app.test_client()
        AuthActions(self.signed).login("fuzzer")
        self.csrf = csrf_token_from(self.signed.get("/settings").get_data(as_text=True))
        self.bearer = {"Authorization": f"Bearer {self.raw_token}"}
        self.failures: list[str] = []
        self.counts = fuzz.row_counts()

    def check(self, response, what: str) -> None:
        """No 5xx; after a refusal, the same rows as before."""
        limiter.reset()
        counts = fuzz.row_counts()
        if response.status_code >= 500:
            self.failures.append(f"{response.status_code} {what}")
        elif 400 <= response.status_code < 500 and counts != self.counts:
            self.failures.append(f"{response.status_code} but rows changed {self.counts} -> {counts}: {what}")
        self.counts = counts

    def path_variants(self, route: fuzz.Route) -> list[str]:
        """The real path first, then each argument replaced by hostile values."""
        paths = [route.path(self.path_values)]
        for name in route.arguments:
            for bad in (fuzz.PATH_INTS if name in route.int_arguments else fuzz.PATH_TEXT):
                paths.append(route.path({**self.path_values, name: bad}))
        return paths

    def report(self) -> None:
        assert not self.failures, f"{len(self.failures)} bad answers:\n" + "\n".join(self.failures[:60])


@pytest.fixture
def world(app, make_room, monkeypatch):
    # scrypt is the point of passwords but not of this test: ~100 logins would cost 10 s.
    cheap = "pbkdf2:sha256:1"
    monkeypatch.setattr(account_services, "hash_password", lambda password: generate_password_hash(password, cheap))
    monkeypatch.setattr(passwords, "_DUMMY_HASH", generate_password_hash("dummy", cheap))
    monkeypatch.setattr(factories, "_default_hash", generate_password_hash(factories.DEFAULT_PASSWORD, cheap))
    return World(app, make_room)


def _short(value) -> str:
    text = repr(value)
    return text if len(text) < 60 else text[:57] + "..."


# ---------------------------------------------------------------- HTML pages and forms

def test_pages_and_forms_survive_hostile_input(app, world, monkeypatch):
    monkeypatch.setattr(SafeRequest, "parameter_storage_class", fuzz.RecordingArgs)
    routes = [r for r in fuzz.routes_of(app) if not r.is_api]
    forms: dict[str, list[tuple[fuzz.Form, bool]]] = {}
    for route in (r for r in routes if r.method == "GET"):
        _fuzz_page(world, route, forms)
    for route in (r for r in routes if r.method == "POST"):
        _fuzz_form_route(world, route, forms.get(route.endpoint) or [(fuzz.Form("POST", ""), True)])
    world.report()


def _fuzz_page(world: World, route: fuzz.Route, forms: dict) -> None:
    paths = world.path_variants(route)
    fuzz.READ_KEYS.clear()
    response = world.signed.get(paths[0])
    world.check(response, f"GET {paths[0]}")
    signed_in = response.status_code != 302
    client = world.signed if signed_in else world.app.test_client()
    page = response if signed_in else client.get(paths[0])
    _collect_forms(world, page.get_data(as_text=True), paths[0], forms, signed_in)
    for key in sorted(fuzz.READ_KEYS):
        for value in fuzz.QUERY_VALUES:
            world.check(client.get(paths[0], query_string={key: value}), f"GET {paths[0]} ?{key}={_short(value)}")
    for path in paths[1:]:
        world.check(client.get(path), f"GET {path[:80]}")


def _collect_forms(world: World, html: str, page_path: str, forms: dict, signed_in: bool) -> None:
    adapter = world.app.url_map.bind("localhost")
    for form in fuzz.forms_in(html, page_path):
        if form.method != "POST":
            continue
        try:
            endpoint, _ = adapter.match(form.action.split("?")[0], method="POST")
        except Exception:  # a link to another site, or a GET-only route
            continue
        known = forms.setdefault(endpoint, [])
        if all(sorted(form.fields) != sorted(seen.fields) for seen, _ in known):  # base.html's forms recur
            known.append((form, signed_in))


def _fuzz_form_route(world: World, route: fuzz.Route, forms) -> None:
    paths = world.path_variants(route)
    for form, signed_in in forms:
        baseline = {name: world.form_values.get(name.rsplit("-", 1)[-1], value)
                    for name, value in form.fields.items() if name != "csrf_token"}
        client = _client(world, signed_in)
        for name in _fuzzed_fields(baseline, route):
            for value in fuzz.HOSTILE_TEXT:
                response = _post_form(world, client, paths[0], {**baseline, name: value}, signed_in)
                world.check(response, f"POST {paths[0]} {name}={_short(value)}")
                if response.status_code in (301, 302, 303) and not signed_in:
                    client = _client(world, signed_in)  # signed up or in: start anonymous again
        _fuzz_query_of_post(world, _client(world, signed_in), paths[0], baseline, signed_in)
        for body, content_type in ((json.dumps(baseline), "application/json"), (b"x=%FF%FE\x00", None),
                                   (fuzz.DEEP, "application/json")):
            client = _client(world, signed_in)
            response = client.post(paths[0], data=body, content_type=content_type,
                                   headers={"X-CSRFToken": _token(world, client, signed_in)})
            world.check(response, f"POST {paths[0]} body {_short(body)}")
        for path in paths[1:]:
            world.check(_post_form(world, client, path, baseline, signed_in), f"POST {path[:80]}")


def _fuzz_query_of_post(world: World, client, path: str, baseline: dict, signed_in: bool) -> None:
    """Query parameters a form's handler reads besides its fields (such as `next`)."""
    fuzz.READ_KEYS.clear()
    world.check(_post_form(world, client, path, baseline, signed_in), f"POST {path} baseline")
    for key in sorted(fuzz.READ_KEYS - set(baseline) - {"csrf_token"}):
        for value in fuzz.QUERY_VALUES:
            client = _client(world, signed_in)  # anonymous forms (sign-in, sign-up) start signed out each time
            response = _post_form(world, client, f"{path}?{urlencode({key: value})}", baseline, signed_in)
            world.check(response, f"POST {path} ?{key}={_short(value)}")


def _fuzzed_fields(baseline: dict, route: fuzz.Route) -> list[str]:
    """Every field, except buttons and the fields of a form that signs out (one request ends it)."""
    if "logout" in route.endpoint:
        return []
    return [name for name in baseline if not name.endswith("submit")]


def _client(world: World, signed_in: bool):
    return world.signed if signed_in else world.app.test_client()


def _token(world: World, client, signed_in: bool) -> str:
    if signed_in:
        return world.csrf
    if not hasattr(client, "csrf"):
        client.csrf = csrf_token_from(client.get("/login").get_data(as_text=True))
    return client.csrf


def _post_form(world: World, client, path: str, data: dict, signed_in: bool):
    return client.post(path, data={**data, "csrf_token": _token(world, client, signed_in)})


# ---------------------------------------------------------------- the JSON API

def test_api_bodies_and_paths_survive_hostile_input(app, world):
    for route in fuzz.routes_of(app):
        if not route.is_api:
            continue
        paths = world.path_variants(route)
        call = getattr(world.signed, route.method.lower())
        if route.method == "GET":
            for path in paths:
                world.check(call(path, headers=world.bearer), f"GET {path[:80]}")
            continue
        fields = _api_fields(world, route, paths[0])
        baseline = {name: world.json_values.get(name, "x") for name in fields}
        for name in fields:
            for value in fuzz.HOSTILE_JSON:
                body = json.dumps({**baseline, name: value})
                response = call(paths[0], data=body, content_type="application/json", headers=world.bearer)
                world.check(response, f"{route.method} {paths[0]} {name}={_short(value)}")
        for body, content_type in fuzz.HOSTILE_BODIES:
            response = call(paths[0], data=body, content_type=content_type, headers=world.bearer)
            world.check(response, f"{route.method} {paths[0]} body {_short(body)} ({content_type})")
        for path in paths[1:]:
            response = call(path, data=json.dumps(baseline), content_type="application/json", headers=world.bearer)
            world.check(response, f"{route.method} {path[:80]}")
    world.report()


def _api_fields(world: World, route: fuzz.Route, path: str) -> list[str]:
    """The fields the endpoint accepts, read from its answer to an unknown one."""
    response = getattr(world.signed, route.method.lower())(
        path, data=json.dumps({"zz_probe": 1}), content_type="application/json", headers=world.bearer)
    world.check(response, f"{route.method} {path} probe")
    message = ((response.get_json(silent=True) or {}).get("fields") or {}).get("zz_probe", "")
    listed = re.search(r"(?:allowed|change):? (.*)\.$", message)
    return re.split(r", | and ", listed.group(1)) if listed else []


def test_api_query_parameters_survive_hostile_input(app, world, monkeypatch):
    monkeypatch.setattr(SafeRequest, "parameter_storage_class", fuzz.RecordingArgs)
    for route in fuzz.routes_of(app):
        if not route.is_api or route.method != "GET":
            continue
        path = route.path(world.path_values)
        fuzz.READ_KEYS.clear()
        world.check(world.signed.get(path, headers=world.bearer), f"GET {path}")
        for key in sorted(fuzz.READ_KEYS):
            for value in fuzz.QUERY_VALUES:
                response = world.signed.get(path, query_string={key: value}, headers=world.bearer)
                world.check(response, f"GET {path} ?{key}={_short(value)}")
    world.report()
