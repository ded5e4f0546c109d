"""The inbox's "load more" cursor: the last row's (time, conversation id), signed so it cannot be forged."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_MAX_ID = 2**63 - 1
_MAX_MICROS = (datetime(9999, 12, 31, tzinfo=timezone.utc) - _EPOCH) // timedelta(microseconds=1)


def _serializer(name: str) -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt=f"messages-cursor:{name}")


def make(name: str, at: datetime, row_id: int) -> str:
    return _serializer(name).dumps([(at - _EPOCH) // timedelta(microseconds=1), row_id])


def read(name: str, raw: str | None) -> tuple[datetime, int] | None:
    """The key in a cursor; None for none; ValueError for one that was altered or is from elsewhere."""
    if raw is None or raw == "":
        return None
    try:
        if len(raw) > 200:
            raise BadSignature("length")
        micros, row_id = _serializer(name).loads(raw)
    except (BadSignature, ValueError, TypeError):
        raise ValueError("bad cursor") from None
    if not all(isinstance(part, int) and not isinstance(part, bool) for part in (micros, row_id)) \
            or not 0 <= micros <= _MAX_MICROS or not 0 <= row_id <= _MAX_ID:
        raise ValueError("bad cursor")
    return _EPOCH + timedelta(microseconds=micros), row_id
