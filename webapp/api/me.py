"""GET/PATCH /api/v1/me: the token user's own profile (display name and time zone)."""
from flask import g, jsonify

from ..accounts.timezones import is_valid_timezone
from ..extensions import db
from ..models import User
from ..textrules import NOT_VISIBLE_MESSAGE, clean_name, clean_text
from . import bp
from .auth import json_body, token_required
from .contract import invalid

EDITABLE = ("display_name", "timezone")
DISPLAY_NAME_MAX = 50


def me_document(user: User) -> dict:
    return {"id": user.id, "username": user.username, "display_name": user.display_name,
            "timezone": user.timezone, "is_guest": user.is_guest,
            "created_at": user.created_at.isoformat() if user.created_at else None}


def _validated_changes(data: dict) -> dict:
    """The changes to apply, or ApiError 422 naming every field at fault (nothing written)."""
    problems, changes = {}, {}
    for key in data:
        if key not in EDITABLE:
            problems[key] = f"Unknown or read-only field; you can change {' and '.join(EDITABLE)}."
    if "display_name" in data:
        name = data["display_name"]
        if not isinstance(name, str) or not clean_text(name):
            problems["display_name"] = "Give a display name (text, not empty)."
        elif clean_name(name) is None:
            problems["display_name"] = NOT_VISIBLE_MESSAGE
        elif len(clean_name(name)) > DISPLAY_NAME_MAX:
            problems["display_name"] = f"Use at most {DISPLAY_NAME_MAX} characters."
        else:
            changes["display_name"] = clean_name(name)
    if "timezone" in data:
        zone = data["timezone"]
        if not isinstance(zone, str) or not is_valid_timezone(zone):
            problems["timezone"] = "Use an IANA time-zone name such as Europe/Berlin or UTC."
        else:
            changes["timezone"] = zone
    if problems:
        raise invalid(problems)
    return changes


@bp.get("/me")
@token_required
def me():
    return jsonify(me_document(g.api_user))


@bp.patch("/me")
@token_required
def update_me():
    changes = _validated_changes(json_body())
    for key, value in changes.items():
        setattr(g.api_user, key, value)
    db.session.commit()
    return jsonify(me_document(g.api_user))
