"""`Idempotency-Key` on creates: a retried request (an offline outbox replaying, a phone that lost
the answer) gets the first answer again instead of creating a second row.

- No header: the view runs as before.
- A new key: the view runs in ONE transaction (the services' own commits become flushes) and the
  key, the request's fingerprint and the answer are stored in that same transaction. (user, key)
  is unique, so of two concurrent requests the second fails as a whole and answers with the
  first one's result: nothing is created twice, even after a crash half-way (all or nothing).
- The same key with the same request: the stored answer (a 201 replays as 200, same body).
- The same key with another request (method, path or body): 422.
- An answer that is an error (4xx/5xx) is not kept: the person may fix the entry and send it again.
Keys belong to a person: two people may use the same key.

Keys are kept for KEY_RETENTION (7 days: far longer than an outbox waits for a network; a key
sent again after that is a new request). Expired keys are deleted now and then by the request
that stores a new key (at most once per PRUNE_EVERY in each process): one indexed range delete.

A page's own submit (static/js/outbox.js sends plain forms with fetch, so that a network failure
can be kept in the outbox) says `Focusroom-Submit: page`; a redirect is then answered as 204 with
`Focusroom-Location`, for the page to go there itself (flashed messages and #anchors intact).
"""
from __future__ import annotations

import hashlib
import json
import re
from contextlib import contextmanager
from datetime import datetime, timedelta
from functools import wraps

from flask import Response, g, make_response, request
from flask_login import current_user
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from .errors import error_response
from .extensions import db
from .models import IdempotencyKey, utcnow

HEADER = "Idempotency-Key"
KEY_PATTERN = re.compile(r"^[\x21-\x7e]{1,200}$")  # visible ASCII: UUIDs and the like
# Not part of what is asked: the CSRF token changes per session, and the moment the outbox
# recorded (when a click or an edit really happened) is added only when a send is kept for later:
# the kept copy of a send that did arrive must still match it.
IGNORED_FORM_FIELDS = {"csrf_token", "started_at", "ended_at", "edited_at"}
KEY_RETENTION = timedelta(days=7)
PRUNE_EVERY = timedelta(hours=1)
PAGE_SUBMIT_HEADER, PAGE_LOCATION_HEADER = "Focusroom-Submit", "Focusroom-Location"
_next_prune_at: datetime | None = None  # per process; None: at the first stored key


def idempotent(view):
    """Decorate a create view (under its login/token decorator) to honour `Idempotency-Key`."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None or request.method in ("GET", "HEAD"):
            return view(*args, **kwargs)
        return for_the_page(_idempotent_call(view, key, args, kwargs))
    return wrapper


def _idempotent_call(view, key, args, kwargs):
    """The view once per (person, key): run and stored, or the stored answer replayed."""
    if not KEY_PATTERN.match(key):
        return error_response(400, f"{HEADER} must be 1 to 200 visible ASCII characters (a UUID, say).")
    user_id = _acting_user_id()
    fingerprint = request_fingerprint()
    stored = _stored(user_id, key)
    if stored is not None:
        return replay(stored, fingerprint)
    session = db.session()
    with single_transaction(session) as rolled_back:
        try:
            response = make_response(view(*args, **kwargs))
        except BaseException:
            session.rollback()
            raise
    if rolled_back:  # a step retried after a rollback: what came before it is gone, so is all of it
        session.rollback()
        answer = error_response(503, "This change met another one at the same moment and was not saved. "
                                     "Send it again.")
        answer = make_response(answer)
        answer.headers["Retry-After"] = "1"
        return answer
    if response.status_code >= 400:
        session.rollback()  # nothing half-written; the same key may be sent again once fixed
        return response
    session.add(IdempotencyKey(user_id=user_id, key=key, fingerprint=fingerprint, status=response.status_code,
                               content_type=response.content_type or "", location=response.headers.get("Location"),
                               body=response.get_data(as_text=True)))
    try:
        session.commit()
    except IntegrityError:  # the same key committed meanwhile by a concurrent request
        session.rollback()
        stored = _stored(user_id, key)
        if stored is None:
            raise
        return replay(stored, fingerprint)
    maybe_prune(utcnow())
    return response


def for_the_page(response):
    """A redirect answering a page's own submit (fetch follows redirects out of sight) becomes
    204 + Focusroom-Location, for the page to follow itself."""
    response = make_response(response)
    if request.headers.get(PAGE_SUBMIT_HEADER) == "page" and 300 <= response.status_code < 400 \
            and response.headers.get("Location"):
        answer = Response(status=204)
        answer.headers[PAGE_LOCATION_HEADER] = response.headers["Location"]
        return answer
    return response


def expired_before(now: datetime) -> datetime:
    """Keys stored before this moment are past their retention."""
    return now - KEY_RETENTION


def prune_expired(now: datetime) -> int:
    """Delete every key older than KEY_RETENTION (commits); returns how many went."""
    result = db.session.execute(delete(IdempotencyKey).where(IdempotencyKey.created_at < expired_before(now))
                                .execution_options(synchronize_session=False))
    db.session.commit()
    return result.rowcount or 0


def maybe_prune(now: datetime) -> None:
    """prune_expired, at most once per PRUNE_EVERY in this process (after the request's own commit:
    a failure here never costs the person their answer)."""
    global _next_prune_at
    if _next_prune_at is not None and now < _next_prune_at:
        return
    _next_prune_at = now + PRUNE_EVERY
    try:
        prune_expired(now)
    except Exception:  # a locked table, say: the next hour tries again
        db.session.rollback()


@contextmanager
def single_transaction(session):
    """Inside, `session.commit()` only flushes: whatever the view does commits together with its key.
    Publishing (realtime/outbox) waits for the real commit as always. A `rollback()` inside (a
    service retrying after a lost race) would silently drop what the view wrote before it: it is
    noted in the yielded list, and the caller then keeps nothing (all or nothing, still)."""
    rolled_back: list[bool] = []
    real_rollback = session.rollback

    def noted_rollback():
        rolled_back.append(True)
        real_rollback()

    session.commit = session.flush
    session.rollback = noted_rollback
    try:
        yield rolled_back
    finally:
        del session.commit
        del session.rollback


def replay(stored: IdempotencyKey, fingerprint: str):
    if stored.fingerprint != fingerprint:
        return error_response(422, f"This {HEADER} was already used for a different request. "
                                   "Send a new key for a new request.",
                              {HEADER: "Already used with another method, address or body."})
    response = Response(stored.body, status=200 if stored.status == 201 else stored.status,
                        content_type=stored.content_type or None)
    if stored.location:
        response.headers["Location"] = stored.location
    response.headers["Idempotent-Replayed"] = "true"
    return response


def request_fingerprint() -> str:
    """sha256 of the method, the path and the body (JSON canonicalised; form fields sorted, without
    the CSRF token), so the same request sent twice in another byte order still matches."""
    digest = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        fields = sorted((name, value) for name, value in request.form.items(multi=True)
                        if name not in IGNORED_FORM_FIELDS)
        digest.update(json.dumps(fields).encode())
        return digest.hexdigest()
    raw = request.get_data(cache=True)
    try:
        digest.update(json.dumps(json.loads(raw), sort_keys=True, separators=(",", ":")).encode())
    except ValueError:
        digest.update(raw)
    return digest.hexdigest()


def _acting_user_id() -> int:
    user = g.get("api_user") or current_user
    return user.id


def _stored(user_id: int, key: str) -> IdempotencyKey | None:
    return db.session.execute(select(IdempotencyKey).where(IdempotencyKey.user_id == user_id,
                                                           IdempotencyKey.key == key)).scalar_one_or_none()
