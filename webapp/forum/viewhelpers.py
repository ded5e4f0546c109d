"""What the forum's views share: who is reading, errors next to fields, htmx or not."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import redirect, request
from flask_login import current_user

from ..errors import abort_with
from .services import ForumError


def reader():
    """The signed-in person (guests included), or None."""
    return current_user if current_user.is_authenticated else None


def is_htmx() -> bool:
    return bool(request.headers.get("HX-Request"))


def put_errors(form, error: ForumError) -> None:
    """Each problem next to its field; anything without a field above the form."""
    placed = False
    for name, message in error.fields.items():
        field = getattr(form, name, None)
        if field is not None:
            field.errors = list(field.errors) + [message]
            placed = True
    if not placed:
        form.form_errors.append(error.message)


def fail(error: ForumError):
    """A 403/404/409 as the site's error page or fragment, with the service's sentence."""
    abort_with(error.status, error.message)


def safe_back(default: str):
    target = request.values.get("next", "") or request.referrer or ""
    parts = urlsplit(target)
    if parts.netloc and parts.netloc != request.host:
        return redirect(default)
    path = parts.path + (f"?{parts.query}" if parts.query else "") + (f"#{parts.fragment}" if parts.fragment else "")
    return redirect(path if path.startswith("/") and not path.startswith("//") else default)


def int_arg(name: str) -> int | None:
    try:
        return int(request.args.get(name, ""))
    except ValueError:
        return None
