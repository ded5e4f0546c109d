"""Reset links: single use, one hour, a few per hour at most (pure rules, clock injected)."""
from datetime import datetime, timedelta, timezone

from webapp.rules import reset_links

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)


def test_a_link_works_until_one_hour_after_it_was_sent():
    expires = reset_links.expiry(T0)
    assert reset_links.link_state(expires_at=expires, used_at=None, now=T0) == "valid"
    assert reset_links.link_state(expires_at=expires, used_at=None,
                                  now=T0 + timedelta(minutes=59, seconds=59)) == "valid"
    assert reset_links.link_state(expires_at=expires, used_at=None, now=T0 + timedelta(hours=1)) == "expired"


def test_a_used_link_reads_used_even_before_it_expires():
    assert reset_links.link_state(expires_at=reset_links.expiry(T0), used_at=T0 + timedelta(minutes=1),
                                  now=T0 + timedelta(minutes=2)) == "used"


def test_at_most_three_links_an_hour():
    sent = [T0, T0 + timedelta(minutes=10), T0 + timedelta(minutes=20)]
    assert reset_links.may_send_another(sent[:2], T0 + timedelta(minutes=30))
    assert not reset_links.may_send_another(sent, T0 + timedelta(minutes=30))
    assert reset_links.may_send_another(sent, T0 + timedelta(minutes=60, seconds=1))  # the first one aged out
