"""Message text: plain text, cleaned once; shown escaped with its web links made clickable."""
from __future__ import annotations

import re

from markupsafe import Markup, escape

from ..models import MESSAGE_MAX_LENGTH
from ..textrules import clean_text, has_visible
from .errors import invalid

_LINK = re.compile(r"https?://[^\s<>\"'`]+", re.IGNORECASE)
_TRAILING = ".,;:!?)]}'\""


def clean_body(raw) -> str:
    """The body to store, or MessageError 422 (nothing written)."""
    if not isinstance(raw, str):
        raise invalid("body", "Write a message as text.")
    body = clean_text(raw, multiline=True).strip()
    if not body or not has_visible(body):
        raise invalid("body", "Write something first.")
    if len(body) > MESSAGE_MAX_LENGTH:
        raise invalid("body", f"Keep a message to {MESSAGE_MAX_LENGTH:,} characters (this one has {len(body):,}).")
    return body


def _split_link(candidate: str) -> tuple[str, str]:
    """A link without the sentence punctuation that follows it ("see https://x.org.")."""
    link = candidate.rstrip(_TRAILING)
    if candidate[len(link):].startswith(")") and link.count("(") > link.count(")"):
        link += ")"  # Wikipedia-style links keep their closing parenthesis
    return link, candidate[len(link):]


def render_body(body: str) -> Markup:
    """Escaped text with http(s) links as anchors; never any HTML from the sender."""
    parts, position = [], 0
    for match in _LINK.finditer(body):
        link, rest = _split_link(match.group(0))
        parts.append(escape(body[position:match.start()]))
        if len(link) > len("https://"):
            parts.append(Markup('<a href="{0}" rel="nofollow noopener noreferrer ugc">{0}</a>').format(link))
        else:
            parts.append(escape(link))
        parts.append(escape(rest))
        position = match.end()
    parts.append(escape(body[position:]))
    return Markup("").join(parts)


def first_line(body: str, limit: int = 80) -> str:
    line = body.strip().split("\n", 1)[0]
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"
