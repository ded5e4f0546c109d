"""Focusroom: focus together, and learn how you focus."""
from flask import Flask

from .config import INSTANCE_DIR, Config


def create_app(config_class: type[Config] = Config, overrides: dict | None = None) -> Flask:
    app = Flask(__name__, template_folder="../templates", static_folder="../static",
                instance_path=str(INSTANCE_DIR))
    app.config.from_object(config_class)
    app.config.update(overrides or {})
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = config_class.resolve_secret_key()

    from . import compression, database, extensions, jsonsafety, security, sessioncookie, urlparams
    compression.init_app(app)  # first registered, so it runs after every other after_request
    jsonsafety.init_app(app)
    sessioncookie.init_app(app)
    urlparams.init_app(app)  # before any blueprint adds its rules
    database.init_app(app)
    extensions.migrate.init_app(app, extensions.db)
    extensions.csrf.init_app(app)
    extensions.limiter.init_app(app)
    extensions.sock.init_app(app)
    security.init_app(app)

    from .accounts import init_app as init_accounts
    init_accounts(app)

    from . import errors, main, metrics, staticfiles, templating
    templating.init_app(app)
    staticfiles.init_app(app)
    errors.init_app(app)
    metrics.init_app(app)
    app.register_blueprint(main.bp)

    from . import wiring
    wiring.wire(app)

    if app.config.get("RUN_TICKER"):
        from . import lifecycle
        lifecycle.start(app)
    return app
