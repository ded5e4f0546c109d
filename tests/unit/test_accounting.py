"""Activity accounting: threshold edge, away, pauses, breaks, and drift-free folding."""

import random
from dataclasses import asdict

import pytest

from webapp.rules.accounting import (
    ACTIVE,
    AWAY,
    IDLE,
    PAUSED,
    STOPPED,
    Presence,
    Seconds,
    away_too_long,
    begin,
    fold,
    live_mode,
    on_activity,
    on_disconnect,
    on_hidden,
    on_pause,
    on_resume,
    on_visible,
    seconds,
    stop,
)

S = 1000  # milliseconds per second
THRESHOLD = 60 * S
START = 1_763_650_000_000  # an epoch-millisecond moment; tallies must not depend on it


def t(secs):
    return START + int(secs * S)


def tallies(p):
    return (p.elapsed_ms, p.active_ms, p.idle_ms, p.away_ms, p.tab_switches)


def assert_invariants(p):
    assert p.elapsed_ms == p.active_ms + p.idle_ms
    assert 0 <= p.away_ms <= p.idle_ms
    assert (p.away_since_ms is not None) == (p.mode == AWAY)
    whole = seconds(p)
    assert whole.elapsed == whole.active + whole.idle
    assert 0 <= whole.away <= whole.idle


# --- begin and the idle threshold ---------------------------------------------------------


def test_begin_is_active_with_nothing_counted():
    assert begin(t(0)) == Presence(
        mode=ACTIVE, counted_until_ms=t(0), last_activity_ms=t(0), away_since_ms=None
    )


def test_time_within_the_threshold_is_active():
    p = fold(begin(t(0)), t(30), THRESHOLD)
    assert tallies(p) == (30 * S, 30 * S, 0, 0, 0)
    assert p.mode == ACTIVE


@pytest.mark.parametrize(
    ("since_activity_ms", "mode"),
    [(THRESHOLD - 1, ACTIVE), (THRESHOLD, IDLE), (THRESHOLD + 1, IDLE)],
)
def test_threshold_edge(since_activity_ms, mode):
    p = fold(begin(t(0)), t(0) + since_activity_ms, THRESHOLD)
    assert p.mode == mode
    assert live_mode(begin(t(0)), t(0) + since_activity_ms, THRESHOLD) == mode
    # every millisecond up to the threshold itself was active
    assert p.active_ms == min(since_activity_ms, THRESHOLD)
    assert p.idle_ms == since_activity_ms - p.active_ms


def test_time_past_the_threshold_is_idle():
    p = fold(begin(t(0)), t(100), THRESHOLD)
    assert tallies(p) == (100 * S, 60 * S, 40 * S, 0, 0)
    assert p.mode == IDLE


def test_activity_makes_an_idle_person_active_again():
    p = on_activity(fold(begin(t(0)), t(90), THRESHOLD), t(100), THRESHOLD)
    assert p.mode == ACTIVE and p.last_activity_ms == t(100)
    p = fold(p, t(130), THRESHOLD)
    assert tallies(p) == (130 * S, 90 * S, 40 * S, 0, 0)


def test_regular_activity_keeps_a_person_active():
    p = begin(t(0))
    for second in range(50, 1500, 50):
        p = on_activity(p, t(second), THRESHOLD)
    p = fold(p, t(1500), THRESHOLD)
    assert tallies(p) == (1500 * S, 1500 * S, 0, 0, 0)


# --- away: hidden tab and lost connection ---------------------------------------------------


def test_a_hidden_tab_is_away_and_idle_and_counts_one_switch():
    p = on_hidden(begin(t(0)), t(10), THRESHOLD)
    assert (p.mode, p.away_since_ms, p.tab_switches) == (AWAY, t(10), 1)
    p = fold(p, t(40), THRESHOLD)
    assert tallies(p) == (40 * S, 10 * S, 30 * S, 30 * S, 1)


def test_visible_again_is_active_from_that_moment():
    p = on_visible(on_hidden(begin(t(0)), t(10), THRESHOLD), t(40), THRESHOLD)
    assert (p.mode, p.last_activity_ms, p.away_since_ms) == (ACTIVE, t(40), None)
    p = fold(p, t(70), THRESHOLD)
    assert tallies(p) == (70 * S, 40 * S, 30 * S, 30 * S, 1)


def test_a_second_hidden_while_away_counts_nothing_more():
    once = on_hidden(begin(t(0)), t(10), THRESHOLD)
    twice = on_hidden(once, t(20), THRESHOLD)
    assert twice.tab_switches == 1
    assert twice.away_since_ms == t(10)
    assert tallies(fold(twice, t(30), THRESHOLD)) == tallies(fold(once, t(30), THRESHOLD))


def test_each_return_and_leave_counts_a_new_switch():
    p = begin(t(0))
    for second in (10, 30, 50):
        p = on_hidden(p, t(second), THRESHOLD)
        p = on_visible(p, t(second + 5), THRESHOLD)
    assert p.tab_switches == 3
    assert fold(p, t(60), THRESHOLD).away_ms == 15 * S


def test_a_lost_connection_is_away_without_a_tab_switch():
    p = on_disconnect(begin(t(0)), t(10), THRESHOLD)
    assert (p.mode, p.away_since_ms, p.tab_switches) == (AWAY, t(10), 0)
    assert fold(p, t(25), THRESHOLD).away_ms == 15 * S


def test_a_disconnect_while_hidden_keeps_the_earlier_away_moment():
    p = on_disconnect(on_hidden(begin(t(0)), t(10), THRESHOLD), t(20), THRESHOLD)
    assert p.away_since_ms == t(10)
    assert p.tab_switches == 1


def test_activity_clears_away():
    p = on_activity(on_disconnect(begin(t(0)), t(10), THRESHOLD), t(20), THRESHOLD)
    assert (p.mode, p.away_since_ms) == (ACTIVE, None)


# --- pauses --------------------------------------------------------------------------------


def test_paused_time_is_not_counted():
    p = on_pause(begin(t(0)), t(10), THRESHOLD)
    assert p.mode == PAUSED
    p = fold(p, t(500), THRESHOLD)
    assert tallies(p) == (10 * S, 10 * S, 0, 0, 0)
    p = fold(on_resume(p, t(600)), t(620), THRESHOLD)
    assert p.mode == ACTIVE
    assert tallies(p) == (30 * S, 30 * S, 0, 0, 0)


def test_resume_restarts_the_idle_clock():
    p = on_pause(begin(t(0)), t(50), THRESHOLD)
    # 50 s active before the pause; without resetting last activity, 10 s more would be idle
    p = fold(on_resume(p, t(1000)), t(1030), THRESHOLD)
    assert tallies(p) == (80 * S, 80 * S, 0, 0, 0)


def test_a_pause_while_away_ends_the_away_time():
    p = on_pause(on_hidden(begin(t(0)), t(10), THRESHOLD), t(20), THRESHOLD)
    assert (p.mode, p.away_since_ms) == (PAUSED, None)
    assert tallies(fold(p, t(100), THRESHOLD)) == (20 * S, 10 * S, 10 * S, 10 * S, 1)


@pytest.mark.parametrize("event", [on_activity, on_hidden, on_visible, on_disconnect])
def test_presence_events_while_paused_change_nothing_but_the_counted_moment(event):
    paused = on_pause(begin(t(0)), t(10), THRESHOLD)
    p = event(paused, t(20), THRESHOLD)
    assert p == fold(paused, t(20), THRESHOLD)
    assert p.mode == PAUSED


@pytest.mark.parametrize("mode_maker", [begin, lambda at: stop(begin(at), at, THRESHOLD)])
def test_resume_when_not_paused_changes_nothing(mode_maker):
    p = mode_maker(t(0))
    assert on_resume(p, t(10)) == p


# --- breaks: stop at the phase end, begin the next phase afresh ---------------------------------


def test_a_break_is_not_counted_and_the_next_phase_starts_fresh():
    work_1 = stop(begin(t(0)), t(1500), THRESHOLD)
    assert (work_1.mode, tallies(work_1)) == (STOPPED, (1500 * S, 60 * S, 1440 * S, 0, 0))
    # ticks during the break add nothing to the closed phase
    assert tallies(fold(work_1, t(1800), THRESHOLD)) == tallies(work_1)

    work_2 = fold(begin(t(1800)), t(1830), THRESHOLD)
    assert tallies(work_2) == (30 * S, 30 * S, 0, 0, 0)


@pytest.mark.parametrize(
    "event", [on_activity, on_hidden, on_visible, on_disconnect, on_pause, stop]
)
def test_nothing_reopens_a_stopped_phase(event):
    stopped = stop(begin(t(0)), t(10), THRESHOLD)
    p = event(stopped, t(20), THRESHOLD)
    assert p.mode == STOPPED
    assert tallies(p) == tallies(stopped)


# --- drift-free: late, doubled and missing folds --------------------------------------------


def scenario(ticks):
    """One work phase with a few events, folded at `ticks` between them; folded to 300 s."""
    events = [
        (20, on_hidden),
        (45, on_visible),
        (140, on_activity),
        (150, on_pause),
        (170, on_resume),
        (200, on_disconnect),
    ]
    p = begin(t(0))
    for second in sorted(set(ticks) | {second for second, _ in events}):
        p = fold(p, t(second), THRESHOLD)
        for event_second, event in events:
            if event_second == second:
                p = event(p, t(second)) if event is on_resume else event(p, t(second), THRESHOLD)
    return fold(p, t(300), THRESHOLD)


def test_folds_every_second_and_no_folds_at_all_agree():
    assert scenario(range(0, 301)) == scenario([])


def test_a_fold_five_seconds_late_gives_the_same_tallies_as_on_time_folds():
    on_time = scenario(range(0, 301, 10))
    late = scenario([second + 5 for second in range(0, 300, 10)])
    assert tallies(late) == tallies(on_time)
    assert late == on_time


def test_a_doubled_fold_changes_nothing():
    p = on_hidden(begin(t(0)), t(30), THRESHOLD)
    once = fold(p, t(100), THRESHOLD)
    assert fold(once, t(100), THRESHOLD) == once


def test_a_fold_from_the_past_changes_nothing():
    p = fold(begin(t(0)), t(100), THRESHOLD)
    assert fold(p, t(50), THRESHOLD) == p


def test_a_late_event_takes_effect_at_the_counted_moment():
    p = fold(begin(t(0)), t(100), THRESHOLD)
    p = on_hidden(p, t(80), THRESHOLD)
    assert p.away_since_ms == t(100)
    assert tallies(p) == (100 * S, 60 * S, 40 * S, 0, 1)


def test_restart_in_the_middle_matches_an_uninterrupted_run():
    p = on_activity(begin(t(0)), t(30), THRESHOLD)
    uninterrupted = p
    for second in range(31, 1201):
        uninterrupted = fold(uninterrupted, t(second), THRESHOLD)

    persisted = asdict(fold(p, t(40), THRESHOLD))  # last checkpoint before the crash
    restored = Presence(**persisted)
    assert fold(restored, t(1200), THRESHOLD) == uninterrupted


def test_restart_while_away_keeps_counting_away_time():
    persisted = asdict(fold(on_hidden(begin(t(0)), t(10), THRESHOLD), t(20), THRESHOLD))
    p = fold(Presence(**persisted), t(600), THRESHOLD)
    assert tallies(p) == (600 * S, 10 * S, 590 * S, 590 * S, 1)


# --- strict mode ---------------------------------------------------------------------------

GRACE = 30 * S


@pytest.mark.parametrize(
    ("away_for_ms", "too_long"), [(GRACE - 1, False), (GRACE, True), (GRACE + 1, True)]
)
def test_strict_mode_grace(away_for_ms, too_long):
    p = on_hidden(begin(t(0)), t(10), THRESHOLD)
    assert away_too_long(p, t(10) + away_for_ms, GRACE) is too_long


def test_strict_mode_never_flags_someone_who_is_not_away():
    idle = fold(begin(t(0)), t(1000), THRESHOLD)
    back = on_visible(on_hidden(begin(t(0)), t(10), THRESHOLD), t(20), THRESHOLD)
    paused = on_pause(on_hidden(begin(t(0)), t(10), THRESHOLD), t(20), THRESHOLD)
    for p in (idle, back, paused):
        assert away_too_long(p, t(10_000), GRACE) is False


# --- live mode and whole seconds -------------------------------------------------------------


def test_live_mode_does_not_change_the_presence():
    p = begin(t(0))
    assert live_mode(p, t(3600), THRESHOLD) == IDLE
    assert p == begin(t(0))


@pytest.mark.parametrize(
    ("make", "mode"),
    [
        (lambda: on_hidden(begin(t(0)), t(1), THRESHOLD), AWAY),
        (lambda: on_pause(begin(t(0)), t(1), THRESHOLD), PAUSED),
        (lambda: stop(begin(t(0)), t(1), THRESHOLD), STOPPED),
    ],
)
def test_live_mode_shows_the_other_modes_as_they_are(make, mode):
    assert live_mode(make(), t(3600), THRESHOLD) == mode


@pytest.mark.parametrize(
    ("elapsed_ms", "active_ms", "away_ms", "expected"),
    [
        (0, 0, 0, Seconds(0, 0, 0, 0)),
        (3998, 1999, 0, Seconds(3, 1, 2, 0)),
        (1999, 1999, 0, Seconds(1, 1, 0, 0)),
        # away is a part of idle, even after rounding down
        (2500, 1500, 1000, Seconds(2, 1, 1, 1)),
        (2999, 1001, 1998, Seconds(2, 1, 1, 1)),
    ],
)
def test_seconds_keeps_elapsed_equal_to_active_plus_idle(elapsed_ms, active_ms, away_ms, expected):
    p = Presence(
        mode=STOPPED,
        counted_until_ms=0,
        last_activity_ms=0,
        away_since_ms=None,
        elapsed_ms=elapsed_ms,
        active_ms=active_ms,
        idle_ms=elapsed_ms - active_ms,
        away_ms=away_ms,
    )
    assert seconds(p) == expected


# --- random sequences -------------------------------------------------------------------------

EVENTS = [on_activity, on_hidden, on_visible, on_disconnect, on_pause, on_resume, stop]


def random_history(rng):
    """Random (time, event) pairs in time order, with times in ms from START."""
    now, history = 0, []
    for _ in range(rng.randint(1, 40)):
        # edge-prone steps (same moment, 1 ms, the threshold) as well as arbitrary ones
        steps = [0, 1, 999, 1000, THRESHOLD - 1, THRESHOLD, rng.randint(0, 3 * THRESHOLD)]
        now += rng.choice(steps)
        history.append((START + now, rng.choice(EVENTS)))
    return history, START + now + rng.randint(0, 3 * THRESHOLD)


def apply(p, event, at_ms):
    return event(p, at_ms) if event is on_resume else event(p, at_ms, THRESHOLD)


@pytest.mark.parametrize("seed", range(20))
def test_elapsed_is_always_active_plus_idle(seed):
    rng = random.Random(seed)
    for _ in range(25):
        history, end_ms = random_history(rng)
        p = begin(START)
        for at_ms, event in history:
            p = apply(p, event, at_ms)
            assert_invariants(p)
            p = fold(p, at_ms + rng.randint(0, THRESHOLD), THRESHOLD)
            assert_invariants(p)
        assert_invariants(fold(p, end_ms, THRESHOLD))


@pytest.mark.parametrize("seed", range(20))
def test_extra_ticks_between_events_never_change_the_result(seed):
    rng = random.Random(1000 + seed)
    for _ in range(25):
        history, end_ms = random_history(rng)
        untouched, ticked = begin(START), begin(START)
        previous_ms = START
        for at_ms, event in history:
            for _ in range(rng.randint(0, 3)):  # ticks, possibly doubled, before the event
                tick_ms = rng.randint(previous_ms, at_ms)
                ticked = fold(fold(ticked, tick_ms, THRESHOLD), tick_ms, THRESHOLD)
            untouched = apply(untouched, event, at_ms)
            ticked = apply(ticked, event, at_ms)
            previous_ms = at_ms
        assert fold(ticked, end_ms, THRESHOLD) == fold(untouched, end_ms, THRESHOLD)
