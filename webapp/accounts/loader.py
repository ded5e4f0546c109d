from flask import Flask, request

from ..errors import error_response
from ..extensions import login_manager
from .sessions import load_user_for


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"
    # Flask-Login's own session protection would log people out on IP changes (phones);
    # sessions are revocable server-side instead.
    login_manager.session_protection = None
    login_manager.user_loader(load_user_for)

    @login_manager.unauthorized_handler
    def _unauthorized():
        from flask import flash, redirect, url_for
        if request.path.startswith("/api/") or request.headers.get("HX-Request"):
            return error_response(401)
        flash(login_manager.login_message, "info")
        return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
