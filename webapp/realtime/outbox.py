"""The one way a change reaches browsers: `publish` here, never before the change is committed.

Services, event listeners and the ticker call `publish(topic, html)`. When the database session
holds writes that are not committed yet, the message waits on the session and goes out right
after the commit that makes it true; a rollback drops it (nobody hears about something that did
not happen). When nothing is pending (the usual "commit, then publish"), it goes out at once.
"""
from __future__ import annotations

from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..extensions import db

_QUEUE = "focusroom_outbox"
_WROTE = "focusroom_wrote"  # the session flushed writes that are not committed yet


def publish(topic: str, message: str, key: str | None = None) -> None:
    """Publish now, or right after the commit of the writes this session holds."""
    session = db.session()
    if session.info.get(_WROTE) or session.new or session.dirty or session.deleted:
        queue(topic, message, key)
    else:
        _publish(current_app._get_current_object(), topic, message, key)


def queue(topic: str, message: str, key: str | None = None) -> None:
    """Publish `message` on `topic` once the current transaction commits."""
    session = db.session()
    session.info.setdefault(_QUEUE, []).append((current_app._get_current_object(), topic, message, key))


def pending(session: Session | None = None) -> int:
    return len((session or db.session()).info.get(_QUEUE, ()))


@event.listens_for(Session, "after_flush")
def _note_writes(session: Session, _context) -> None:
    session.info[_WROTE] = True


@event.listens_for(Session, "after_commit")
def _publish_after_commit(session: Session) -> None:
    session.info.pop(_WROTE, None)
    for app, topic, message, key in session.info.pop(_QUEUE, ()):
        _publish(app, topic, message, key)


@event.listens_for(Session, "after_rollback")
def _drop_after_rollback(session: Session) -> None:
    session.info.pop(_WROTE, None)
    session.info.pop(_QUEUE, None)


def _publish(app: Flask, topic: str, message: str, key: str | None) -> None:
    from . import publish as hub_publish
    try:
        hub_publish(topic, message, app=app, key=key)
    except Exception:  # a publish must never undo or break the commit it follows
        app.logger.exception("Could not publish to %s", topic)
