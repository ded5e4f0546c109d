"""Configuration from the environment (twelve-factor), with safe development defaults."""
import os
import secrets
from pathlib import Path

INSTANCE_DIR = Path(__file__).resolve().parent.parent / "instance"


def _development_secret_key() -> str:
    """A random key generated once and kept in instance/, so sessions survive restarts."""
    INSTANCE_DIR.mkdir(exist_ok=True)
    key_file = INSTANCE_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres://"):  # Heroku-style URLs; SQLAlchemy wants the driver named
        url = "postgresql+psycopg://" + url[len("postgres://"):]
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url or f"sqlite:///{INSTANCE_DIR / 'focusroom.sqlite3'}"


class Config:
    ENV_NAME = os.environ.get("FOCUSROOM_ENV", "development")
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = _database_url()
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    REDIS_URL = os.environ.get("REDIS_URL")  # the live channel across processes, the clock's lease
    REDIS_PREFIX = os.environ.get("REDIS_PREFIX", "focusroom")  # channel and key names

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = os.environ.get("COOKIE_SECURE", "0") == "1"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    REMEMBER_COOKIE_DURATION = 60 * 60 * 24 * 30
    PREFERRED_URL_SCHEME = "https" if SESSION_COOKIE_SECURE else "http"

    WTF_CSRF_TIME_LIMIT = None  # tied to the session instead; long focus sessions outlive 1 h
    RATELIMIT_STORAGE_URI = os.environ.get("REDIS_URL") or "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    # Redis away must not take sign-in down: limits fall back to this process's memory until it returns.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute;50 per hour")
    SIGNUP_RATE_LIMIT = os.environ.get("SIGNUP_RATE_LIMIT", "5 per minute;30 per hour")
    # Creating API tokens with a password: same budget as logins unless set.
    API_TOKEN_RATE_LIMIT = os.environ.get("API_TOKEN_RATE_LIMIT") or None

    # Password-reset requests per client address (POST /forgot-password).
    PASSWORD_RESET_RATE_LIMIT = os.environ.get("PASSWORD_RESET_RATE_LIMIT", "5 per minute;20 per hour")

    # Outgoing mail (password resets). Without SMTP_HOST mails are written to the log instead.
    SMTP_HOST = os.environ.get("SMTP_HOST") or None
    SMTP_PORT = int(os.environ.get("SMTP_PORT") or 587)
    SMTP_USER = os.environ.get("SMTP_USER") or ""
    SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD") or ""
    SMTP_STARTTLS = os.environ.get("SMTP_STARTTLS", "1") != "0"
    MAIL_FROM = os.environ.get("MAIL_FROM") or "Focusroom <no-reply@focusroom.localhost>"
    MAIL_BACKGROUND = True

    # Request bodies above this many bytes are refused with a 413 before anything reads them.
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH") or 1024 * 1024)
    # A WebSocket message from a client above this many bytes closes the socket with 1009;
    # the pages only ever send small JSON objects.
    WS_MAX_MESSAGE_SIZE = int(os.environ.get("WS_MAX_MESSAGE_SIZE") or 64 * 1024)
    # Pings: one loop per process for the pages' sockets (realtime/keepalive.py); the API socket
    # and Socket.IO ping on their own. max_message_size and thread_class are set at start-up.
    WS_PING_INTERVAL = 25
    SOCK_SERVER_OPTIONS: dict = {}
    # A web process not heard from for this long is taken for dead and its sockets counted out.
    PRESENCE_EXPIRY_SECONDS = float(os.environ.get("PRESENCE_EXPIRY_SECONDS", "5"))
    METRICS_TOKEN = os.environ.get("METRICS_TOKEN") or None  # unset: /metrics for loopback only
    # The ticker (phases, time updates) runs inside the web process unless disabled,
    # e.g. when a separate clock process owns it.
    RUN_TICKER = os.environ.get("RUN_TICKER", "1") == "1"
    TICK_SECONDS = 1.0
    # Hashed and compressed copies of static/, made at start (see webapp/staticfiles.py).
    STATIC_BUILD_DIR = os.environ.get("STATIC_BUILD_DIR") or str(INSTANCE_DIR / "static-build")
    # Compress HTML for requests the browser marks same-origin or typed (see webapp/compression.py).
    COMPRESS_SAME_ORIGIN_HTML = os.environ.get("COMPRESS_SAME_ORIGIN_HTML", "0") == "1"

    @classmethod
    def resolve_secret_key(cls) -> str:
        if cls.SECRET_KEY:
            return cls.SECRET_KEY
        if cls.ENV_NAME == "production":
            raise RuntimeError("SECRET_KEY must be set in production (FOCUSROOM_ENV=production).")
        return _development_secret_key()


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret-key"
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    WTF_CSRF_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"
    REDIS_URL = None  # tests that need Redis pass it explicitly
    RUN_TICKER = False
    MAIL_BACKGROUND = False  # tests read the logged mail as soon as the request returns
    SMTP_HOST = None
