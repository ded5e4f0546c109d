from flask import jsonify, render_template, send_from_directory, current_app
from sqlalchemy import text

from ..extensions import db, limiter
from . import bp


@bp.get("/")
def index():
    return render_template("main/index.html")


@bp.get("/health")
@limiter.exempt
def health():
    try:
        db.session.execute(text("SELECT 1"))
        database = "ok"
    except Exception:  # any failure to reach the database is what this endpoint reports
        db.session.rollback()
        database = "unreachable"
    status = 200 if database == "ok" else 503
    body = {"status": "ok" if status == 200 else "degraded", "database": database,
            "version": current_app.config.get("APP_VERSION", "dev")}
    return jsonify(body), status


@bp.get("/favicon.ico")
def favicon():
    return send_from_directory(current_app.static_folder, "favicon.svg", mimetype="image/svg+xml")
