"""Message text: cleaned once, escaped always, links clickable, times in the viewer's zone."""
from datetime import datetime, timezone
from types import SimpleNamespace

import pytest

from webapp.messages.errors import MessageError
from webapp.messages.text import clean_body, first_line, render_body


def test_links_become_anchors_and_everything_else_is_escaped():
    html = str(render_body('see https://example.com/a?b=1&c=2. <b>bold</b> "quoted"'))
    assert html == ('see <a href="https://example.com/a?b=1&amp;c=2" rel="nofollow noopener noreferrer ugc">'
                    'https://example.com/a?b=1&amp;c=2</a>. &lt;b&gt;bold&lt;/b&gt; &#34;quoted&#34;')


@pytest.mark.parametrize("text, link", [
    ("(https://en.wikipedia.org/wiki/Pomodoro_(technique))", "https://en.wikipedia.org/wiki/Pomodoro_(technique)"),
    ("https://x.org/path, then", "https://x.org/path"),
    ("HTTP://EXAMPLE.COM!", "HTTP://EXAMPLE.COM")])
def test_trailing_punctuation_stays_outside_the_link(text, link):
    assert f'href="{link}"' in str(render_body(text))


@pytest.mark.parametrize("text", ["javascript:alert(1)", "https://", "data:text/html,<script>", "ftp://x.org"])
def test_only_web_links_are_made_clickable(text):
    assert "<a " not in str(render_body(text))


def test_quotes_cannot_break_out_of_the_attribute():
    html = str(render_body('https://x.org/"onmouseover="alert(1)'))
    assert 'href="https://x.org/"' in html and 'onmouseover="' not in html


def test_bodies_are_cleaned_and_bounded():
    assert clean_body("  hi\r\nthere\u202e  ") == "hi\nthere"
    for bad in ("", " \n ", "\u200b", None, 42, "x" * 4001):
        with pytest.raises(MessageError):
            clean_body(bad)
    assert len(clean_body("é" * 4000)) == 4000


def test_first_line_for_the_inbox():
    assert first_line("same time tomorrow?\nI'll be in room ABC") == "same time tomorrow?"
    assert first_line("x" * 200).endswith("…") and len(first_line("x" * 200)) == 80


def test_message_time_uses_the_viewers_zone(monkeypatch):
    from webapp.messages import viewhelpers
    now = datetime(2026, 12, 2, 23, 30, tzinfo=timezone.utc)
    monkeypatch.setattr(viewhelpers, "utcnow", lambda: now)
    moment = datetime(2026, 12, 2, 22, 5, tzinfo=timezone.utc)
    assert viewhelpers.message_time(moment, SimpleNamespace(timezone="UTC")) == "22:05"
    assert viewhelpers.message_time(moment, SimpleNamespace(timezone="Asia/Tokyo")) == "07:05"
    assert viewhelpers.message_time(datetime(2025, 3, 3, 9, 0, tzinfo=timezone.utc),
                                    SimpleNamespace(timezone="UTC")) == "3 Mar 2025, 09:00"
