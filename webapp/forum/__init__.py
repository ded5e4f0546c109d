"""Community forum: categories, posts, threaded replies, likes, search and moderation."""
from flask import Blueprint, Flask

bp = Blueprint("community", __name__, url_prefix="/community")


def init_app(app: Flask) -> None:
    from . import comment_views, limits, moderation_views, routes, search_ddl  # noqa: F401  (views, DDL hooks)
    limits.init_app(app)
    app.add_template_filter(forum_time)
    from .cli import users_cli
    app.register_blueprint(bp)
    app.register_blueprint(users_cli)


def forum_time(moment, fmt: str = "%d %b %Y, %H:%M") -> str:
    """The viewer's local time; the zone is looked up once per request, not once per comment."""
    from flask import g
    from flask_login import current_user

    from ..accounts.timezones import zone_of
    if moment is None:
        return ""
    if "forum_zone" not in g:
        g.forum_zone = zone_of(current_user.timezone if current_user.is_authenticated else "UTC")
    return moment.astimezone(g.forum_zone).strftime(fmt)
