"""Rooms over REST: create, change, close, join, leave and run a room with a bearer token.

The same services and forms as the pages (rooms/services.py, rooms/forms.py), so every rule and
every message is the one a person in the browser meets. Status codes as in contract.py: 400 an
unreadable body, 422 a value the form refuses (with "fields"), 401 no token, 403 not the host,
404 no such room (or one the caller may not see), 409 the timer's state forbids it now.
"""
from flask import g, jsonify

from ..models import utcnow
from ..rooms import services
from ..rooms.forms import (EDITABLE, JsonFormProblem, RoomEditForm, RoomForm, code_problem, create_defaults, edit_base,
                           form_problems, json_form, normalize_code)
from . import bp
from .auth import json_body, token_required
from .contract import ApiError, invalid
from .rooms import room_json


def _room(code: str, *, visible_only: bool = True):
    """The live room by its code; 404 when it does not exist or the caller may not see it."""
    missing = f"No room has the code {normalize_code(code)[:12] or '…'}."
    if code_problem(normalize_code(code)):
        raise ApiError(404, missing)
    try:
        room = services.find_room(code)
        services.ensure_open_to(room, g.api_user)
    except services.RoomNotFound as error:
        raise ApiError(404, error.message) from error
    if visible_only and not services.api_visible(room, g.api_user):
        raise ApiError(404, missing)
    return room


def _valid_form(form_class, values: dict, base: dict):
    try:
        form = json_form(form_class, values, base)
    except JsonFormProblem as problem:
        raise invalid(problem.fields) from None
    if not form.validate():
        raise invalid(form_problems(form))
    return form


def _refused(error: services.RoomError) -> ApiError:
    return ApiError(error.status, error.message)


@bp.post("/rooms")
@token_required
def create_room():
    """The /rooms/new form's fields and rules; the caller is the host and first participant."""
    form = _valid_form(RoomForm, json_body(), create_defaults())
    try:
        room = services.create_room(g.api_user, form.settings(), utcnow())
    except services.RoomError as error:
        raise _refused(error) from error
    return jsonify(room_json(room)), 201


@bp.patch("/rooms/<code>")
@token_required
def change_room(code: str):
    """The host's changes between phases: name and lengths (the room page's edit form)."""
    room = _room(code)
    changes = json_body()
    if not changes:
        raise invalid({"name": "Give at least one of: " + ", ".join(EDITABLE) + "."})
    form = _valid_form(RoomEditForm, changes, edit_base(room))
    try:
        services.edit(room, g.api_user, form.settings(), utcnow())
    except services.RoomError as error:
        raise _refused(error) from error
    return jsonify(room_json(room))


@bp.delete("/rooms/<code>")
@token_required
def close_room(code: str):
    room = _room(code)
    try:
        services.archive(room, g.api_user, utcnow())
    except services.RoomError as error:
        raise _refused(error) from error
    return "", 204


@bp.post("/rooms/<code>/join")
@token_required
def join_room(code: str):
    """Knowing the code is the invitation, as on the pages: private rooms can be joined too."""
    room = _room(code, visible_only=False)
    try:
        services.join(room, g.api_user, utcnow())
    except services.RoomError as error:
        raise _refused(error) from error
    return jsonify(room_json(room))


@bp.post("/rooms/<code>/leave")
@token_required
def leave_room(code: str):
    room = _room(code)
    services.leave(room, g.api_user, utcnow())
    return "", 204


@bp.post("/rooms/<code>/control/<action>")
@token_required
def control_room(code: str, action: str):
    """start, pause, resume, skip, reset or end: the host's buttons."""
    room = _room(code)
    try:
        services.control(room, g.api_user, action, utcnow())
    except services.RoomError as error:
        raise _refused(error) from error
    return jsonify(room_json(room))
