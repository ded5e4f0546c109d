"""GET /api/v1/stats/<name>?range=<N>d: the HyperFocus stats, in the token user's time zone."""
from flask import g, jsonify, request

from ..accounts.timezones import zone_of
from ..insights import services
from ..insights.ranges import RangeError, parse_api_range
from ..models import utcnow
from . import bp
from .auth import ApiError, token_required


@bp.get("/stats/<name>")
@token_required
def stats(name: str):
    if name not in services.STAT_NAMES:
        raise ApiError(404, f"Unknown statistic {name!r}; choose one of: "
                            f"{', '.join(services.STAT_NAMES)}.")
    try:
        insight_range = parse_api_range(request.args.get("range"), zone_of(g.api_user.timezone), utcnow())
    except RangeError as error:
        raise ApiError(400, str(error), {"range": str(error)}) from None
    return jsonify(services.api_stat(name, g.api_user, insight_range))
