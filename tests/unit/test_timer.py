"""Timer state machine: transitions, refusals, auto-start, catch-up and idempotent ticks."""

from datetime import datetime, timedelta, timezone

import pytest

from webapp.rules.timer import (
    COMPLETED,
    IDLE,
    LONG_BREAK,
    PAUSED,
    RUNNING,
    SHORT_BREAK,
    WORK,
    TimerConfig,
    TimerError,
    TimerState,
    Transition,
    advance,
    end,
    pause,
    progress_at,
    remaining_at,
    reset,
    resume,
    skip,
    start,
)

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=timezone.utc)
WORK_S, SHORT_S, LONG_S = 1500, 300, 900


def at(seconds):
    return T0 + timedelta(seconds=seconds)


def config(**overrides):
    settings = dict(
        work_seconds=WORK_S,
        short_break_seconds=SHORT_S,
        long_break_seconds=LONG_S,
        long_break_every=4,
        rounds=None,
        auto_start_breaks=True,
        auto_start_work=False,
    )
    settings.update(overrides)
    return TimerConfig(**settings)


def started(cfg, seconds=0):
    return start(TimerState.initial(cfg), cfg, at(seconds))


def state_with(status, cfg):
    """A state in `status`, reached through the public functions."""
    idle = TimerState.initial(cfg)
    if status == IDLE:
        return idle
    running = start(idle, cfg, T0)
    if status == RUNNING:
        return running
    if status == PAUSED:
        return pause(running, at(10))
    return end(running, at(10))


def run_all_auto(**overrides):
    return config(auto_start_breaks=True, auto_start_work=True, **overrides)


# --- config -----------------------------------------------------------------


def test_config_defaults_are_a_classic_pomodoro():
    cfg = TimerConfig()
    assert (cfg.work_seconds, cfg.short_break_seconds, cfg.long_break_seconds) == (1500, 300, 900)
    assert cfg.long_break_every == 4
    assert cfg.rounds is None
    assert cfg.auto_start_breaks is True
    assert cfg.auto_start_work is False


@pytest.mark.parametrize(
    "overrides",
    [
        {"work_seconds": 0},
        {"short_break_seconds": -1},
        {"long_break_seconds": 0},
        {"long_break_every": 0},
        {"rounds": 0},
    ],
)
def test_config_rejects_impossible_settings(overrides):
    with pytest.raises(ValueError):
        config(**overrides)


@pytest.mark.parametrize(
    ("phase", "seconds"), [(WORK, WORK_S), (SHORT_BREAK, SHORT_S), (LONG_BREAK, LONG_S)]
)
def test_phase_seconds(phase, seconds):
    assert config().phase_seconds(phase) == seconds


def test_phase_seconds_rejects_an_unknown_phase():
    with pytest.raises(ValueError):
        config().phase_seconds("nap")


# --- start, pause, resume ------------------------------------------------------


def test_initial_state_waits_for_work_phase_one_with_its_full_length():
    assert TimerState.initial(config()) == TimerState(
        status=IDLE,
        phase=WORK,
        round=1,
        phase_ends_at=None,
        remaining_seconds=float(WORK_S),
        work_phases_done=0,
    )


def test_start_sets_the_deadline_from_now():
    state = started(config(), seconds=42)
    assert state.status == RUNNING
    assert state.phase_ends_at == at(42 + WORK_S)
    assert remaining_at(state, at(42 + 100)) == WORK_S - 100


def test_pause_keeps_what_was_left():
    state = pause(started(config()), at(600))
    assert state.status == PAUSED
    assert state.phase_ends_at is None
    assert state.remaining_seconds == WORK_S - 600
    assert remaining_at(state, at(5000)) == WORK_S - 600


def test_pause_resume_preserves_remaining_exactly():
    cfg = config()
    paused_at = T0 + timedelta(seconds=123, microseconds=456_789)
    paused = pause(started(cfg), paused_at)
    resumed_at = T0 + timedelta(hours=3, microseconds=1)
    resumed = resume(paused, resumed_at)
    assert resumed.status == RUNNING
    assert remaining_at(resumed, resumed_at) == paused.remaining_seconds
    assert resumed.phase_ends_at == resumed_at + (at(WORK_S) - paused_at)


def test_several_pauses_add_up_to_exactly_one_phase_of_running_time():
    cfg = config()
    state = started(cfg)
    running_since, ran = T0, timedelta(0)
    for pause_after, pause_for in [(100, 50), (333, 7), (1, 1000)]:
        paused_at = running_since + timedelta(seconds=pause_after)
        state = pause(state, paused_at)
        ran += paused_at - running_since
        running_since = paused_at + timedelta(seconds=pause_for)
        state = resume(state, running_since)
    assert state.phase_ends_at - running_since == timedelta(seconds=WORK_S) - ran


def test_pausing_after_an_unseen_deadline_leaves_nothing_remaining():
    state = pause(started(config()), at(WORK_S + 60))
    assert state.remaining_seconds == 0.0


# --- refusals --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "status", "message"),
    [
        ("start", RUNNING, "The timer is already running."),
        ("start", PAUSED, "The timer is paused; resume it instead."),
        ("start", COMPLETED, "The session is over; reset the timer to start again."),
        ("pause", IDLE, "The timer has not been started."),
        ("pause", PAUSED, "The timer is already paused."),
        ("pause", COMPLETED, "The session is over; reset the timer to start again."),
        ("resume", IDLE, "The timer is not paused."),
        ("resume", RUNNING, "The timer is already running."),
        ("resume", COMPLETED, "The session is over; reset the timer to start again."),
        ("skip", COMPLETED, "The session is over; reset the timer to start again."),
        ("end", COMPLETED, "The session is already over."),
    ],
)
def test_illegal_actions_raise_a_user_facing_timer_error(action, status, message):
    cfg = config()
    state = state_with(status, cfg)
    calls = {
        "start": lambda: start(state, cfg, at(20)),
        "pause": lambda: pause(state, at(20)),
        "resume": lambda: resume(state, at(20)),
        "skip": lambda: skip(state, cfg, at(20)),
        "end": lambda: end(state, at(20)),
    }
    with pytest.raises(TimerError) as raised:
        calls[action]()
    assert str(raised.value) == message


def test_timer_error_is_a_value_error():
    assert issubclass(TimerError, ValueError)


# --- reset and end ------------------------------------------------------------------


@pytest.mark.parametrize("status", [IDLE, RUNNING, PAUSED, COMPLETED])
def test_reset_returns_to_the_initial_state_from_any_status(status):
    cfg = config()
    assert reset(state_with(status, cfg), cfg, at(30)) == TimerState.initial(cfg)


@pytest.mark.parametrize("status", [IDLE, RUNNING, PAUSED])
def test_end_completes_the_session(status):
    cfg = config()
    state = end(state_with(status, cfg), at(30))
    assert state.status == COMPLETED
    assert state.phase_ends_at is None
    assert remaining_at(state, at(30)) == 0.0


def test_a_completed_session_can_start_again_after_reset():
    cfg = config()
    state = reset(state_with(COMPLETED, cfg), cfg, at(40))
    assert start(state, cfg, at(40)).phase_ends_at == at(40 + WORK_S)


# --- advance: phase ends ---------------------------------------------------------------


def test_the_phase_ends_exactly_at_its_deadline():
    cfg = config()
    state = started(cfg)
    just_before = T0 + timedelta(seconds=WORK_S) - timedelta(microseconds=1)
    assert advance(state, cfg, just_before) == (state, [])
    after, transitions = advance(state, cfg, at(WORK_S))
    assert after.phase == SHORT_BREAK
    assert [t.at for t in transitions] == [at(WORK_S)]


def test_a_late_tick_ends_the_phase_at_its_deadline_not_at_the_tick():
    cfg = config()
    state, transitions = advance(started(cfg), cfg, at(WORK_S + 7))
    assert transitions == [
        Transition(
            at=at(WORK_S),
            ended_phase=WORK,
            ended_round=1,
            next_phase=SHORT_BREAK,
            started=True,
            completed=False,
            skipped=False,
        )
    ]
    # the break started at the deadline, so 7 seconds of it are already gone
    assert state.phase_ends_at == at(WORK_S + SHORT_S)
    assert remaining_at(state, at(WORK_S + 7)) == SHORT_S - 7


def test_break_auto_start_off_leaves_the_break_waiting_with_its_full_length():
    cfg = config(auto_start_breaks=False)
    state, transitions = advance(started(cfg), cfg, at(WORK_S + 90))
    assert (state.status, state.phase, state.round) == (IDLE, SHORT_BREAK, 1)
    assert state.remaining_seconds == SHORT_S
    assert state.phase_ends_at is None
    assert transitions[0].started is False
    # and it stays waiting however long the tick keeps running
    assert advance(state, cfg, at(WORK_S + 9999)) == (state, [])


@pytest.mark.parametrize(
    ("auto_start_work", "status", "ends_at"),
    [(False, IDLE, None), (True, RUNNING, at(WORK_S + SHORT_S + WORK_S))],
)
def test_work_auto_start_after_a_break(auto_start_work, status, ends_at):
    cfg = config(auto_start_work=auto_start_work)
    state, transitions = advance(started(cfg), cfg, at(WORK_S + SHORT_S))
    assert (state.status, state.phase, state.round) == (status, WORK, 2)
    assert state.phase_ends_at == ends_at
    assert transitions[-1].started is auto_start_work


def test_work_phases_done_counts_finished_work_phases():
    cfg = run_all_auto()
    state, _ = advance(started(cfg), cfg, at(WORK_S + SHORT_S + WORK_S))
    assert state.work_phases_done == 2
    assert state.round == 2
    assert state.phase == SHORT_BREAK


@pytest.mark.parametrize(
    ("long_break_every", "expected_breaks"),
    [
        (4, [SHORT_BREAK, SHORT_BREAK, SHORT_BREAK, LONG_BREAK, SHORT_BREAK]),
        (2, [SHORT_BREAK, LONG_BREAK, SHORT_BREAK, LONG_BREAK, SHORT_BREAK]),
        (1, [LONG_BREAK] * 5),
    ],
)
def test_a_long_break_follows_every_nth_work_phase(long_break_every, expected_breaks):
    cfg = run_all_auto(long_break_every=long_break_every)
    _, transitions = advance(started(cfg), cfg, at(10 * (WORK_S + LONG_S)))
    breaks = [t.next_phase for t in transitions if t.ended_phase == WORK]
    assert breaks[:5] == expected_breaks


def test_the_session_completes_after_the_last_round_without_a_final_break():
    cfg = run_all_auto(rounds=2)
    state, transitions = advance(started(cfg), cfg, at(10 * WORK_S))
    assert [(t.ended_phase, t.ended_round, t.next_phase) for t in transitions] == [
        (WORK, 1, SHORT_BREAK),
        (SHORT_BREAK, 1, WORK),
        (WORK, 2, None),
    ]
    last = transitions[-1]
    assert last.completed is True and last.started is False
    assert last.at == at(WORK_S + SHORT_S + WORK_S)
    assert state.status == COMPLETED
    assert state.work_phases_done == 2
    assert advance(state, cfg, at(99_999)) == (state, [])


def test_without_rounds_the_session_never_completes():
    cfg = run_all_auto(rounds=None)
    state, transitions = advance(started(cfg), cfg, at(7 * 24 * 3600))
    assert state.status == RUNNING
    assert not any(t.completed for t in transitions)
    assert state.work_phases_done > 100


# --- advance: catch-up and idempotence -----------------------------------------------------


def test_catch_up_after_an_outage_lands_exactly_where_the_clock_says():
    cfg = run_all_auto()
    # work 0-1500, short 1500-1800, work 1800-3300, short 3300-3600, work 3600-5100
    state, transitions = advance(started(cfg), cfg, at(3600))
    assert [t.at for t in transitions] == [at(1500), at(1800), at(3300), at(3600)]
    assert (state.status, state.phase, state.round) == (RUNNING, WORK, 3)
    assert state.phase_ends_at == at(5100)
    assert state.work_phases_done == 2


@pytest.mark.parametrize("tick_every", [1, 7, 61, 1499])
def test_frequent_ticks_and_one_late_tick_agree(tick_every):
    cfg = run_all_auto(long_break_every=2)
    begin = started(cfg)
    late_state, late_transitions = advance(begin, cfg, at(20_000))

    state, ticked_transitions = begin, []
    for second in range(0, 20_000 + 1, tick_every):
        state, transitions = advance(state, cfg, at(second))
        ticked_transitions += transitions
    state, transitions = advance(state, cfg, at(20_000))
    ticked_transitions += transitions

    assert state == late_state
    assert ticked_transitions == late_transitions


def test_catch_up_stops_at_a_phase_that_does_not_auto_start():
    cfg = config(auto_start_breaks=True, auto_start_work=False)
    state, transitions = advance(started(cfg), cfg, at(10 * 3600))
    assert len(transitions) == 2
    assert (state.status, state.phase, state.round) == (IDLE, WORK, 2)


def test_a_doubled_tick_changes_nothing():
    cfg = run_all_auto()
    once, _ = advance(started(cfg), cfg, at(4000))
    twice, transitions = advance(once, cfg, at(4000))
    assert twice == once
    assert transitions == []


def test_a_tick_from_the_past_changes_nothing():
    cfg = run_all_auto()
    state, _ = advance(started(cfg), cfg, at(4000))
    assert advance(state, cfg, at(100)) == (state, [])


@pytest.mark.parametrize("status", [IDLE, PAUSED, COMPLETED])
def test_advance_leaves_a_timer_that_is_not_running_alone(status):
    cfg = config()
    state = state_with(status, cfg)
    assert advance(state, cfg, at(10 * WORK_S)) == (state, [])


# --- skip --------------------------------------------------------------------------


def test_skip_while_running_starts_the_next_phase_now():
    cfg = config(auto_start_breaks=False)
    state, transition = skip(started(cfg), cfg, at(200))
    assert (state.status, state.phase) == (RUNNING, SHORT_BREAK)
    assert state.phase_ends_at == at(200 + SHORT_S)
    assert transition == Transition(
        at=at(200),
        ended_phase=WORK,
        ended_round=1,
        next_phase=SHORT_BREAK,
        started=True,
        completed=False,
        skipped=True,
    )


@pytest.mark.parametrize("status", [IDLE, PAUSED])
def test_skip_while_not_running_leaves_the_next_phase_waiting(status):
    cfg = config()
    state, transition = skip(state_with(status, cfg), cfg, at(200))
    assert (state.status, state.phase, state.round) == (IDLE, SHORT_BREAK, 1)
    assert state.remaining_seconds == SHORT_S
    assert transition.started is False


def test_skipping_a_break_moves_to_the_next_work_phase():
    cfg = config()
    on_break, _ = advance(started(cfg), cfg, at(WORK_S))
    state, transition = skip(on_break, cfg, at(WORK_S + 10))
    assert (state.status, state.phase, state.round) == (RUNNING, WORK, 2)
    assert transition.ended_phase == SHORT_BREAK


def test_a_skipped_work_phase_counts_toward_rounds_but_not_as_done():
    cfg = config(rounds=1)
    state, transition = skip(started(cfg), cfg, at(60))
    assert state.status == COMPLETED
    assert transition.completed is True and transition.next_phase is None
    assert state.work_phases_done == 0


def test_skipped_work_phases_still_lead_to_the_long_break():
    cfg = config(long_break_every=2)
    state = TimerState.initial(cfg)
    state, _ = skip(state, cfg, at(0))  # work 1 -> short break
    state, _ = skip(state, cfg, at(0))  # short break -> work 2
    state, transition = skip(state, cfg, at(0))
    assert transition.next_phase == LONG_BREAK
    assert state.round == 2


# --- remaining and progress ---------------------------------------------------------


def test_remaining_never_goes_negative():
    assert remaining_at(started(config()), at(WORK_S + 500)) == 0.0


@pytest.mark.parametrize(
    ("seconds", "progress"), [(0, 0.0), (375, 0.25), (750, 0.5), (WORK_S, 1.0)]
)
def test_progress_of_a_running_phase(seconds, progress):
    cfg = config()
    assert progress_at(started(cfg), cfg, at(seconds)) == progress


def test_progress_is_clamped_before_the_start_and_after_the_deadline():
    cfg = config()
    state = started(cfg, seconds=100)
    assert progress_at(state, cfg, at(0)) == 0.0
    assert progress_at(state, cfg, at(100_000)) == 1.0


def test_progress_holds_while_paused_and_is_zero_while_idle():
    cfg = config()
    paused = pause(started(cfg), at(750))
    assert progress_at(paused, cfg, at(9999)) == 0.5
    assert progress_at(TimerState.initial(cfg), cfg, at(9999)) == 0.0


def test_a_completed_session_shows_full_progress():
    cfg = config()
    assert progress_at(state_with(COMPLETED, cfg), cfg, at(20)) == 1.0


def test_states_are_immutable():
    state = TimerState.initial(config())
    with pytest.raises(AttributeError):
        state.status = RUNNING  # type: ignore[misc]
