"""The insights page, its htmx fragment, and the range's exports."""
from flask import Response, current_app, jsonify, render_template, request, url_for
from flask_login import current_user, login_required

from ..accounts.timezones import zone_of
from ..compression import secret_free_fragment
from ..errors import abort_with
from ..models import utcnow
from . import bp, charts, export, services
from .ranges import PAGE_DEFAULT, PAGE_PRESETS, RangeError, parse_page_range

PRESET_LABELS = {"7d": "7 days", "30d": "30 days", "90d": "90 days", "all": "All time"}


def _requested_range():
    """(range, error): a bad range falls back to the default month, with the error to show."""
    zone, now = zone_of(current_user.timezone), utcnow()
    try:
        return parse_page_range(request.args, zone, now, services.first_active_day(current_user)), None
    except RangeError as error:
        return parse_page_range({"range": PAGE_DEFAULT}, zone, now), error


def _wants_fragment() -> bool:
    # A history restore must get the whole page: htmx swaps it into <body>.
    return bool(request.headers.get("HX-Request")) and not request.headers.get("HX-History-Restore-Request")


def _links(name: str) -> str | None:
    return url_for(name) if name in current_app.view_functions else None


@bp.get("/insights")
@login_required
def page():
    insight_range, error = _requested_range()
    insights = services.build_insights(current_user, insight_range)
    fragment = _wants_fragment()
    context = {"insights": insights, "range": insight_range, "error": error, "charts": charts,
               "fragment": fragment,
               "presets": PRESET_LABELS, "preset_keys": PAGE_PRESETS,
               "focus_url": _links("focus.index"), "rooms_url": _links("rooms.directory"),
               "request_args": {key: request.args.get(key, "") for key in ("from", "to")},
               "charts_inline": request.args.get("charts") == "inline"}
    html = render_template("insights/_body.html" if fragment else "insights/page.html", **context)
    # htmx swaps only 2xx answers, so a bad range inside the page stays 200 with its message.
    status = 422 if error and not fragment else 200
    response = Response(html, status=status)
    response.vary.add("HX-Request")
    return response


@bp.get("/insights/charts")
@login_required
def chart_grid():
    """The charts of a range, loaded by the page (htmx, on load): no form, no CSRF token, nothing
    echoed from the request but the parsed range, so it is compressed safely (compression.py).
    The page itself, which carries the token beside reflected input, stays uncompressed."""
    zone = zone_of(current_user.timezone)
    try:
        insight_range = parse_page_range(request.args, zone, utcnow(), services.first_active_day(current_user))
    except RangeError:
        return Response("<p class=\"empty-state\">These charts cannot be drawn for that range.</p>", status=400)
    insights = services.build_insights(current_user, insight_range)
    html = render_template("insights/_chart_grid.html", insights=insights, range=insight_range, charts=charts)
    return secret_free_fragment(html)


def _download(body, content_type: str, insight_range, extension: str) -> Response:
    name = f"focusroom-insights-{insight_range.first_day}-to-{insight_range.last_day}.{extension}"
    response = body if isinstance(body, Response) else Response(body, content_type=content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _export_range():
    zone = zone_of(current_user.timezone)
    try:
        return parse_page_range(request.args, zone, utcnow(), services.first_active_day(current_user))
    except RangeError as error:
        abort_with(400, f"{error.field}: {error}")


@bp.get("/insights/export.csv")
@login_required
def export_csv():
    insight_range = _export_range()
    body = export.csv_text(current_user.id, insight_range)
    return _download(body, export.CSV_CONTENT_TYPE, insight_range, "csv")


@bp.get("/insights/export.json")
@login_required
def export_json():
    insight_range = _export_range()
    insights = services.build_insights(current_user, insight_range)
    return _download(jsonify(export.json_document(current_user.id, insights)),
                     "application/json", insight_range, "json")
