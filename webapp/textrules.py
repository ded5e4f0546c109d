"""Text hygiene, in one place: what a person may type into any text field (forms and the API).

Control characters are removed (PostgreSQL refuses NUL in text; the others break layouts and
logs), except the newline in multi-line fields; a tab becomes a space. Bidi overrides and
isolates are removed: they let a name display reversed ("Trojan Source"). Lone surrogates
cannot be stored as UTF-8 and are removed too. A name or title must keep at least one visible
character after cleaning: zero-width spaces alone are not a name.

Pure functions first; the WTForms filters and validator at the bottom wrap them.
"""
from __future__ import annotations

import unicodedata

from wtforms.validators import StopValidation

# U+202A-U+202E embeddings/overrides, U+2066-U+2069 isolates.
BIDI_CONTROLS = frozenset(chr(code) for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)))
# Characters that render as nothing although Unicode does not call them format characters.
INVISIBLE_EXTRAS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u034f\u17b4\u17b5\u180e")

NOT_VISIBLE_MESSAGE = "Use at least one visible letter, digit or sign."


def _removal_table(keep_newlines: bool) -> dict[int, None]:
    removed = [*range(0x00, 0x20), *range(0x7F, 0xA0), *map(ord, BIDI_CONTROLS), *range(0xD800, 0xE000)]
    return {code: None for code in removed if not (keep_newlines and code == ord("\n"))}


_SINGLE_LINE = _removal_table(keep_newlines=False)
_MULTI_LINE = _removal_table(keep_newlines=True)


def clean_text(value: str, *, multiline: bool = False) -> str:
    """The text without control characters, bidi controls and lone surrogates; tabs (and, on a
    single line, newlines) become spaces; CRLF becomes LF; surrounding whitespace is stripped."""
    text = value.replace("\r\n", "\n").replace("\t", " ")
    if not multiline:
        text = text.replace("\n", " ")
    return text.translate(_MULTI_LINE if multiline else _SINGLE_LINE).strip()


def is_visible(char: str) -> bool:
    if char in INVISIBLE_EXTRAS:
        return False
    category = unicodedata.category(char)
    # Separators (Z*), controls (Cc), format (Cf: zero-width spaces, joiners, BOM), surrogates and
    # unassigned/private code points (Cs, Cn, Co) show nothing a reader could recognise.
    return not (category.startswith("Z") or category in ("Cc", "Cf", "Cs", "Cn", "Co"))


def has_visible(value: str | None) -> bool:
    """True when the text shows at least one visible character."""
    return any(is_visible(char) for char in value or "")


def clean_name(value: str) -> str | None:
    """A cleaned single-line name, or None when nothing visible remains."""
    name = clean_text(value)
    return name if has_visible(name) else None


# --- WTForms: filters (run on the submitted value) and a validator ---------------------------

def line_filter(value):
    """Filter for single-line fields (names, titles, descriptions, logins)."""
    return clean_text(value) if isinstance(value, str) else value


def lines_filter(value):
    """Filter for multi-line fields (bio, notes): newlines are kept."""
    return clean_text(value, multiline=True) if isinstance(value, str) else value


class Visible:
    """A required name or title: stops the chain with `message` when nothing visible was given."""

    def __init__(self, message: str = NOT_VISIBLE_MESSAGE):
        self.message = message
        self.field_flags = {"required": True}

    def __call__(self, form, field):
        if not has_visible(field.data if isinstance(field.data, str) else ""):
            field.errors[:] = []
            raise StopValidation(self.message)
