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
"""
from __future__ import annotations

import hashlib
import json
import re
from contextlib import contextmanager
from functools import wraps

from flask import Response, g, make_response, request
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .errors import error_response
from .extensions import db
from .models import IdempotencyKey

HEADER = "Idempotency-Key"
KEY_PATTERN = re.compile(r"^[\x21-\x7e]{1,200}$")  # visible ASCII: UUIDs and the like
IGNORED_FORM_FIELDS = {"csrf_token"}  # changes per session, not part of what is asked


def idempotent(view):
    """Decorate a create view (under its login/token decorator) to honour `Idempotency-Key`."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None or request.method in ("GET", "HEAD"):
            return view(*args, **kwargs)
        if not KEY_PATTERN.match(key):
            return error_response(400, f"{HEADER} must be 1 to 200 visible ASCII characters (a UUID, say).")
        user_id = _acting_user_id()
        fingerprint = request_fingerprint()
        stored = _stored(user_id, key)
        if stored is not None:
            return replay(stored, fingerprint)
        session = db.session()
        with single_transaction(session):
            try:
                response = make_response(view(*args, **kwargs))
            except BaseException:
                session.rollback()
                raise
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
        return response
    return wrapper


@contextmanager
def single_transaction(session):
    """Inside, `session.commit()` only flushes: whatever the view does commits together with its key.
    Publishing (realtime/outbox) waits for the real commit as always."""
    session.commit = session.flush
    try:
        yield
    finally:
        del session.commit


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
