"""What is connected to what: features, API modules, background services and event listeners,
in one file (create_app calls `wire`).

Rooms and the timer announce domain events (webapp/events.py) and know nothing of the features
that listen; tracking and achievements subscribe here, and so will messages. Rooms also asks
other features for two things through explicit registries: what a person's row in the list shows
beyond the room's own status, and who handles which message a room page sends.
"""
from __future__ import annotations

import importlib

from flask import Flask

from . import events, lifecycle, realtime

# Feature packages: each `init_app(app)` registers its blueprint, views and page helpers.
FEATURES = ["rooms", "tracking", "focus", "insights", "today", "forum", "privacy", "live", "messages",
            "achievements", "protocol", "pwa"]
# JSON API v1 modules under webapp/api/, registered on the API blueprint in this order.
API_MODULES = ["rooms", "room_actions", "sessions", "interruptions", "tokens", "stats", "me", "forum", "messages",
               "achievements"]


def wire(app: Flask) -> None:
    realtime.init_app(app)
    for name in FEATURES:
        importlib.import_module(f"webapp.{name}").init_app(app)
    from . import api
    api.init_app(app, API_MODULES)
    from .clock import start_ticker
    lifecycle.on_start(start_ticker)  # runs only where RUN_TICKER is on (create_app, clock process)
    wire_listeners()


def wire_listeners() -> None:
    """Process-wide registrations (idempotent: several apps may share a test process)."""
    from .accounts import routes as account_routes
    from .achievements import listeners as achievement_listeners
    from .achievements import services as achievement_services
    from .rooms import sockets as room_sockets
    from .rooms import views as room_views
    from .tracking import figures, listeners, reports

    for event_type, listener in listeners.LISTENERS.items():
        events.listen(event_type, listener)
    # Achievements listen after tracking: a record is closed and scored before it is credited.
    for event_type, listener in achievement_listeners.LISTENERS.items():
        events.listen(event_type, listener)
    if achievement_services.profile_context not in account_routes.PROFILE_SOURCES:
        account_routes.PROFILE_SOURCES.append(achievement_services.profile_context)
    if figures.for_list not in room_views.FIGURE_SOURCES:
        room_views.FIGURE_SOURCES.append(figures.for_list)
    for kind in reports.REPORT_KINDS:
        room_sockets.MESSAGE_HANDLERS[kind] = reports.receive
    room_sockets.MESSAGE_HANDLERS["failed"] = reports.give_up  # the live API's update_status
    _wire_live_channel()


def _wire_live_channel() -> None:
    """What each person's live channel (/live/me) shows on (re)connect, and what pages may ask for."""
    from .live import sockets as live_sockets
    from .messages import live as message_live

    if message_live.badge_html not in live_sockets.STATE_SOURCES:
        live_sockets.STATE_SOURCES.append(message_live.badge_html)
    if message_live.conversation_interest not in live_sockets.PAGE_INTERESTS:
        live_sockets.PAGE_INTERESTS.append(message_live.conversation_interest)
