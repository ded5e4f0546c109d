"""A solo phase started offline and sent later with its moment (rules/late_start.py, pure)."""
from datetime import datetime, timedelta, timezone

from webapp.rules import timer
from webapp.rules.late_start import (CLOCK_SLACK, FINISHED, FUTURE, PAUSED_THEN, RUNNING_THEN, TOO_EARLY,
                                     late_start_refusal)
from webapp.rules.timer import TimerConfig, TimerState

T0 = datetime(2026, 12, 3, 9, 0, tzinfo=timezone.utc)
CFG = TimerConfig(work_seconds=60, short_break_seconds=60, long_break_seconds=120, rounds=2,
                  auto_start_breaks=False, auto_start_work=False)


def at(seconds):
    return T0 + timedelta(seconds=seconds)


def running_focus_until(seconds):
    return timer.start(TimerState.initial(CFG), CFG, at(seconds - 60))


def waiting_break():
    state, _ = timer.advance(running_focus_until(60), CFG, at(60))
    return state


def test_a_waiting_phase_starts_at_any_moment_since_it_began_waiting():
    assert waiting_break().status == "idle"
    assert late_start_refusal(waiting_break(), CFG, at(60), at(90), now=at(300)) is None


def test_at_exactly_the_deadline_of_the_phase_before_is_allowed():
    # The tick has not ended that phase yet: the deadline is when the next one may start.
    assert late_start_refusal(running_focus_until(60), CFG, at(0), at(60), now=at(300)) is None
    assert late_start_refusal(waiting_break(), CFG, at(60), at(60), now=at(300)) is None


def test_before_the_deadline_of_the_phase_before_is_too_early():
    assert late_start_refusal(waiting_break(), CFG, at(60), at(59), now=at(300)) == TOO_EARLY
    assert late_start_refusal(running_focus_until(60), CFG, at(0), at(59.5), now=at(300)) == RUNNING_THEN


def test_in_the_future_beyond_the_slack_is_refused_within_it_taken():
    now = at(300)
    assert late_start_refusal(waiting_break(), CFG, at(60), now + CLOCK_SLACK, now=now) is None
    over = now + CLOCK_SLACK + timedelta(seconds=1)
    assert late_start_refusal(waiting_break(), CFG, at(60), over, now=now) == FUTURE


def test_a_finished_session_has_nothing_to_start():
    last_focus = timer.start(TimerState(status="idle", phase="work", round=2, phase_ends_at=None,
                                        remaining_seconds=60, work_phases_done=1), CFG, at(0))
    assert late_start_refusal(last_focus, CFG, at(0), at(61), now=at(300)) == FINISHED
    ended = timer.end(waiting_break(), at(70))
    assert late_start_refusal(ended, CFG, None, at(80), now=at(300)) == FINISHED


def test_a_phase_started_elsewhere_or_paused_is_not_waiting():
    started_elsewhere = timer.start(waiting_break(), CFG, at(70))
    assert late_start_refusal(started_elsewhere, CFG, at(70), at(80), now=at(300)) == RUNNING_THEN
    paused = timer.pause(running_focus_until(60), at(30))
    assert late_start_refusal(paused, CFG, at(0), at(80), now=at(300)) == PAUSED_THEN


def test_replaying_the_same_start_after_it_was_taken_is_refused_by_the_rule():
    # The same request twice gets the first answer from its Idempotency-Key; the rule alone (a new
    # key for the same click) sees the phase running since that moment and starts nothing twice.
    taken = timer.start(waiting_break(), CFG, at(90))
    assert late_start_refusal(taken, CFG, at(90), at(90), now=at(300)) == RUNNING_THEN


def test_no_known_waiting_start_means_no_lower_bound():
    assert late_start_refusal(TimerState.initial(CFG), CFG, None, at(-1000), now=at(0)) is None
