"""Messages for the live channel, held until the transaction that made them true commits.

The hooks run inside the rooms' transactions and must not publish themselves (the caller commits,
then publishes); what tracking has to say to one person (their phase summary, "What pulled you
away?") is rendered at the hook, queued on the database session, and published right after its
commit. A rollback drops it: nobody hears about something that did not happen.
"""
from __future__ import annotations

from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from .. import realtime
from ..extensions import db

_KEY = "tracking_outbox"


def queue(topic: str, html: str) -> None:
    session = db.session()
    session.info.setdefault(_KEY, []).append((current_app._get_current_object(), topic, html))


@event.listens_for(Session, "after_commit")
def _publish_after_commit(session: Session) -> None:
    for app, topic, html in session.info.pop(_KEY, ()):
        _publish(app, topic, html)


@event.listens_for(Session, "after_rollback")
def _drop_after_rollback(session: Session) -> None:
    session.info.pop(_KEY, None)


def _publish(app: Flask, topic: str, html: str) -> None:
    try:
        realtime.publish(topic, html, app=app)
    except Exception:  # a publish must never undo or break the commit it follows
        app.logger.exception("Could not publish a tracking message to %s", topic)
