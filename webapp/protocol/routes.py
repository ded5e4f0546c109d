"""GET /api/v1/live/asyncapi.json: the machine-readable description of the live protocol."""
from flask import jsonify

from . import bp, protocol


@bp.get("/asyncapi.json")
def asyncapi():
    response = jsonify(protocol.asyncapi())
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
