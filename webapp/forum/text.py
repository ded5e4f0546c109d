"""Text people type: cleaned once, before any rule looks at it.

`clean` is the single hook forms and services use; when webapp/textrules.py lands, point it there.
"""
import re

# C0 controls except tab and newline, DEL, and the bidirectional overrides/isolates that can make
# text display in another order than it is stored (Trojan Source).
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


def clean_text(value: str | None) -> str:
    """Newlines normalised to \\n, control and bidi-override characters removed."""
    if value is None:
        return ""
    return _UNSAFE.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


def clean_line(value: str | None) -> str:
    """One line (titles, reasons): cleaned, newlines folded into spaces, trimmed."""
    return " ".join(clean_text(value).split())


clean = clean_text
