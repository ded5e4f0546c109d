"""What tracking adds to the room page, computed before rendering (templates never query)."""
from __future__ import annotations

from flask import Flask, request
from flask_login import current_user

from ..models import utcnow
from ..rooms import services as rooms
from . import figures, prompts
from ..rooms.forms import TrackingSettingsForm
from .services import in_work_phase
from .strict import ANSWER_LABELS

# Labels of interruption types as people read them (the model stores the keys).
TYPE_LABELS = {"family": "Family", "phone": "Phone", "noise": "Noise", "self": "Myself",
               "urgent_task": "Urgent task", "unknown": "Unknown"}


def room_page_context() -> dict:
    """For rooms.room only: the viewer's last phase summary, pending prompt and the host's form."""
    if request.endpoint != "rooms.room" or not current_user.is_authenticated:
        return {}
    try:
        room = rooms.find_room((request.view_args or {}).get("code", ""))
    except rooms.RoomNotFound:
        return {}
    me = rooms.participant_of(room, current_user)
    if me is None:
        return {}
    return {"tracking": {
        "summary": None if in_work_phase(room) else figures.phase_summary(me),
        "prompt": prompts.prompt_for(room, me, utcnow()),
        "settings_form": TrackingSettingsForm(obj=room, formdata=None),
    }}


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(answer_labels=list(ANSWER_LABELS.items()), type_labels=TYPE_LABELS)
    app.context_processor(room_page_context)
