"""Security headers for every response (CSP without inline scripts, no framing), and request
size limits enforced before anything reads a request body."""
from flask import Flask, Response, abort, request
from flask_login import current_user

from .errors import error_response
from .extensions import limiter
from .realtime.sockets import handshake_refusal

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


def init_app(app: Flask) -> None:
    app.config["SOCK_SERVER_OPTIONS"] = {**app.config.get("SOCK_SERVER_OPTIONS", {}),
                                         "max_message_size": app.config["WS_MAX_MESSAGE_SIZE"]}

    def _refuse_oversized_body():
        """A declared Content-Length over the limit is refused unread. Werkzeug enforces the
        same limit on bodies without one (chunked) while they are being read."""
        limit = app.config.get("MAX_CONTENT_LENGTH")
        if limit is not None and (request.content_length or 0) > limit:
            abort(413)

    # First of all: CSRF protection (registered earlier) would parse the form, and login or
    # token checks would answer 401 with a body still waiting to be read.
    app.before_request_funcs.setdefault(None, []).insert(0, _refuse_oversized_body)

    _no_rate_limit_state_for_sockets(app)

    @app.before_request
    def _refuse_malformed_socket_handshake():
        if request.url_rule is None or not request.url_rule.websocket:
            return None
        refusal = handshake_refusal(request.environ)
        if refusal is None:
            return None
        status, headers = refusal
        body, status = error_response(status, "That is not a valid WebSocket handshake.")
        return body, status, headers

    @app.after_request
    def _security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if _is_private() and "no-store" not in headers.get("Cache-Control", ""):
            headers["Cache-Control"] = "no-store"
        if app.config.get("SESSION_COOKIE_SECURE"):
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response


def _is_private() -> bool:
    """Whether no cache (browser back/forward, proxy, shared computer) may keep this answer:
    everything under /api/ and everything shown to a signed-in person, static files aside."""
    if request.path.startswith("/api/"):
        return True
    if request.endpoint == "static":
        return False
    return current_user.is_authenticated


def _no_rate_limit_state_for_sockets(app: Flask) -> None:
    """Flask-Limiter's check runs before every request and leaves its per-request state (a context,
    an ordered set, lists: ~0.5 KiB) in the request context, which for a WebSocket lives as long as
    the socket. No socket route has a limit: skip the check for them (bench/fanout.py, RSS per
    socket). A rule is a WebSocket rule only for a real upgrade request (werkzeug refuses a mismatch),
    so adding an Upgrade header to an ordinary request does not escape its limits."""
    hooks = app.before_request_funcs.setdefault(None, [])
    check = limiter._check_request_limit
    position = hooks.index(check)  # a ValueError here: Flask-Limiter registers its check otherwise now

    def check_unless_socket():
        if request.url_rule is not None and request.url_rule.websocket:
            return None
        return check()

    hooks[position] = check_unless_socket
