"""The live "you earned it" toast, sent on the person's user channel after the commit.

Contract with the messages feature: `realtime.topics.user_channel_topic(user_id)` names the
channel every page of a signed-in person listens to, and base.html has `<div id="toasts">`; a
message `<div hx-swap-oob="beforeend:#toasts">...</div>` appends a toast there.
"""
from __future__ import annotations

from contextlib import nullcontext

from flask import current_app, has_request_context

from ..realtime import outbox
from ..realtime.topics import user_channel_topic
from ..rules.achievements import Achievement


def _topic(user_id: int) -> str:
    return user_channel_topic(user_id)


def announce(user_id: int, achievement: Achievement) -> None:
    topic = _topic(user_id)
    # The ticker has no request (url_for needs one); context processors are not wanted in a push.
    with nullcontext() if has_request_context() else current_app.test_request_context("/"):
        html = current_app.jinja_env.get_template("achievements/_toast.html").render(achievement=achievement)
    outbox.publish(topic, html)
