from webapp.accounts.passwords import hash_password, password_problem, verify_password
from webapp.accounts.timezones import is_valid_timezone, zone_of
from webapp.templating import format_clock, format_duration


def test_short_password_is_refused_with_the_minimum_named():
    assert password_problem("abc12") == "Use at least 8 characters."


def test_common_password_is_refused_even_when_long_enough():
    assert "common" in password_problem("password123")
    assert "common" in password_problem("Iloveyou1")  # case does not help


def test_password_equal_to_username_is_refused():
    assert password_problem("focuspanda", username="FocusPanda") is not None


def test_a_reasonable_password_is_accepted():
    assert password_problem("a quiet morning 42") is None


def test_hashes_are_scrypt_salted_and_verify():
    first, second = hash_password("a quiet morning 42"), hash_password("a quiet morning 42")
    assert first.startswith("scrypt:") and first != second
    assert verify_password(first, "a quiet morning 42")
    assert not verify_password(first, "a quiet morning 43")
    assert not verify_password(None, "anything")


def test_time_zones_are_iana_names():
    assert is_valid_timezone("Europe/Berlin") and is_valid_timezone("Asia/Kolkata") and is_valid_timezone("UTC")
    assert not is_valid_timezone("Mars/Olympus") and not is_valid_timezone("") and not is_valid_timezone(None)
    assert str(zone_of("Nowhere/Special")) == "UTC"


def test_durations_and_clocks_read_naturally():
    assert format_duration(45) == "45 s"
    assert format_duration(65) == "1 min 05 s"
    assert format_duration(25 * 60) == "25 min"
    assert format_duration(3900) == "1 h 05 min"
    assert format_clock(1500) == "25:00" and format_clock(59.6) == "01:00" and format_clock(3725) == "1:02:05"


def test_signed_in_devices_are_named_in_words():
    from webapp.templating import browser_summary
    chrome_linux = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36"
    safari_iphone = ("Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 "
                     "(KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1")
    assert browser_summary(chrome_linux) == "Chrome on Linux"
    assert browser_summary(safari_iphone) == "Safari on iPhone"
    assert browser_summary("") == "A browser"
