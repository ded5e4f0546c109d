"""GET /api/v1/stats/<name>: the HyperFocus stats, in the token user's time zone.

The range is read exactly as the insights page reads it (`range=7d|30d|90d|all|<N>d` or
`from`/`to` dates), except that nothing means the last 7 days.
"""
from flask import g, jsonify, request

from ..accounts.timezones import zone_of
from ..insights import services
from ..insights.ranges import RangeError, parse_api_range
from ..models import utcnow
from . import bp
from .auth import token_required
from .contract import ApiError, QueryArgs

RANGE_PARAMS = ("range", "from", "to")


@bp.get("/stats/<name>")
@token_required
def stats(name: str):
    if name not in services.STAT_NAMES:
        raise ApiError(404, f"Unknown statistic {name!r}; choose one of: "
                            f"{', '.join(services.STAT_NAMES)}.")
    query = QueryArgs(request.args, RANGE_PARAMS)
    try:
        insight_range = parse_api_range(request.args, zone_of(g.api_user.timezone), utcnow(),
                                        services.first_active_day(g.api_user))
    except RangeError as error:
        query.add(error.field, str(error))
    query.check()
    return jsonify(services.api_stat(name, g.api_user, insight_range))
