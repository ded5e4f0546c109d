"""Keyset pagination for every API list: `limit`, an opaque `cursor`, and `next` in the answer.

A list answers {"items": [...], "next": "<cursor>" | null}. The cursor holds the sort key of the
last item shown (a time to the microsecond and an id), signed with the app's secret and the
list's name, so a cursor that was altered, truncated or taken from another list is refused
with a 422 instead of being trusted. Keyset (not offset) paging means rows inserted while a
client walks the pages neither shift nor repeat the ones it has yet to see.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta, timezone

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import and_, or_

from ..focus.services.limits import API_LIST_LIMIT, API_MAX_LIST_LIMIT
from .contract import QueryArgs

PAGE_PARAMS = ("limit", "cursor")
MAX_CURSOR_LENGTH = 200
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_MIN_MICROS = (datetime.min.replace(tzinfo=timezone.utc) - _EPOCH) // timedelta(microseconds=1)
_MAX_MICROS = (datetime.max.replace(tzinfo=timezone.utc) - _EPOCH) // timedelta(microseconds=1)
_MAX_ID = 2**63 - 1
_LIMIT_PATTERN = re.compile(r"[0-9]{1,6}")
BAD_CURSOR = "This cursor is not valid here; use the `next` value of the previous page unchanged."

Key = tuple  # (datetime, int) or (int,)


def _serializer(list_name: str) -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt=f"api-cursor:{list_name}")


def _encode_part(part) -> int:
    if isinstance(part, datetime):
        return (part - _EPOCH) // timedelta(microseconds=1)
    return int(part)


def make_cursor(list_name: str, key: Key) -> str:
    return _serializer(list_name).dumps([_encode_part(part) for part in key])


def read_cursor(query: QueryArgs, list_name: str, shape: Sequence[type]) -> Key | None:
    """The key in `cursor`, None on the first page; a problem on `cursor` when it cannot be used.

    `shape` lists each part's type (datetime or int), so a key of the wrong form is refused even
    with a good signature, and no part can overflow datetime arithmetic.
    """
    raw = query.get("cursor")
    if raw is None:
        return None
    try:
        if not raw or len(raw) > MAX_CURSOR_LENGTH:
            raise BadSignature("length")
        parts = _serializer(list_name).loads(raw)
        return _decode(parts, shape)
    except (BadSignature, ValueError):
        query.add("cursor", BAD_CURSOR)
        return None


def _decode(parts, shape: Sequence[type]) -> Key:
    if not isinstance(parts, list) or len(parts) != len(shape):
        raise ValueError("cursor shape")
    key = []
    for part, kind in zip(parts, shape):
        if isinstance(part, bool) or not isinstance(part, int):
            raise ValueError("cursor part")
        if kind is datetime:
            if not _MIN_MICROS <= part <= _MAX_MICROS:
                raise ValueError("cursor time")
            key.append(_EPOCH + timedelta(microseconds=part))
        else:
            if not 0 <= part <= _MAX_ID:
                raise ValueError("cursor id")
            key.append(part)
    return tuple(key)


def read_limit(query: QueryArgs) -> int:
    """`limit`: how many items per page, API_LIST_LIMIT when absent, at most API_MAX_LIST_LIMIT."""
    raw = query.get("limit")
    if raw is None:
        return API_LIST_LIMIT
    if not _LIMIT_PATTERN.fullmatch(raw) or not 1 <= int(raw) <= API_MAX_LIST_LIMIT:
        query.add("limit", f"Give a whole number from 1 to {API_MAX_LIST_LIMIT} (default {API_LIST_LIMIT}).")
        return API_LIST_LIMIT
    return int(raw)


def page_document(rows: Sequence, limit: int, list_name: str, key_of: Callable[[object], Key],
                  to_json: Callable[[object], dict]) -> dict:
    """`rows` were fetched with limit + 1: one extra row tells whether another page exists."""
    shown = list(rows[:limit])
    more = len(rows) > limit and shown
    return {"items": [to_json(row) for row in shown],
            "next": make_cursor(list_name, key_of(shown[-1])) if more else None}


def beyond(columns: Sequence, key: Key, *, descending: bool):
    """The SQL condition "after `key` in this order": (a, b) < (ka, kb) spelled out for every database."""
    first, *rest = columns
    past = first < key[0] if descending else first > key[0]
    if not rest:
        return past
    return or_(past, and_(first == key[0], beyond(rest, key[1:], descending=descending)))
