"""`/live/me`: a signed-in person's own channel, opened by base.html on every page.

Admission happens before the upgrade, with the room socket's checks: a foreign Origin is refused
(cross-site WebSocket hijacking), visitors get 401 and guests 403 (they have no channel). Once
open, the socket first gets the person's whole current state (every registered state source:
the Messages badge, ...), so a tab that was offline catches up when htmx reconnects; then every
fragment published to `user_channel_topic(user_id)`, through the same hub as the rooms (Redis
across processes). The page sends nothing it needs answered; client messages are ignored.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial

from flask import request
from flask_login import current_user

from .. import realtime
from ..errors import error_response
from ..extensions import db, sock
from ..realtime.sockets import origin_allowed, serve
from ..realtime.topics import user_channel_topic
from . import bp

# What a tab shows of a person's state, each rendered as out-of-band fragments from the user id;
# sent whole on every (re)connect and after an overflow. Wired in webapp/wiring.py.
STATE_SOURCES: list[Callable[[int], str]] = []


@dataclass(frozen=True)
class PageInterest:
    """More topics a page asked for in the socket's query string (the open conversation, ...),
    and its part of the whole state."""
    topics: list[str]
    full_state: Callable[[], str]


# Each takes (user id, the socket's query arguments) and returns a PageInterest, or None when
# the page asked for nothing of its kind or may not have it (checked here, before subscribing).
PAGE_INTERESTS: list[Callable[[int, Mapping[str, str]], PageInterest | None]] = []


@bp.before_request
def _admit_socket():
    if request.endpoint != "live.me":
        return None
    # Loading the person runs deep: apart, so the socket's greenlet stays shallow (see realtime.apart).
    return realtime.apart(_admission)


def _admission():
    if not origin_allowed(request):
        return error_response(403, "Cross-site WebSocket connections are refused.")
    if not current_user.is_authenticated:
        return error_response(401)
    if current_user.is_guest:
        return error_response(403, "Create an account to get live updates.")
    db.session.remove()  # the handshake waits on the network: hold no pooled connection
    return None


@sock.route("/live/me", bp=bp, endpoint="me")
def me(ws):
    user_id = current_user.id
    interests = realtime.apart(_interests, user_id, request.args)
    hub = realtime.get_hub()
    topics = [user_channel_topic(user_id), *(topic for interest in interests for topic in interest.topics)]
    subscription = hub.subscribe(topics)
    try:
        serve(ws, hub, subscription, full_state=partial(full_state, user_id, interests), on_message=_ignore)
    finally:
        hub.unsubscribe(subscription)


def _interests(user_id: int, args: Mapping[str, str]) -> list[PageInterest]:
    try:
        return [found for source in PAGE_INTERESTS if (found := source(user_id, args)) is not None]
    finally:
        db.session.remove()


def full_state(user_id: int, interests: list[PageInterest] = ()) -> str:
    """Every state source's fragments for this person, then the page's own, in order."""
    try:
        return "".join([*(source(user_id) for source in STATE_SOURCES),
                        *(interest.full_state() for interest in interests)])
    finally:
        db.session.remove()


def _ignore(_data: dict) -> None:
    return None
