"""URL parameters: redirect targets, clamped page numbers."""
import pytest
from werkzeug.datastructures import MultiDict

from webapp.urlparams import is_local_path, query_int


@pytest.mark.parametrize("target, local", [
    ("/history?day=2024-05-01", True), ("/r/K7QM2X", True),
    ("//evil.example", False), ("/\\evil.example", False), ("https://evil.example/", False),
    ("/\r\nSet-Cookie: x=1", False), ("/a\x00b", False), ("history", False), ("", False),
])
def test_only_paths_on_this_site_are_redirect_targets(target, local):
    assert is_local_path(target) is local


@pytest.mark.parametrize("raw, expected", [
    (None, 1), ("", 1), ("3", 3), ("-4", 1), ("0", 1), ("99999999999999999999", 10), ("1_000", 1), ("1e3", 1),
    ("٣", 1), ("9" * 5000, 1),
])
def test_page_numbers_are_clamped_or_defaulted(raw, expected):
    args = MultiDict({} if raw is None else {"page": raw})
    assert query_int(args, "page", 1, low=1, high=10) == expected
