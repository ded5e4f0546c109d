"""Text hygiene: one pure rule for every text field (forms and API)."""
import pytest

from webapp.textrules import clean_name, clean_text, has_visible


@pytest.mark.parametrize("raw, cleaned", [
    ("  Room\x00 one\t", "Room one"),
    ("a\x01b\x1bc\x7fd\x85e\x9f", "abcde"),
    ("\u202eevil\u202c and \u2066iso\u2069", "evil and iso"),
    ("two\r\nlines\n", "two lines"),
    ("lone \ud800 surrogate", "lone  surrogate"),
    ("Zoë 👩\u200d💻", "Zoë 👩\u200d💻"),  # joiners inside emoji stay
])
def test_single_line_text_loses_controls_bidi_and_surrogates(raw, cleaned):
    assert clean_text(raw) == cleaned


def test_multi_line_text_keeps_its_newlines():
    assert clean_text("first\r\n\x00second\n\tthird", multiline=True) == "first\nsecond\n third"


@pytest.mark.parametrize("raw", ["", "   ", "\u200b\u200c\u200d", "\ufeff\u2060", "\u3164", "\u00a0\u3000",
                                 "\x00\x01", "\u202e\u202c", "\u2800"])
def test_names_without_a_visible_character_are_refused(raw):
    assert clean_name(raw) is None
    assert not has_visible(clean_text(raw))


def test_a_name_is_cleaned_and_kept():
    assert clean_name(" \u202eAda\x00 ") == "Ada"
