"""`flask insights seed-demo`: only data the focus log itself would accept, and safe to run twice."""
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from webapp.extensions import db
from webapp.focus import services
from webapp.focus.services.limits import MAX_SESSION
from webapp.insights.sample import seed_history
from webapp.models import FocusSession, utcnow

ZONES = ("Pacific/Kiritimati", "Pacific/Auckland", "Asia/Tokyo", "Asia/Kolkata", "Europe/Berlin",
         "America/Sao_Paulo", "America/New_York", "America/Denver", "Pacific/Honolulu", "Pacific/Pago_Pago")


def early_morning_zone() -> str:
    """A zone where it is before 07:00 now, so today's demo slots all lie in the future."""
    return next(name for name in ZONES if utcnow().astimezone(ZoneInfo(name)).hour < 7)


def sessions_of(user) -> list[FocusSession]:
    db.session.expire_all()
    return db.session.query(FocusSession).filter_by(user_id=user.id).order_by(FocusSession.start_time).all()


def assert_acceptable(sessions, now) -> None:
    for session in sessions:
        assert session.end_time <= now and session.end_time - session.start_time <= MAX_SESSION
        assert session.duration_seconds == (session.end_time - session.start_time) // timedelta(seconds=1)
        assert session.status == "completed"
        assert all(session.start_time <= i.start_time and i.end_time <= session.end_time
                   for i in session.interruptions)
    for before, after in zip(sessions, sessions[1:]):
        assert before.end_time <= after.start_time, f"sessions {before.id} and {after.id} overlap"


def test_seed_demo_writes_nothing_after_now_and_nothing_overlapping(runner, make_user):
    me = make_user("demo", timezone=early_morning_zone())
    first = runner.invoke(args=["insights", "seed-demo", "demo", "--days", "14"])
    assert first.exit_code == 0 and "sessions to demo's log" in first.output
    seeded = sessions_of(me)
    assert len(seeded) > 10
    assert_acceptable(seeded, utcnow())
    today = utcnow().astimezone(ZoneInfo(me.timezone)).date()
    assert all(s.start_time.astimezone(ZoneInfo(me.timezone)).date() < today for s in seeded)


def test_running_it_twice_says_the_demo_data_is_there_and_adds_nothing(runner, make_user):
    me = make_user("demo", timezone="Europe/Berlin")
    runner.invoke(args=["insights", "seed-demo", "demo", "--days", "10"])
    before = len(sessions_of(me))
    again = runner.invoke(args=["insights", "seed-demo", "demo", "--days", "10"])
    assert again.exit_code == 0 and "already in demo's log: nothing added" in again.output
    assert len(sessions_of(me)) == before
    other_seed = runner.invoke(args=["insights", "seed-demo", "demo", "--days", "10", "--seed", "8"])
    assert other_seed.exit_code == 0
    assert_acceptable(sessions_of(me), utcnow())  # whatever another seed added fits in between


def test_it_works_around_sessions_already_in_the_log(runner, make_user):
    me = make_user("demo", timezone="Europe/Berlin")
    zone = ZoneInfo("Europe/Berlin")
    yesterday = utcnow().astimezone(zone).date() - timedelta(days=1)
    whole_day = services.create_manual(me, start_time=datetime.combine(yesterday, time(0, 30), tzinfo=zone),
                                       end_time=datetime.combine(yesterday, time(23, 30), tzinfo=zone), note="mine")
    running = services.start_session(me, target_minutes=25, now=utcnow() - timedelta(minutes=5))
    runner.invoke(args=["insights", "seed-demo", "demo", "--days", "5"])
    sessions = [s for s in sessions_of(me) if s.id != running.id]
    assert whole_day.id in {s.id for s in sessions} and len(sessions) > 1
    assert_acceptable(sessions, utcnow())
    assert all(s.end_time <= running.start_time for s in sessions)  # a running one lasts until now


def test_bad_arguments_are_refused_clearly(runner, make_user):
    make_user("demo")
    missing = runner.invoke(args=["insights", "seed-demo", "nobody"])
    assert missing.exit_code != 0 and "No account named 'nobody'" in missing.output
    for days in ("0", "-3", "many"):
        refused = runner.invoke(args=["insights", "seed-demo", "demo", "--days", days])
        assert refused.exit_code == 2 and "--days" in refused.output


def test_the_sample_never_lays_a_session_past_an_injected_now(app, make_user):
    me = make_user("demo", timezone="UTC")
    now = datetime(2026, 3, 4, 7, 10, tzinfo=timezone.utc)  # a Wednesday, before any demo slot ends
    written = seed_history(me, 3, now=now, skip_chance=0)
    seeded = sessions_of(me)
    assert written == len(seeded) > 0
    assert_acceptable(seeded, now)
    assert all(s.start_time.date() < now.date() for s in seeded)
