"""Solo Pomodoro rules: a person's rhythm, its words (no room jargon), an interruption holding the
countdown, and the check-in breakdown. Pure: every moment is given, nothing sleeps."""
from datetime import datetime, timedelta, timezone

import pytest

from webapp.rules import solo
from webapp.rules.timer import (COMPLETED, IDLE, LONG_BREAK, PAUSED, RUNNING, SHORT_BREAK, WORK, TimerState,
                                advance, pause, remaining_at, resume, skip, start)

T0 = datetime(2026, 12, 2, 9, 0, tzinfo=timezone.utc)


def at(seconds):
    return T0 + timedelta(seconds=seconds)


def test_the_classic_pomodoro_is_the_default():
    cycle = solo.SoloCycle()
    assert (cycle.work_minutes, cycle.short_break_minutes, cycle.long_break_minutes, cycle.long_break_every,
            cycle.rounds, cycle.auto_start_breaks, cycle.auto_start_work) == (25, 5, 15, 4, 4, True, False)
    assert cycle.problems() == {}


@pytest.mark.parametrize("field, value", [("short_break_minutes", 0), ("long_break_minutes", 121),
                                          ("long_break_every", 13), ("rounds", 0), ("rounds", None),
                                          ("work_minutes", 181), ("rounds", True)])
def test_values_outside_their_limits_are_named(field, value):
    problems = solo.SoloCycle(**{field: value}).problems()
    assert list(problems) == [field] and "whole number" in problems[field]


def test_a_cycle_runs_focus_break_focus_long_break_and_completes_without_a_last_break():
    cycle = solo.SoloCycle(work_minutes=1, short_break_minutes=1, long_break_minutes=2, long_break_every=2,
                           rounds=3, auto_start_breaks=True, auto_start_work=True)
    cfg = cycle.timer_config()
    state = start(TimerState.initial(cfg), cfg, T0)
    seen = []
    for second in range(0, 7 * 60, 30):
        state, transitions = advance(state, cfg, at(second))
        seen += [(t.ended_phase, t.ended_round, t.next_phase) for t in transitions]
    assert seen == [(WORK, 1, SHORT_BREAK), (SHORT_BREAK, 1, WORK), (WORK, 2, LONG_BREAK), (LONG_BREAK, 2, WORK),
                    (WORK, 3, None)]
    assert state.status == COMPLETED and state.work_phases_done == 3


def test_without_auto_start_the_break_waits_for_the_person():
    cfg = solo.SoloCycle(work_minutes=1, rounds=2, auto_start_breaks=False).timer_config()
    state = start(TimerState.initial(cfg), cfg, T0)
    state, transitions = advance(state, cfg, at(61))
    assert (state.status, state.phase, state.round) == (IDLE, SHORT_BREAK, 1)
    assert transitions[0].at == at(60) and not transitions[0].started


def test_an_interruption_holds_the_countdown_until_im_back():
    """Paused at 10 s for 90 s: the focus still has its 50 s left, and its deadline moves by 90 s."""
    cfg = solo.SoloCycle(work_minutes=1, rounds=2).timer_config()
    state = start(TimerState.initial(cfg), cfg, T0)
    held = pause(state, at(10))
    assert held.status == PAUSED and remaining_at(held, at(100)) == 50
    state, transitions = advance(held, cfg, at(500))  # nothing ends while held, however long
    assert state == held and transitions == []
    back = resume(held, at(100))
    assert back.status == RUNNING and back.phase_ends_at == at(150)
    state, transitions = advance(back, cfg, at(150))
    assert (state.phase, transitions[0].at) == (SHORT_BREAK, at(150))


def test_skipping_a_running_break_starts_the_next_focus_at_once():
    cfg = solo.SoloCycle(work_minutes=1, short_break_minutes=5, rounds=2).timer_config()
    state, _ = advance(start(TimerState.initial(cfg), cfg, T0), cfg, at(60))
    assert (state.status, state.phase) == (RUNNING, SHORT_BREAK)
    state, transition = skip(state, cfg, at(90))
    assert (state.status, state.phase, state.round, state.phase_ends_at) == (RUNNING, WORK, 2, at(150))
    assert transition.skipped


@pytest.mark.parametrize("status, phase, round_, rounds, words", [
    (RUNNING, WORK, 2, 4, "Focus 2 of 4"),
    (PAUSED, WORK, 1, 1, "Focus 1 of 1"),
    (RUNNING, SHORT_BREAK, 2, 4, "Short break · next: focus 3 of 4"),
    (IDLE, LONG_BREAK, 4, 8, "Long break · next: focus 5 of 8"),
    (IDLE, WORK, 3, None, "Focus 3"),
    (COMPLETED, WORK, 4, 4, "All 4 focuses done"),
    (COMPLETED, WORK, 2, 2, "Both focuses done"),
    (COMPLETED, WORK, 1, 1, "Focus done"),
])
def test_phase_words_count_focuses_not_rounds(status, phase, round_, rounds, words):
    assert solo.phase_words(status, phase, round_, rounds) == words
    assert "Round" not in solo.headline(status, phase, round_, rounds)
    assert "host" not in solo.headline(status, phase, round_, rounds)


def test_headlines_say_what_to_do():
    assert solo.headline(IDLE, SHORT_BREAK, 1, 4) == "Focus done. Start your break when you are ready."
    assert solo.headline(IDLE, WORK, 2, 4) == "Break over. Start focus 2 of 4 when you are ready."
    assert solo.headline(PAUSED, WORK, 2, 4) == "Paused: the countdown waits for you."
    assert solo.headline(COMPLETED, WORK, 4, 4) == "Well done. How did it go?"


@pytest.mark.parametrize("cycle, words", [
    (solo.SoloCycle(), "25 min focus · 5 min breaks · 4 focuses"),
    (solo.SoloCycle(rounds=8), "25 min focus · 5 min breaks · 15 min long break after every 4th · 8 focuses"),
    (solo.SoloCycle(rounds=3, long_break_every=2), "25 min focus · 5 min breaks · 15 min long break after every 2nd · 3 focuses"),
    (solo.SoloCycle(rounds=3, long_break_every=1), "25 min focus · 5 min breaks · 15 min long break after every focus · 3 focuses"),
    (solo.SoloCycle(work_minutes=50, rounds=1), "50 min focus"),
])
def test_rhythm_in_words(cycle, words):
    assert solo.rhythm(cycle) == words


def test_checkin_breakdown_counts_answers_and_shares():
    breakdown = solo.checkin_breakdown(["done", "partly", "done", None, "not", "done"])
    assert (breakdown.done, breakdown.partly, breakdown.not_done, breakdown.total) == (3, 1, 1, 5)
    assert breakdown.rows() == [("done", "Done", 3, 60), ("partly", "Partly", 1, 20), ("not", "Not done", 1, 20)]
    empty = solo.checkin_breakdown([])
    assert empty.total == 0 and [row[3] for row in empty.rows()] == [0, 0, 0]
