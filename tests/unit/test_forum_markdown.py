"""Markdown is rendered in the safe preset and sanitised: an XSS corpus comes out inert."""
import re
from html.parser import HTMLParser

import pytest

from webapp.forum.markdown import render_markdown
from webapp.forum.text import clean_line, clean_text

XSS_CORPUS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src=x onerror="alert(1)">',
    "<svg onload=alert(1)><circle r=1 /></svg>",
    "<svg><script>alert(1)</script></svg>",
    '<a href="javascript:alert(1)">x</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](javascript&#58;alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    "![x](https://evil.example/track.png)",
    "![x](javascript:alert(1))",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<style>body{display:none}</style>",
    '<iframe src="https://evil.example"></iframe>',
    '<object data="x.swf"></object><embed src="x.swf">',
    '<form action="https://evil.example"><input name=p></form>',
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    '<a href="https://ok.example" onclick="alert(1)">ok</a>',
    "```html\n<script>alert(1)</script>\n```",
    "`<img src=x onerror=alert(1)>`",
    "<!-- <script>alert(1)</script> -->",
    '[x](https://ok.example "title\\" onmouseover=\\"alert(1)")',
    "<details open ontoggle=alert(1)>",
    "<<script>script>alert(1)<</script>/script>",
    "[x]( javascript:alert(1) )",
    "<https://ok.example/?q=<script>>",
]



class Elements(HTMLParser):
    """Every element and its real attributes, as a browser's tokenizer would see them."""

    def __init__(self, html):
        super().__init__()
        self.found = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))

ALLOWED = {"p", "br", "hr", "a", "strong", "em", "del", "s", "code", "pre", "blockquote", "ul", "ol", "li",
           "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td"}


@pytest.mark.parametrize("source", XSS_CORPUS)
def test_the_corpus_is_inert(source):
    html = render_markdown(source)
    for tag, attributes in Elements(html).found:
        assert tag in ALLOWED, html
        assert not [name for name in attributes if name.startswith("on")], html
        assert "style" not in attributes or tag in ("th", "td"), html
        assert re.match(r"(https?:|mailto:)", attributes.get("href", "https:")), html
    assert "<img" not in html and "<svg" not in html and "<script" not in html.lower()


def test_links_get_nofollow_ugc_noopener():
    html = render_markdown("[site](https://example.com) and https://example.org")
    assert '<a href="https://example.com" rel="nofollow ugc noopener">site</a>' in html


def test_the_everyday_markdown_works():
    html = render_markdown("**bold** _it_\n\n- one\n- two\n\n> quoted\n\n`code`\n\n```\nblock\n```")
    for part in ("<strong>bold</strong>", "<em>it</em>", "<li>one</li>", "<blockquote>", "<code>code</code>",
                 "<pre><code>block"):
        assert part in html


def test_images_from_other_sites_are_not_loaded():
    html = render_markdown("![tracker](https://evil.example/pixel.png)")
    assert "<img" not in html


def test_control_and_bidi_characters_are_stripped_but_newlines_kept():
    assert clean_text("a\x00b\u202ec\r\nd\te") == "abc\nd\te"
    assert clean_line("  two\n lines \u2066here\u2069 ") == "two lines here"
