"""Feature blueprints, registered in one place so adding a feature is one line here."""
from flask import Flask


def register_features(app: Flask) -> None:
    # Each feature package exposes `init_app(app)` (blueprint, sockets, jobs). Add new ones below.
    for module_name in FEATURES:
        module = __import__(f"webapp.{module_name}", fromlist=["init_app"])
        module.init_app(app)


# "api" comes last: the features above add their API modules to it first.
FEATURES: list[str] = ["rooms", "tracking", "focus", "insights", "forum", "api"]
