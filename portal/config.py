"""Default settings. Override them in ``instance/config.py`` or with ``PORTAL_*`` environment variables.

These are the core's; each area declares its own defaults in ``SETTINGS`` and its environment variables in
``ENVIRONMENT`` (same shape as ``ENVIRONMENT_SETTINGS``) in its package, and ``create_app`` collects them.
"""
from datetime import timedelta


class DefaultConfig:
    SECRET_KEY: str | None = None  # generated into instance/secret_key when not configured
    # The audit chain's HMAC key (portal.audit), generated into instance/audit_key when not configured. Keep it
    # outside the database and its backups: whoever holds it can forge audit rows.
    AUDIT_KEY: str | None = None
    # The key that encrypts secrets stored in the database (portal.crypto: the two-factor secrets), generated into
    # instance/data_key when not configured. Not the audit key, and not in the backups: back it up separately.
    DATA_KEY: str | None = None
    SQLALCHEMY_DATABASE_URI: str | None = None  # default: SQLite file in instance/
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    SQLITE_BUSY_TIMEOUT_MS = 5000

    SESSION_COOKIE_NAME = "portal_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False  # set True behind HTTPS
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    IDLE_TIMEOUT_MINUTES = 30
    SESSION_ABSOLUTE_HOURS = 12  # a login ends this long after it began, however active (UserSession.expires_at)
    # One setting for HTTPS: Secure cookies and HSTS. Behind a reverse proxy, TRUSTED_PROXIES is how many proxies
    # stand in front: only then are X-Forwarded-For / -Proto believed (Werkzeug's ProxyFix).
    HTTPS = False
    TRUSTED_PROXIES = 0
    # "production" requires two-factor login of the staff until the security administrator saves a policy.
    ENVIRONMENT = "development"
    TWOFACTOR_ISSUER = "法院联络平台"  # the name the authenticator app shows beside the code
    LOGIN_MAX_FAILURES = 5
    LOGIN_LOCK_MINUTES = 15
    ADMIN_PASSWORD: str | None = None  # first admin's password for `make run`; generated when unset

    WTF_CSRF_TIME_LIMIT = None  # tokens live as long as the session; sessions expire on their own
    WTF_I18N_ENABLED = False  # use WTForms' bundled Chinese messages (see portal.forms), not Flask-Babel
    # The hard cap of a request, a little above the largest file a form accepts (portal.attachments.MAX_BYTES),
    # so that a file too large is refused by the form, with a message and what was typed, not by a bare 413.
    MAX_CONTENT_LENGTH = 25 * 1024 * 1024
    PAGE_SIZE = 20
    PORTAL_BASE_URL = ""  # e.g. http://10.1.2.3:5000, put in front of the portal's links in emails and feeds
    TIME_ZONE = "Asia/Shanghai"  # the court's clock: every "today" and every date shown (portal.clock)
    COURT_NAME: str | None = None  # the first court's name for init-db; unset: asked, or left to the admin's login
    COURT_CODE: str | None = None  # the first court's code for init-db (default "court")
    # Where uploaded files live (portal.uploads): "folder" (UPLOAD_FOLDER, default instance/uploads; shared
    # between app servers only as a shared folder) or "database" (nothing to share beyond the database).
    UPLOAD_STORAGE = "folder"



def flag(value: str) -> bool:
    """An environment variable's yes or no."""
    return value.lower() in {"1", "true", "yes", "on"}


# Environment variables that override settings, with their type.
ENVIRONMENT_SETTINGS = {
    "PORTAL_DATABASE_URL": ("SQLALCHEMY_DATABASE_URI", str),
    "PORTAL_SECRET_KEY": ("SECRET_KEY", str),
    "PORTAL_AUDIT_KEY": ("AUDIT_KEY", str),
    "PORTAL_DATA_KEY": ("DATA_KEY", str),
    "PORTAL_ADMIN_PASSWORD": ("ADMIN_PASSWORD", str),
    "PORTAL_COURT_NAME": ("COURT_NAME", str),
    "PORTAL_COURT_CODE": ("COURT_CODE", str),
    "PORTAL_IDLE_TIMEOUT_MINUTES": ("IDLE_TIMEOUT_MINUTES", int),
    "PORTAL_LOGIN_MAX_FAILURES": ("LOGIN_MAX_FAILURES", int),
    "PORTAL_LOGIN_LOCK_MINUTES": ("LOGIN_LOCK_MINUTES", int),
    "PORTAL_SESSION_COOKIE_SECURE": ("SESSION_COOKIE_SECURE", flag),
    "PORTAL_SESSION_ABSOLUTE_HOURS": ("SESSION_ABSOLUTE_HOURS", int),
    "PORTAL_HTTPS": ("HTTPS", flag),
    "PORTAL_TRUSTED_PROXIES": ("TRUSTED_PROXIES", int),
    "PORTAL_ENV": ("ENVIRONMENT", str),
    "PORTAL_PAGE_SIZE": ("PAGE_SIZE", int),
    "PORTAL_TIME_ZONE": ("TIME_ZONE", str),
    "PORTAL_BASE_URL": ("PORTAL_BASE_URL", str),
    "PORTAL_UPLOAD_STORAGE": ("UPLOAD_STORAGE", str),
    "PORTAL_UPLOAD_FOLDER": ("UPLOAD_FOLDER", str),
}
