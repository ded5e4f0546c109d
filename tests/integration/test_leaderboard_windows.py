"""The everyone board in the viewer's own window: exact per zone, across DST, opt-in, debits, repeats."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from tests.support.achievements import record
from webapp import events
from webapp.accounts.timezones import zone_of
from webapp.achievements import boards, services, windows
from webapp.extensions import db
from webapp.focus import services as focus
from webapp.models import BoardWindow, FocusQuarter, User, WindowTotal
from webapp.rules import leaderboard as rules

UTC = timezone.utc
NOW = datetime(2026, 3, 2, 20, 0, tzinfo=UTC)  # Tue 01:30 in Kolkata (+05:30), Mon 12:00 in Los Angeles (-08:00)


def everyone(viewer, period, now=NOW):
    result = boards.board(viewer, "global", period, now)
    return {row.name: row.seconds for row in result.rows}


def from_quarters(viewer, period, now=NOW):
    """The same board summed from scratch over every listed person's quarters in the viewer's window."""
    _, first, after = rules.window(period, now, zone_of(viewer.timezone))
    rows = db.session.execute(
        select(User.display_name, func.sum(FocusQuarter.seconds)).join(User, User.id == FocusQuarter.user_id)
        .where(FocusQuarter.quarter >= first, FocusQuarter.quarter < after, User.on_global_board.is_(True),
               User.profile_private.is_(False), User.is_guest.is_(False))
        .group_by(User.display_name)).all()
    return {name: int(seconds) for name, seconds in rows if seconds}


def test_viewers_in_two_zones_see_their_own_today_and_week(make_user):
    kolkata = make_user("kolkata", timezone="Asia/Kolkata")
    los_angeles = make_user("la", timezone="America/Los_Angeles")
    for period in ("day", "week"):  # Kolkata's windows exist before the sessions: credited as they come
        assert everyone(kolkata, period) == {}
    ana = make_user("ana", display_name="Ana", on_global_board=True)
    ben = make_user("ben", display_name="Ben", on_global_board=True)
    record(ana, datetime(2026, 3, 2, 18, 0, tzinfo=UTC), 60)  # Kolkata 23:30-00:30; LA Monday 10:00-11:00
    record(ben, datetime(2026, 3, 1, 19, 0, tzinfo=UTC), 60)  # Kolkata Monday 00:30; LA Sunday 11:00
    assert everyone(kolkata, "day") == {"Ana": 30 * 60} == from_quarters(kolkata, "day")
    assert everyone(kolkata, "week") == {"Ana": 60 * 60, "Ben": 60 * 60} == from_quarters(kolkata, "week")
    # Los Angeles' windows are made now, filled from the quarters.
    assert everyone(los_angeles, "day") == {"Ana": 60 * 60} == from_quarters(los_angeles, "day")
    assert everyone(los_angeles, "week") == {"Ana": 60 * 60} == from_quarters(los_angeles, "week")
    # More focus after both zones' windows exist reaches both, each in its own window.
    record(ben, datetime(2026, 3, 2, 19, 0, tzinfo=UTC), 30)  # Kolkata Tuesday 00:30; LA Monday 11:00
    assert everyone(kolkata, "day") == {"Ana": 30 * 60, "Ben": 30 * 60}
    assert everyone(los_angeles, "day") == {"Ana": 60 * 60, "Ben": 30 * 60}
    assert everyone(los_angeles, "week") == {"Ana": 60 * 60, "Ben": 30 * 60} == from_quarters(los_angeles, "week")


def test_a_session_across_a_dst_change_in_the_viewers_zone(make_user):
    viewer = make_user("viewer", timezone="America/Los_Angeles")
    sunday = datetime(2026, 3, 8, 20, 0, tzinfo=UTC)  # 13:00 PDT; clocks went forward at 10:00 UTC
    assert everyone(viewer, "week", sunday) == {}
    dana = make_user("dana", display_name="Dana", on_global_board=True)
    record(dana, datetime(2026, 3, 8, 7, 30, tzinfo=UTC), 180)  # Sat 23:30 PST - Sun 03:30 PDT
    record(dana, datetime(2026, 3, 9, 7, 15, tzinfo=UTC), 30)  # Mon 00:15 PDT: next week (at -08:00 it would not be)
    assert everyone(viewer, "day", sunday) == {"Dana": 150 * 60}  # from local midnight, 08:00 UTC
    assert everyone(viewer, "week", sunday) == {"Dana": 180 * 60}  # the week ends at 07:00 UTC, after the change
    assert everyone(viewer, "week", sunday) == from_quarters(viewer, "week", sunday)


def test_opted_out_private_and_guests_never_appear_and_changes_follow_at_once(make_user, make_guest):
    viewer = make_user("viewer", display_name="Viewer", on_global_board=True)
    assert everyone(viewer, "week") == {}
    keen = make_user("keen", display_name="Keen", on_global_board=True)
    shy = make_user("shy", display_name="Shy")
    private = make_user("private", display_name="Private", on_global_board=True)
    private.profile_private = True
    guest = make_guest("Visitor")
    guest.on_global_board = True
    db.session.commit()
    for minutes, person in enumerate((keen, shy, private, guest), start=1):
        record(person, datetime(2026, 3, 2, 9, 0, tzinfo=UTC), 10 * minutes)
    assert everyone(viewer, "week") == {"Keen": 10 * 60}
    assert db.session.execute(select(func.count()).select_from(WindowTotal)).scalar_one() == 1

    services.set_visibility(shy, on_global_board=True, profile_private=False)
    services.set_visibility(keen, on_global_board=True, profile_private=True)
    assert everyone(viewer, "week") == {"Shy": 20 * 60}
    services.set_visibility(shy, on_global_board=False, profile_private=False)
    services.set_visibility(keen, on_global_board=True, profile_private=False)
    assert everyone(viewer, "week") == {"Keen": 10 * 60} == from_quarters(viewer, "week")


def test_a_repeated_announcement_credits_the_windows_once(make_user):
    viewer = make_user("viewer", timezone="Asia/Kolkata")
    assert everyone(viewer, "month") == {}
    ana = make_user("ana", display_name="Ana", on_global_board=True)
    session = record(ana, datetime(2026, 3, 2, 9, 0, tzinfo=UTC), 25)
    events.announce(events.SessionRecorded(session, session.end_time))
    db.session.commit()
    assert everyone(viewer, "month") == {"Ana": 25 * 60}


def test_the_viewers_rank_and_seconds_come_from_their_own_window(make_user):
    viewer = make_user("viewer", display_name="Viewer", timezone="Asia/Kolkata", on_global_board=True)
    other = make_user("other", display_name="Other", on_global_board=True)
    record(other, datetime(2026, 3, 2, 18, 0, tzinfo=UTC), 60)
    record(viewer, datetime(2026, 3, 2, 18, 0, tzinfo=UTC), 40)  # 23:30-00:10 in Kolkata: 10 min today
    result = boards.board(viewer, "global", "day", NOW)
    assert [(row.rank, row.name, row.seconds) for row in result.rows] == [(1, "Other", 30 * 60),
                                                                          (2, "Viewer", 10 * 60)]
    assert result.viewer_seconds == 10 * 60


def test_ended_windows_are_pruned_when_a_new_one_is_made(make_user):
    viewer = make_user("viewer", on_global_board=True)
    record(viewer, datetime(2026, 3, 2, 9, 0, tzinfo=UTC), 25)
    everyone(viewer, "day")
    later = NOW + timedelta(days=3)
    everyone(viewer, "day", later)
    spans = db.session.execute(select(BoardWindow.first_quarter).order_by(BoardWindow.first_quarter)).scalars().all()
    _, today, tomorrow = rules.window("day", later, UTC)
    assert spans == [today, tomorrow]  # and the next day's, made with it
    assert db.session.execute(select(func.count()).select_from(WindowTotal)).scalar_one() == 0


def test_the_next_window_is_made_ahead_and_credited_before_its_period_starts(make_user):
    viewer = make_user("viewer", display_name="Viewer", timezone="Asia/Kolkata", on_global_board=True)
    assert everyone(viewer, "week") == {}  # this week's window, and next week's
    next_monday = datetime(2026, 3, 9, 0, 0, tzinfo=zone_of("Asia/Kolkata"))
    record(viewer, next_monday + timedelta(hours=9), 50)
    made = db.session.execute(select(func.count()).select_from(BoardWindow)).scalar_one()
    assert everyone(viewer, "week", next_monday + timedelta(days=1)) == {"Viewer": 50 * 60}
    # Found, not made: the week turned without a fill.
    assert db.session.execute(select(func.count()).select_from(BoardWindow)).scalar_one() == made == 2


NINE = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ZONES = ("UTC", "Asia/Kolkata", "America/Los_Angeles", "Pacific/Chatham")


def stored_windows(user) -> dict[int, int]:
    return dict(db.session.execute(select(WindowTotal.window_id, WindowTotal.seconds)
                                   .where(WindowTotal.user_id == user.id)).all())


def windows_from(quarters: dict[int, int]) -> dict[int, int]:
    found = {}
    for window_id, first, after in db.session.execute(
            select(BoardWindow.id, BoardWindow.first_quarter, BoardWindow.after_quarter)).all():
        seconds = sum(s for q, s in quarters.items() if first <= q < after)
        if seconds:
            found[window_id] = seconds
    return found


@pytest.mark.parametrize("seed", range(3))
def test_any_order_of_recording_and_deleting_leaves_every_window_exact(make_user, seed):
    import random
    from tests.integration.test_leaderboard_deletion import expected_quarters
    rng = random.Random(seed)
    friend = make_user("friend", on_global_board=True)
    later = NINE + timedelta(hours=6)
    for zone in ZONES:  # windows in several zones, open before any credit
        for period in rules.PERIODS:
            windows.window_id(period, later, zone_of(zone))
    kept = []
    for _ in range(6):
        start = NINE + timedelta(minutes=rng.randrange(-600, 240))  # some across local midnights
        minutes = rng.randrange(10, 120)
        kept.append(record(friend, start, minutes, active_minutes=minutes * rng.uniform(0.3, 1.0)))
        assert stored_windows(friend) == windows_from(expected_quarters(kept))
    for gone in rng.sample(kept, 4):
        focus.delete_session(friend, gone.id)
        kept.remove(gone)
        assert stored_windows(friend) == windows_from(expected_quarters(kept))


@pytest.fixture
def file_app(database_kind, tmp_path):
    """Two sessions that really are two connections (a SQLite file, not the shared in-memory one)."""
    from tests.conftest import build_app
    app = build_app(database_kind, tmp_path)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def test_a_window_made_while_a_credit_is_in_flight_misses_nothing(file_app):
    import threading
    from tests.support.factories import make_user
    viewer = make_user("viewer", timezone="Asia/Kolkata")
    ana = make_user("ana", display_name="Ana", on_global_board=True)
    record(ana, datetime(2026, 3, 2, 18, 0, tzinfo=UTC), 60, commit=False)  # credited, not yet committed
    errors = []

    def first_viewer():
        with file_app.app_context():
            try:
                windows.window_id("day", NOW, zone_of("Asia/Kolkata"))
            except Exception as error:  # reported below, in the test's thread
                errors.append(error)
            finally:
                db.session.remove()

    thread = threading.Thread(target=first_viewer)
    thread.start()
    thread.join(timeout=1.0)
    assert thread.is_alive()  # the fill waits for the credit's transaction
    db.session.commit()
    thread.join(timeout=10)
    assert errors == [] and not thread.is_alive()
    assert everyone(viewer, "day") == {"Ana": 30 * 60}


def in_thread(app, work, errors):
    import threading

    def run():
        with app.app_context():
            try:
                work()
            except Exception as error:  # reported in the test's thread
                errors.append(error)
            finally:
                db.session.remove()
    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_a_credit_made_while_a_window_is_being_filled_lands_in_it_once(file_app, database_kind, monkeypatch):
    """PostgreSQL commits a new window before filling it: a credit meanwhile does not wait for the
    fill (up to seconds at full size), adds to the window itself, and the fill adds only what came
    before. SQLite's fill holds the credit off until it commits. Either way: in it once."""
    import threading
    from tests.support.factories import make_user
    viewer = make_user("viewer", timezone="Asia/Kolkata")
    ana = make_user("ana", display_name="Ana", on_global_board=True)
    record(ana, datetime(2026, 3, 2, 18, 30, tzinfo=UTC), 30)  # in the window before it exists
    ana_id, viewer_id = ana.id, viewer.id
    db.session.remove()
    reached, go_on, errors = threading.Event(), threading.Event(), []
    postgresql = database_kind == "postgresql"
    pause_at = "_add_chunk" if postgresql else "_prune"  # PostgreSQL: the window is committed by then
    original = getattr(windows, pause_at)

    def paused(*args):
        reached.set()
        go_on.wait(10)
        original(*args)

    monkeypatch.setattr(windows, pause_at, paused)
    filler = in_thread(file_app, lambda: windows.window_id("day", NOW, zone_of("Asia/Kolkata")), errors)
    assert reached.wait(10)
    credit = in_thread(file_app, lambda: record(db.session.get(User, ana_id),
                                                datetime(2026, 3, 2, 19, 0, tzinfo=UTC), 20), errors)
    credit.join(timeout=3.0 if postgresql else 1.0)
    assert credit.is_alive() is not postgresql  # PostgreSQL: done while the fill waits; SQLite: waiting
    go_on.set()
    filler.join(timeout=10)
    credit.join(timeout=10)
    assert errors == [] and not filler.is_alive() and not credit.is_alive()
    viewer = db.session.get(User, viewer_id)
    assert everyone(viewer, "day") == {"Ana": 50 * 60} == from_quarters(viewer, "day")


def test_a_window_left_filling_is_finished_by_its_next_viewer(make_user, monkeypatch):
    """Its filler died after making it (the window stays `filling`): the next viewer waits a while,
    then fills it itself, exactly."""
    viewer = make_user("viewer", timezone="Asia/Kolkata")
    ana = make_user("ana", display_name="Ana", on_global_board=True)
    record(ana, datetime(2026, 3, 2, 18, 30, tzinfo=UTC), 30)
    _, first, after = rules.window("day", NOW, zone_of("Asia/Kolkata"))
    made = db.session.execute(windows._MAKE, {"period": "day", "first": first, "after": after, "created_at": NOW,
                                              "filling": True}).scalar()
    db.session.commit()
    record(ana, datetime(2026, 3, 2, 19, 0, tzinfo=UTC), 20)  # credited to the window as it is
    monkeypatch.setattr(windows, "FILL_WAIT_SECONDS", 0.2)
    assert everyone(viewer, "day") == {"Ana": 50 * 60} == from_quarters(viewer, "day")
    assert db.session.get(BoardWindow, made).filling is False


def test_opting_in_while_a_credit_is_in_flight_misses_nothing(file_app):
    """Relisting moves the person's rows under the same lock as a fill: it waits for the credit
    in flight (which read them as not listed) and then fills them from quarters that include it."""
    import threading
    from tests.support.factories import make_user
    viewer = make_user("viewer", timezone="Asia/Kolkata")
    assert everyone(viewer, "day") == {}  # the window exists, empty
    ana = make_user("ana", display_name="Ana")  # not on the everyone board yet
    record(ana, datetime(2026, 3, 2, 18, 0, tzinfo=UTC), 60, commit=False)  # credited, not yet committed
    ana_id, errors = ana.id, []

    def opt_in():
        with file_app.app_context():
            try:
                services.set_visibility(db.session.get(User, ana_id), on_global_board=True, profile_private=False)
            except Exception as error:  # reported below, in the test's thread
                errors.append(error)
            finally:
                db.session.remove()

    thread = threading.Thread(target=opt_in)
    thread.start()
    thread.join(timeout=1.0)
    assert thread.is_alive()  # relisting waits for the credit's transaction
    db.session.commit()
    thread.join(timeout=10)
    assert errors == [] and not thread.is_alive()
    db.session.expire_all()
    assert everyone(viewer, "day") == {"Ana": 30 * 60} == from_quarters(viewer, "day")
