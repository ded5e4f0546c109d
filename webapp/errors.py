"""Errors in one place: HTML pages, JSON under /api/, small fragments for htmx requests."""
import time

from flask import Flask, jsonify, render_template, request
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import HTTPException, InternalServerError, RequestEntityTooLarge, default_exceptions

from .extensions import db, limiter

MESSAGES = {
    400: "The request could not be understood.",
    401: "You need to sign in first.",
    403: "You are not allowed to do that.",
    404: "There is nothing here.",
    405: "That method is not allowed here.",
    409: "That conflicts with the current state.",
    413: "That request is too large.",
    422: "Some fields are not valid.",
    429: "Too many attempts. Please wait a little and try again.",
    500: "Something went wrong on our side. It has been logged.",
}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_response(status: int, message: str | None = None, fields: dict | None = None):
    message = message or MESSAGES.get(status, "Error")
    if wants_json():
        body = {"error": message}
        if fields:
            body["fields"] = fields
        return jsonify(body), status
    if request.headers.get("HX-Request"):
        return render_template("errors/_error.html", status=status, message=message), status
    return render_template("errors/page.html", status=status, message=message), status


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf_error(error: CSRFError):
        return error_response(400, "Your form expired or was sent from elsewhere. "
                                   "Reload the page and try again.")

    @app.errorhandler(RateLimitExceeded)
    def _too_many(error: RateLimitExceeded):
        # A limit may say why it exists (the forum's daily allowance); the wait is always told.
        wait = _seconds_until_reset()
        reason = getattr(getattr(error, "limit", None), "error_message", None)
        message = too_many_message(wait)
        if isinstance(reason, str) and reason:
            message = f"{reason} {message.removeprefix('Too many attempts. ')}"
        body, status = error_response(429, message)
        return body, status, ({"Retry-After": str(wait)} if wait else {})

    @app.errorhandler(RequestEntityTooLarge)
    def _too_large(error: RequestEntityTooLarge):
        _forget_the_body()
        if getattr(error, "custom_message", False):
            return error_response(413, error.description)
        limit = app.config.get("MAX_CONTENT_LENGTH")
        # Werkzeug raises the same error for one oversized form field (MAX_FORM_MEMORY_SIZE):
        # name the body limit only when the body is what broke it.
        over_body_limit = limit is not None and (request.content_length or 0) > limit
        return error_response(413, too_large_message(limit if over_body_limit else None))

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        description = error.description if getattr(error, "custom_message", False) else None
        return error_response(error.code or 500, description)

    @app.errorhandler(InternalServerError)
    def _server_error(error):
        db.session.rollback()
        return error_response(500)

    @app.errorhandler(Exception)
    def _unhandled(error: Exception):
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        db.session.rollback()
        return error_response(500)


def _forget_the_body() -> None:
    """Nothing may read a refused body while the error page renders: a form built by a context
    processor would read it and raise the same 413 again, inside the handler (a 500)."""
    request.form = ImmutableMultiDict()  # werkzeug's cached properties take an assignment
    request.files = ImmutableMultiDict()
    request._cached_data = b""


def _seconds_until_reset() -> int | None:
    """Whole seconds until the limit that refused this request lets the next one through."""
    breached = limiter.current_limit
    if breached is None:
        return None
    try:
        return max(1, int(breached.reset_at - time.time()))  # as Flask-Limiter's Retry-After
    except Exception:  # storage unreachable: the page still answers, without a number
        return None


def too_many_message(wait_seconds: int | None) -> str:
    if not wait_seconds:
        return MESSAGES[429]
    if wait_seconds < 90:
        wait = f"{wait_seconds} second{'s' if wait_seconds != 1 else ''}"
    elif wait_seconds < 90 * 60:
        wait = f"{round(wait_seconds / 60)} minutes"
    else:
        wait = f"{round(wait_seconds / 3600)} hours"
    return f"Too many attempts. Please wait {wait} and try again."


def too_large_message(limit: int | None) -> str:
    if not limit:
        return MESSAGES[413]
    if limit >= 1024 * 1024:
        size = f"{limit / (1024 * 1024):g} MiB"
    elif limit >= 1024:
        size = f"{limit / 1024:g} KiB"
    else:
        size = f"{limit} bytes"
    return f"That request is too large: at most {size} can be sent at once."


def abort_with(status: int, message: str):
    """Abort with a user-facing message that the error handlers will show as is."""
    error = default_exceptions[status](description=message)
    error.custom_message = True
    raise error
