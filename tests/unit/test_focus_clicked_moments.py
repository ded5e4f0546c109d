"""Where an interruption clicked offline is recorded: its moments clamped into its session (pure)."""
from datetime import datetime, timedelta, timezone

from webapp.focus.services.clicked import clicked_moments
from webapp.focus.services.solo import in_running_phase

T0 = datetime(2026, 12, 2, 9, 0, tzinfo=timezone.utc)


def at(seconds):
    return T0 + timedelta(seconds=seconds)


def test_inside_a_running_session_the_moments_stand():
    assert clicked_moments(at(60), None, at(300), at(0), None) == (at(60), None)
    assert clicked_moments(at(60), at(150), at(300), at(0), None) == (at(60), at(150))


def test_a_fast_clock_is_held_to_now_and_a_slow_one_to_the_session_start():
    assert clicked_moments(at(330), None, at(300), at(0), None) == (at(300), None)
    assert clicked_moments(at(-20), at(10), at(300), at(0), None) == (at(0), at(10))


def test_an_end_before_the_start_is_the_start():
    assert clicked_moments(at(60), at(50), at(300), at(0), None) == (at(60), at(60))


def test_a_session_that_ended_since_ends_the_interruption_too():
    assert clicked_moments(at(45), None, at(300), at(0), at(60)) == (at(45), at(60))
    assert clicked_moments(at(45), at(200), at(300), at(0), at(60)) == (at(45), at(60))


def test_a_click_holds_the_phase_only_within_it():
    assert in_running_phase(at(0), at(60), at(30))
    assert not in_running_phase(at(0), at(60), at(60))  # its deadline: the phase is over
    assert not in_running_phase(at(10), at(60), at(5))  # before this phase began
    assert not in_running_phase(at(0), None, at(5))
