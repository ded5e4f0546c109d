"""Optional compression of HTML pages, only for requests another site cannot have started.

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
from flask import Flask, Response, current_app, request

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


def init_app(app: Flask) -> None:
    app.after_request(compress_html)
