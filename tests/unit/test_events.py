"""The domain-event mechanism: listeners run inside the announcer's transaction, and browsers
hear only about changes that committed."""
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from webapp import events
from webapp.extensions import db
from webapp.models import User
from webapp.realtime import get_hub, outbox

AT = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


class Thing:
    pass


@pytest.fixture
def listener_cleanup():
    added = []

    def add(event_type, listener):
        events.listen(event_type, listener)
        added.append((event_type, listener))
    yield add
    for event_type, listener in added:
        events.forget(event_type, listener)


def users() -> int:
    return db.session.execute(select(func.count(User.id))).scalar_one()


def test_listeners_run_in_order_and_once_each(listener_cleanup):
    heard = []
    first, second = (lambda e: heard.append(("first", e))), (lambda e: heard.append(("second", e)))
    listener_cleanup(Thing, first)
    listener_cleanup(Thing, second)
    listener_cleanup(Thing, first)  # registering twice does not call twice
    thing = Thing()
    events.announce(thing)
    assert heard == [("first", thing), ("second", thing)]


def test_an_event_nobody_listens_to_is_harmless():
    events.announce(Thing())


def test_a_listener_error_rolls_back_the_announcers_transaction(app, listener_cleanup):
    def write_then_fail(event):
        db.session.add(User(display_name="written by a listener"))
        outbox.queue("room:1", "<p id=x>changed</p>")
        raise RuntimeError("listener failed")

    listener_cleanup(Thing, write_then_fail)
    subscription = get_hub().subscribe(["room:1"])
    before = users()
    with pytest.raises(RuntimeError):
        db.session.add(User(display_name="the announcer's change"))
        events.announce(Thing())
        db.session.commit()
    db.session.rollback()
    assert users() == before
    assert subscription.get(0) is None  # nothing published for the rolled-back change


def test_what_listeners_queue_is_published_only_after_the_commit(app, listener_cleanup):
    listener_cleanup(Thing, lambda event: outbox.queue("room:1", "<p id=x>after</p>"))
    subscription = get_hub().subscribe(["room:1"])
    db.session.add(User(display_name="someone"))
    events.announce(Thing())
    assert subscription.get(0) is None and outbox.pending() == 1
    db.session.commit()
    assert subscription.get(0) == "<p id=x>after</p>"
    assert outbox.pending() == 0


def test_publish_goes_out_at_once_when_nothing_is_pending(app):
    subscription = get_hub().subscribe(["room:1"])
    outbox.publish("room:1", "<p id=x>now</p>")
    assert subscription.get(0) == "<p id=x>now</p>"


def test_publish_waits_for_the_commit_of_pending_writes_and_a_rollback_drops_it(app):
    subscription = get_hub().subscribe(["room:1"])
    db.session.add(User(display_name="pending"))
    db.session.flush()
    outbox.publish("room:1", "<p id=x>rolled back</p>")
    assert subscription.get(0) is None
    db.session.rollback()
    assert subscription.get(0) is None
    db.session.add(User(display_name="committed"))
    outbox.publish("room:1", "<p id=x>committed</p>")
    assert subscription.get(0) is None
    db.session.commit()
    assert subscription.get(0) == "<p id=x>committed</p>"
    outbox.publish("room:1", "<p id=x>after</p>")  # reads since the commit wrote nothing
    assert subscription.get(0) == "<p id=x>after</p>"
