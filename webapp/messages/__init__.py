"""Direct messages: 1:1 conversations delivered live, with honest unread counts."""
from flask import Blueprint, Flask

bp = Blueprint("messages", __name__, url_prefix="/messages")


def init_app(app: Flask) -> None:
    from . import limits, moderation_views, routes, settings_views  # noqa: F401  (register the views)
    from .badge import unread_message_count
    from .viewhelpers import init_filters
    limits.init_app(app)
    init_filters(app)
    app.jinja_env.globals["unread_message_count"] = unread_message_count
    app.context_processor(settings_views.settings_context)
    app.context_processor(moderation_views.queue_context)
    app.register_blueprint(bp)
