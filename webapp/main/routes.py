from flask import current_app, jsonify, redirect, render_template, send_from_directory, url_for
from flask_login import current_user
from sqlalchemy import text

from ..extensions import db, limiter
from . import bp


@bp.get("/")
def index():
    # Signed-in people (guests too: they have a log and rooms) live on Today; / is for visitors.
    if current_user.is_authenticated and "today.page" in current_app.view_functions:
        return redirect(url_for("today.page"))
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
