"""The 429 message names the wait in words a person reads at a glance."""
from webapp.errors import too_many_message


def test_the_wait_in_seconds_minutes_or_hours():
    assert too_many_message(1) == "Too many attempts. Please wait 1 second and try again."
    assert too_many_message(59) == "Too many attempts. Please wait 59 seconds and try again."
    assert too_many_message(600) == "Too many attempts. Please wait 10 minutes and try again."
    assert too_many_message(3 * 3600) == "Too many attempts. Please wait 3 hours and try again."


def test_without_a_known_wait_the_old_sentence_stays():
    assert too_many_message(None) == "Too many attempts. Please wait a little and try again."
