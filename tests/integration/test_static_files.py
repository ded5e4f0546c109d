"""Static files on a phone network: hashed names cached for good, gzip/brotli, HTML left alone."""
import brotli
import gzip
import re
from pathlib import Path

import pytest

from webapp.staticfiles import build_manifest, ensure_build, hashed_name

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
STATIC_URL = re.compile(r'(?:href|src)="(/static/[^"]+)"')


def static_urls(html: str) -> list[str]:
    return STATIC_URL.findall(html)


@pytest.fixture
def home(client):
    return client.get("/").get_data(as_text=True)


def test_pages_link_static_files_by_content_hash(home):
    urls = static_urls(home)
    assert any("/static/vendor/htmx-2.0.11.min." in url for url in urls)
    assert urls and all(re.search(r"\.[0-9a-f]{12}\.\w+$", url) for url in urls), urls


def test_a_hashed_file_is_immutable_for_a_year_and_compressed_as_the_browser_asks(client, home):
    url = next(u for u in static_urls(home) if "htmx-2.0.11" in u)
    plain = client.get(url, headers={"Accept-Encoding": "identity"})
    assert plain.status_code == 200 and "Content-Encoding" not in plain.headers
    assert "immutable" in plain.headers["Cache-Control"]
    assert int(re.search(r"max-age=(\d+)", plain.headers["Cache-Control"]).group(1)) >= 365 * 86400
    assert plain.headers["X-Content-Type-Options"] == "nosniff"

    as_br = client.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert as_br.headers["Content-Encoding"] == "br" and "Accept-Encoding" in as_br.headers["Vary"]
    assert len(as_br.data) < len(plain.data) / 2 and brotli.decompress(as_br.data) == plain.data

    as_gzip = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert as_gzip.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(as_gzip.data) == plain.data


def test_the_original_name_still_works_but_is_not_cached_for_long(client):
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert "immutable" not in response.headers["Cache-Control"]


@pytest.mark.parametrize("path", ["/static/nope.css", "/static/css/app.000000000000.css",
                                  "/static/../webapp/config.py"])
def test_unknown_static_files_are_404(client, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("path", ["/", "/login", "/register"])
def test_html_pages_with_csrf_tokens_are_never_compressed(client, path):
    """BREACH: a compressed page with a secret next to reflected input leaks the secret."""
    response = client.get(path, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert response.status_code == 200 and "X-CSRFToken" in response.get_data(as_text=True)
    assert "Content-Encoding" not in response.headers


def test_no_template_bypasses_static_url():
    offenders = [str(path.relative_to(TEMPLATES)) for path in TEMPLATES.rglob("*.html")
                 if "url_for('static'" in path.read_text() or 'url_for("static"' in path.read_text()]
    assert offenders == [], "use static_url('...') so the file gets its hashed, cacheable name"


def test_a_changed_file_gets_a_new_name_and_a_new_build(tmp_path):
    source, builds = tmp_path / "static", tmp_path / "builds"
    (source / "css").mkdir(parents=True)
    (source / "css" / "a.css").write_text("body { color: black; }\n" * 50)
    first = build_manifest(source)
    first_build = ensure_build(source, builds, first)
    assert ensure_build(source, builds, first) == first_build  # reused, not rebuilt
    assert (first_build / first["css/a.css"]).read_text() == (source / "css" / "a.css").read_text()
    assert (first_build / (first["css/a.css"] + ".br")).exists()
    assert (first_build / (first["css/a.css"] + ".gz")).exists()

    (source / "css" / "a.css").write_text("body { color: navy; }\n" * 50)
    second = build_manifest(source)
    assert second["css/a.css"] != first["css/a.css"]
    assert ensure_build(source, builds, second) != first_build


def test_hashed_names_keep_the_extension_last():
    assert hashed_name("vendor/htmx-2.0.11.min.js", "abc") == "vendor/htmx-2.0.11.min.abc.js"
    assert hashed_name("LICENSE", "abc") == "LICENSE.abc"


@pytest.fixture
def compressing_client():
    from webapp import create_app
    from webapp.config import TestConfig
    return create_app(TestConfig, {"COMPRESS_SAME_ORIGIN_HTML": True}).test_client()


@pytest.mark.parametrize("site, compressed", [("same-origin", True), ("none", True), ("same-site", False),
                                              ("cross-site", False), (None, False)])
def test_opt_in_html_compression_only_for_requests_no_other_site_started(compressing_client, site, compressed):
    headers = {"Accept-Encoding": "gzip, br"} | ({"Sec-Fetch-Site": site} if site else {})
    response = compressing_client.get("/register", headers=headers)
    assert response.status_code == 200 and "Sec-Fetch-Site" in response.headers["Vary"]
    if compressed:
        assert response.headers["Content-Encoding"] == "br"
        assert "X-CSRFToken" in brotli.decompress(response.data).decode()
    else:
        assert "Content-Encoding" not in response.headers and b"X-CSRFToken" in response.data


def test_opt_in_html_compression_falls_back_to_gzip_and_leaves_json_alone(compressing_client):
    page = compressing_client.get("/register", headers={"Accept-Encoding": "gzip", "Sec-Fetch-Site": "same-origin"})
    assert page.headers["Content-Encoding"] == "gzip" and b"X-CSRFToken" in gzip.decompress(page.data)
    api = compressing_client.get("/api/v1/nowhere", headers={"Accept-Encoding": "br", "Sec-Fetch-Site": "same-origin"})
    assert api.status_code == 404 and "Content-Encoding" not in api.headers
