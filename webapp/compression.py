"""Compression of HTML: always for fragments that carry no secret; optionally, for whole pages,
only for requests another site cannot have started.

BREACH recovers a secret from a compressed response by making the victim's browser send many
requests that put attacker-chosen text (a guess) into the same response as the secret, and
watching the compressed length shrink when a guess matches. It needs both: a secret in the
body and input reflected next to it. `secret_free_fragment` serves GET fragments (the insights
charts) that have neither: rendered without a form, so no CSRF token; nothing from the request
is echoed (the range is parsed into dates, and only those dates, in our own format, appear).
There is nothing for a guess to match, so they are compressed for everyone. A check makes it
mechanical: a response for which a CSRF token was generated is never compressed here. (Our
session cookie is also SameSite=Lax, so another site's page cannot even fetch these fragments
with the victim's session: sub-resource requests from it arrive signed out.)

Whole pages:

Off by default (COMPRESS_SAME_ORIGIN_HTML=0): our pages carry CSRF tokens beside reflected input,
the BREACH set-up. BREACH needs the attacker to make the victim's browser send many requests
with chosen input and to watch the compressed sizes. Browsers label every request with
`Sec-Fetch-Site`, which pages cannot forge: requests an attacker's page starts (links, forms,
images, fetches, pop-ups, redirects through it) say `cross-site` or `same-site`. Compressing only
`same-origin` requests (our own links and htmx) and `none` (typed, bookmarked) leaves an attacker
nothing compressed to measure; browsers that send no such header get plain pages as today.
"""
import gzip

import brotli
from flask import Flask, Response, current_app, g, request

TRUSTED_FETCH_SITES = ("same-origin", "none")
MIN_BYTES = 1024  # smaller pages gain less than the headers cost
BROTLI_QUALITY = 5  # ~8x faster than 11 and within a few per cent of its size on HTML
GZIP_LEVEL = 6


def _accepted(encoding: str) -> bool:
    return request.accept_encodings[encoding] > 0


def compress_html(response: Response) -> Response:
    if not current_app.config.get("COMPRESS_SAME_ORIGIN_HTML"):
        return response
    response.vary.update(("Accept-Encoding", "Sec-Fetch-Site"))
    if (response.status_code != 200 or response.direct_passthrough or response.is_streamed
            or response.mimetype != "text/html" or "Content-Encoding" in response.headers
            or request.headers.get("Sec-Fetch-Site") not in TRUSTED_FETCH_SITES):
        return response
    body = response.get_data()
    if len(body) < MIN_BYTES:
        return response
    if _accepted("br"):
        response.set_data(brotli.compress(body, quality=BROTLI_QUALITY, mode=brotli.MODE_TEXT))
        response.headers["Content-Encoding"] = "br"
    elif _accepted("gzip"):
        response.set_data(gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0))
        response.headers["Content-Encoding"] = "gzip"
    return response


def carries_csrf_token() -> bool:
    """True once Flask-WTF generated this request's token (it keeps it in `g` under the field name)."""
    return current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token") in g


def secret_free_fragment(html: str) -> Response:
    """A GET fragment without secrets or reflected input (see above), compressed with brotli or gzip
    as the browser accepts. (Like every page a signed-in person sees, it is `no-store`: security.py.)"""
    body = html.encode()
    response = Response(body, mimetype="text/html")
    if carries_csrf_token():  # someone put a form in it: serve it as any page, uncompressed
        current_app.logger.error("%s carries a CSRF token: not compressed (BREACH)", request.path)
        return response
    response.vary.add("Accept-Encoding")
    if len(body) >= MIN_BYTES and _accepted("br"):
        response.set_data(brotli.compress(body, quality=BROTLI_QUALITY, mode=brotli.MODE_TEXT))
        response.headers["Content-Encoding"] = "br"
    elif len(body) >= MIN_BYTES and _accepted("gzip"):
        response.set_data(gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0))
        response.headers["Content-Encoding"] = "gzip"
    return response


def init_app(app: Flask) -> None:
    app.after_request(compress_html)
