"""The one way a change reaches browsers: queued in its transaction, published after its commit.

Services and event listeners render what people must see while the change is being made, and
queue it here; the database session publishes the queue right after the commit that made it
true. A rollback drops it: nobody hears about something that did not happen.
"""
from __future__ import annotations

from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..extensions import db

_KEY = "focusroom_outbox"


def queue(topic: str, message: str, key: str | None = None) -> None:
    """Publish `message` on `topic` once the current transaction commits."""
    session = db.session()
    session.info.setdefault(_KEY, []).append((current_app._get_current_object(), topic, message, key))


def pending(session: Session | None = None) -> int:
    return len((session or db.session()).info.get(_KEY, ()))


@event.listens_for(Session, "after_commit")
def _publish_after_commit(session: Session) -> None:
    for app, topic, message, key in session.info.pop(_KEY, ()):
        _publish(app, topic, message, key)


@event.listens_for(Session, "after_rollback")
def _drop_after_rollback(session: Session) -> None:
    session.info.pop(_KEY, None)


def _publish(app: Flask, topic: str, message: str, key: str | None) -> None:
    from . import publish
    try:
        publish(topic, message, app=app, key=key)
    except Exception:  # a publish must never undo or break the commit it follows
        app.logger.exception("Could not publish to %s", topic)
