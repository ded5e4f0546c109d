"""Background services (the ticker), started and stopped in one place.

Features register a starter with `on_start`; create_app() runs them when RUN_TICKER is on: in
the web process by default, or in the clock process (`python -m webapp.clock`, Procfile
`clock:`) with the web processes' RUN_TICKER turned off.
"""
from collections.abc import Callable

from flask import Flask

_starters: list[Callable[[Flask], Callable[[], None] | None]] = []


def on_start(starter: Callable[[Flask], Callable[[], None] | None]):
    """Register `starter(app)`; it may return a stop function."""
    if starter not in _starters:
        _starters.append(starter)
    return starter


def start(app: Flask) -> None:
    stops = app.extensions.setdefault("focusroom_stops", [])
    for starter in _starters:
        stop = starter(app)
        if stop is not None:
            stops.append(stop)


def shutdown(app: Flask) -> None:
    for stop in reversed(app.extensions.pop("focusroom_stops", [])):
        stop()
