"""Solo Pomodoro cycles: a remembered rhythm, an intention, interruptions that hold the countdown,
breaks between focuses, and the one-tap check-in that reaches history and insights."""
from datetime import timedelta

import pytest

from tests.conftest import csrf_token_from
from tests.support import hooks
from webapp.extensions import db
from webapp.focus import services
from webapp.models import FocusSession, Interruption, Room, SoloPreferences, utcnow
from webapp.rooms import services as rooms
from webapp.rooms import timer_service
from webapp.rules.solo import SoloCycle

CYCLE = {"target_minutes": "30", "short_break_minutes": "6", "long_break_minutes": "20", "long_break_every": "2",
         "rounds": "3", "auto_start_breaks": "y", "cycle": "1"}


@pytest.fixture
def ada(make_user, auth):
    user = make_user("ada", timezone="Europe/Berlin")
    auth.login("ada")
    return user


def start(client, **fields):
    page = client.get("/focus").get_data(as_text=True)
    data = {"csrf_token": csrf_token_from(page), "task_id": "0", **fields}
    return client.post("/focus", data=data)


def the_room() -> Room:
    return db.session.query(Room).order_by(Room.id.desc()).first()


def tick(room, at):
    """The ticker's step for this room at `at`."""
    timer_service.advance(room, at)
    db.session.commit()


def connect(room, at):
    participant = room.participants[0]
    participant.connections = 1
    hooks.participant_connected(room, participant, at)
    db.session.commit()
    return participant


def test_the_start_form_offers_the_whole_rhythm_with_the_classic_defaults(client, ada):
    page = client.get("/focus").get_data(as_text=True)
    for label in ("Focus minutes", "Short break minutes", "Long break minutes", "Focuses in this session",
                  "Start breaks automatically", "Start the next focus automatically", "Intention (optional)"):
        assert label in page
    assert 'name="target_minutes" type="number" value="25"' in page or 'value="25"' in page
    assert "25 min focus · 5 min breaks · 4 focuses" in page


def test_starting_runs_the_chosen_cycle_and_remembers_it(client, ada):
    response = start(client, intention="Draft section 2", **CYCLE)
    room = the_room()
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/r/{room.code}")
    assert (room.is_solo, room.work_minutes, room.short_break_minutes, room.long_break_minutes,
            room.long_break_every, room.rounds, room.auto_start_breaks, room.auto_start_work) == (
        True, 30, 6, 20, 2, 3, True, False)
    assert (room.status, room.phase, room.round) == ("running", "work", 1)
    assert room.participants[0].intention == "Draft section 2"
    prefs = db.session.get(SoloPreferences, ada.id)
    assert (prefs.work_minutes, prefs.short_break_minutes, prefs.rounds, prefs.auto_start_work) == (30, 6, 3, False)

    connect(room, utcnow())
    record = db.session.query(FocusSession).one()
    assert (record.intention, record.round, record.target_seconds) == ("Draft section 2", 1, 1800)

    page = client.get(f"/r/{room.code}").get_data(as_text=True)
    assert "Focus 1 of 3" in page and "Draft section 2" in page
    assert "Round" not in page and "Tracking settings (host)" not in page and "Waiting for the host" not in page
    assert "30 min focus · 6 min breaks · 20 min long break after every 2nd · 3 focuses" in page
    for attribute in ('data-phase="work"', 'data-rounds="3"', 'data-work-seconds="1800"',
                      'data-short-break-seconds="360"', 'data-long-break-seconds="1200"', 'data-long-break-every="2"',
                      'data-auto-start-breaks="true"', 'data-auto-start-work="false"', 'data-solo="true"'):
        assert attribute in page
    ends_at = room.phase_ends_at.isoformat(timespec="milliseconds")
    assert f'data-ends-at="{ends_at}"' in page
    assert "data-mute-toggle" in page

    # Next time the form shows the remembered rhythm, and Today's one click starts it.
    csrf = csrf_token_from(page)
    client.post("/focus/end", data={"csrf_token": csrf})
    form = client.get("/focus").get_data(as_text=True)
    assert 'value="30"' in form and 'value="6"' in form and 'value="3"' in form
    today = client.get("/today").get_data(as_text=True)
    assert "Start a 30-minute focus" in today and "30 min focus · 6 min breaks" in today
    client.post("/focus", data={"csrf_token": csrf_token_from(today), "target_minutes": "30", "task_id": "0"})
    again = the_room()
    assert again.id != room.id and (again.rounds, again.short_break_minutes, again.long_break_every) == (3, 6, 2)


def test_a_bad_rhythm_or_intention_is_explained_and_nothing_is_written(client, ada):
    response = start(client, **{**CYCLE, "rounds": "0", "short_break_minutes": ""}, intention="x" * 121)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Choose between 1 and 12 focuses." in page
    assert "Keep it to 120 characters." in page
    assert db.session.query(Room).count() == 0 and db.session.get(SoloPreferences, ada.id) is None


def test_the_service_refuses_a_bad_cycle_with_field_messages(ada):
    with pytest.raises(services.Invalid) as refused:
        services.start_solo(ada, target_minutes=25, cycle=SoloCycle(short_break_minutes=0), intention="\u202e" + "y" * 130)
    assert set(refused.value.fields) == {"short_break_minutes", "intention"}
    assert db.session.query(Room).count() == 0


def test_an_interruption_holds_the_solo_countdown_until_im_back(client, ada):
    t0 = utcnow().replace(microsecond=0)
    room = services.start_solo(ada, target_minutes=25, now=t0)
    connect(room, t0)
    record = db.session.query(FocusSession).one()

    live = services.log_interruption(ada, record.id, type="phone", now=t0 + timedelta(seconds=60))
    db.session.refresh(room)
    assert (room.status, room.remaining_seconds) == ("paused", 24 * 60)
    page = client.get(f"/r/{room.code}").get_data(as_text=True)
    assert "Interrupted: Phone" in page and "the countdown waits for you" in page

    services.end_interruption(ada, live.id, now=t0 + timedelta(seconds=150))
    db.session.refresh(room)
    db.session.refresh(live)
    assert room.status == "running" and room.phase_ends_at == t0 + timedelta(seconds=25 * 60 + 90)
    assert live.duration == 90

    # The focus ends 90 s late (the ticker's step); the 90 s held are not counted as focus.
    tick(room, t0 + timedelta(seconds=25 * 60 + 90))
    db.session.refresh(record)
    assert record.end_time is not None and record.elapsed_ms == 25 * 60 * 1000
    assert room.phase == "short_break"


def test_one_click_interruption_and_back_over_http_pause_and_resume(client, ada):
    start(client, **CYCLE)
    room = the_room()
    connect(room, utcnow())
    csrf = csrf_token_from(client.get(f"/r/{room.code}").get_data(as_text=True))
    client.post("/focus/interrupted", data={"csrf_token": csrf, "type": "noise"}, headers={"HX-Request": "1"})
    db.session.refresh(room)
    assert room.status == "paused"
    live = db.session.query(Interruption).one()
    back = client.post(f"/interruptions/{live.id}/back", data={"csrf_token": csrf, "panel": "now"},
                       headers={"HX-Request": "1"})
    assert "Welcome back." in back.get_data(as_text=True)
    db.session.refresh(room)
    assert room.status == "running"


def test_a_shared_room_is_not_paused_by_one_persons_interruption(client, ada, make_room):
    room = make_room(ada)
    rooms.control(room, ada, "start", utcnow())
    connect(room, utcnow())
    record = db.session.query(FocusSession).one()
    services.log_interruption(ada, record.id, type="noise")
    db.session.refresh(room)
    assert room.status == "running"


def test_between_focuses_the_session_stays_yours(client, ada):
    t0 = utcnow().replace(microsecond=0) - timedelta(minutes=2)
    room = services.start_solo(ada, target_minutes=1, cycle=SoloCycle(rounds=2, auto_start_breaks=False), now=t0)
    connect(room, t0)
    tick(room, t0 + timedelta(seconds=60))  # the focus ends at its deadline: the break waits
    db.session.refresh(room)
    assert (room.status, room.phase) == ("idle", "short_break")
    assert client.get("/focus").headers["Location"].endswith(f"/r/{room.code}")
    page = client.get(f"/r/{room.code}").get_data(as_text=True)
    assert "Start short break" in page and "Start your break when you are ready" in page
    assert "Back to your session" in client.get("/today").get_data(as_text=True)
    with pytest.raises(services.Conflict, match="on a break"):
        services.live_session_now(ada)
    with pytest.raises(services.Conflict, match="running solo session"):
        services.start_solo(ada, target_minutes=25)
    rooms.control(room, ada, "skip", t0 + timedelta(seconds=70))  # skip the waiting break
    db.session.refresh(room)
    assert (room.status, room.phase, room.round) == ("idle", "work", 2)
    assert "Start focus 2" in client.get(f"/r/{room.code}").get_data(as_text=True)


def test_the_check_in_reaches_history_and_insights(client, ada):
    start(client, intention="Draft section 2", **CYCLE)
    room = the_room()
    connect(room, utcnow() - timedelta(seconds=30))
    page = client.get(f"/r/{room.code}").get_data(as_text=True)
    csrf = csrf_token_from(page)
    early = client.post(f"/focus/{room.code}/checkin", data={"csrf_token": csrf, "answer": "done"},
                        headers={"HX-Request": "1"})
    assert "once the session is over" in early.get_data(as_text=True)

    ended = client.post("/focus/end", data={"csrf_token": csrf})
    assert ended.headers["Location"].endswith(f"/r/{room.code}")
    over = client.get(f"/r/{room.code}").get_data(as_text=True)
    assert "Did you do what you set out to do?" in over and 'id="solo-checkin"' in over

    answered = client.post(f"/focus/{room.code}/checkin", data={"csrf_token": csrf, "answer": "partly"},
                           headers={"HX-Request": "1"})
    assert answered.status_code == 200 and "You said: partly" in answered.get_data(as_text=True)
    assert 'aria-pressed="true">Partly' in answered.get_data(as_text=True)
    assert [r.checkin for r in db.session.query(FocusSession)] == ["partly"]

    history = client.get("/history").get_data(as_text=True)
    assert "Intention:</span> Draft section 2" in history and "Partly done" in history
    insights = client.get("/insights?range=all").get_data(as_text=True)
    assert "Intentions" in insights and 'data-checkin="partly">1<' in insights


def test_check_in_answers_and_owners_are_checked(client, ada, make_user):
    start(client, **CYCLE)
    room = the_room()
    connect(room, utcnow() - timedelta(seconds=30))
    csrf = csrf_token_from(client.get(f"/r/{room.code}").get_data(as_text=True))
    client.post("/focus/end", data={"csrf_token": csrf})
    bad = client.post(f"/focus/{room.code}/checkin", data={"csrf_token": csrf, "answer": "maybe"})
    assert bad.status_code == 422
    assert client.post(f"/focus/{room.code}/checkin", data={"answer": "done"}).status_code == 400
    eve = make_user("eve")
    with pytest.raises(services.NotFound):
        services.check_in(eve, room.code, "done")
    assert db.session.query(FocusSession).one().checkin is None
    plain = client.post(f"/focus/{room.code}/checkin", data={"csrf_token": csrf, "answer": "not"})
    assert plain.status_code == 302 and plain.headers["Location"].endswith("/history")
    assert db.session.query(FocusSession).one().checkin == "not"


def test_the_export_and_deletion_cover_the_solo_rhythm(client, ada):
    start(client, intention="Write", **CYCLE)
    connect(the_room(), utcnow())
    data = client.get("/settings/export.json").get_json(force=True)
    assert data["solo_preferences"]["rounds"] == 3 and data["sessions"][0]["intention"] == "Write"
