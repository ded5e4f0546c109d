"""The clock ends the transactions it only read in with COMMIT, never ROLLBACK: psycopg drops a
connection's prepared statements at every ROLLBACK, and the clock ends a read transaction every
second, so nothing it ran (a closed phase's unlock check, say) would ever stay prepared."""
from datetime import datetime, timedelta, timezone

from sqlalchemy import event

from webapp import transactions
from webapp.extensions import db
from webapp.models import User
from webapp.rooms import services, ticking

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def test_ticks_and_time_updates_end_without_a_rollback(make_room, make_user):
    host = make_user("host")
    room = make_room(host, now=at(0), work_minutes=1)
    services.control(room, host, "start", at(0))
    room_id, room_type = room.id, type(room)
    rollbacks = []

    def count(connection):
        rollbacks.append(connection)

    event.listen(db.engine, "rollback", count)
    try:
        for second in (1, 2, 60, 61):  # quiet ticks, and the one that ends the focus
            ticking.tick(at(second))
            ticking.send_time(at(second))
            db.session.remove()  # as the clock's jobs end
    finally:
        event.remove(db.engine, "rollback", count)
    assert rollbacks == []
    assert db.session.get(room_type, room_id).phase == "short_break"


def test_ending_a_read_never_writes_what_is_pending(make_user):
    ana = make_user("ana")
    db.session.commit()
    ana.timezone = "Asia/Kolkata"  # changed by mistake during a read
    transactions.end_read()
    assert db.session.get(User, ana.id).timezone != "Asia/Kolkata"
