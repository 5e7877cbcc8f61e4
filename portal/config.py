"""Default settings. Override them in ``instance/config.py`` or with ``PORTAL_*`` environment variables."""
from datetime import timedelta


class DefaultConfig:
    SECRET_KEY: str | None = None  # generated into instance/secret_key when not configured
    SQLALCHEMY_DATABASE_URI: str | None = None  # default: SQLite file in instance/
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    SQLITE_BUSY_TIMEOUT_MS = 5000

    SESSION_COOKIE_NAME = "portal_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False  # set True behind HTTPS
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    IDLE_TIMEOUT_MINUTES = 30
    LOGIN_MAX_FAILURES = 5
    LOGIN_LOCK_MINUTES = 15
    ADMIN_PASSWORD: str | None = None  # first admin's password for `make run`; generated when unset

    WTF_CSRF_TIME_LIMIT = None  # tokens live as long as the session; sessions expire on their own
    WTF_I18N_ENABLED = False  # use WTForms' bundled Chinese messages (see portal.forms), not Flask-Babel
    # The hard cap of a request, a little above the largest file a form accepts (portal.attachments.MAX_BYTES),
    # so that a file too large is refused by the form, with a message and what was typed, not by a bare 413.
    MAX_CONTENT_LENGTH = 25 * 1024 * 1024
    PAGE_SIZE = 20
    TIME_ZONE = "Asia/Shanghai"  # the court's clock: every "today" and every date shown (portal.clock)
    COURT_NAME: str | None = None  # the first court's name for init-db; unset: asked, or left to the admin's login
    COURT_CODE: str | None = None  # the first court's code for init-db (default "court")
    ITEM_DEADLINE_DAYS = {"suggestion": 90, "proposal": 90, "letter": 7, "concerned_case": 30, "referral": 30}
    ITEM_DEADLINE_FROM = "received"  # the days above count from the receipt (收件) or from "assigned" (交办)
    ITEM_LETTER_PROPOSAL_DAYS = 5  # a letter's proposed handling (拟办意见) is due this many days after receipt
    ITEM_DUE_SOON_DAYS = 3  # supervised items due within this many days are flagged 即将到期

    PAIRING_CONTACT_DAYS = 91  # a paired deputy without any contact for longer is flagged (结对联络)

    # Notices (portal.notices): with nothing set, messages are recorded as sent by the log backends only.
    PORTAL_BASE_URL = ""  # e.g. http://10.1.2.3:5000, put in front of links in emails
    MAIL_SERVER: str | None = None  # SMTP host; unset: email is only logged
    MAIL_PORT = 25
    MAIL_USE_TLS = False  # STARTTLS after connecting
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_SENDER = "liaison@court.invalid"
    MAIL_SENDER_NAME = "法院代表委员联络平台"
    SMS_BACKEND = "log"  # "log" or "http" (see portal.notices.backends)
    SMS_URL = ""
    SMS_METHOD = "POST"
    SMS_PARAMS = "mobile={mobile}&content={text}"  # the gateway's parameters; {mobile} and {text} are filled in
    SMS_SUCCESS = r"(?i)^\s*(0|ok|success)\b"  # the gateway accepted the message when its answer matches
    SMS_QUIET_HOURS = "21:00-08:00"  # court time; no SMS then (empty: none)
    NOTIFY_RATE_PER_MINUTE = {"sms": 60, "email": 120}
    NOTIFY_MAX_TRIES = 5
    NOTIFY_BACKOFF_MINUTES = (1, 5, 30, 120)  # after the 1st, 2nd, 3rd, 4th failed try
    NOTIFY_STALE_MINUTES = 10  # a message left "sending" this long by a worker that died is claimed again
    NOTIFY_TIMEOUT_SECONDS = 10


def _flag(value: str) -> bool:
    return value.lower() in {"1", "true", "yes", "on"}


# Environment variables that override settings, with their type.
ENVIRONMENT_SETTINGS = {
    "PORTAL_DATABASE_URL": ("SQLALCHEMY_DATABASE_URI", str),
    "PORTAL_SECRET_KEY": ("SECRET_KEY", str),
    "PORTAL_ADMIN_PASSWORD": ("ADMIN_PASSWORD", str),
    "PORTAL_COURT_NAME": ("COURT_NAME", str),
    "PORTAL_COURT_CODE": ("COURT_CODE", str),
    "PORTAL_IDLE_TIMEOUT_MINUTES": ("IDLE_TIMEOUT_MINUTES", int),
    "PORTAL_LOGIN_MAX_FAILURES": ("LOGIN_MAX_FAILURES", int),
    "PORTAL_LOGIN_LOCK_MINUTES": ("LOGIN_LOCK_MINUTES", int),
    "PORTAL_SESSION_COOKIE_SECURE": ("SESSION_COOKIE_SECURE", _flag),
    "PORTAL_PAGE_SIZE": ("PAGE_SIZE", int),
    "PORTAL_TIME_ZONE": ("TIME_ZONE", str),
    "PORTAL_BASE_URL": ("PORTAL_BASE_URL", str),
    "PORTAL_MAIL_SERVER": ("MAIL_SERVER", str),
    "PORTAL_MAIL_PORT": ("MAIL_PORT", int),
    "PORTAL_MAIL_USE_TLS": ("MAIL_USE_TLS", _flag),
    "PORTAL_MAIL_USERNAME": ("MAIL_USERNAME", str),
    "PORTAL_MAIL_PASSWORD": ("MAIL_PASSWORD", str),
    "PORTAL_MAIL_SENDER": ("MAIL_SENDER", str),
    "PORTAL_SMS_BACKEND": ("SMS_BACKEND", str),
    "PORTAL_SMS_URL": ("SMS_URL", str),
    "PORTAL_SMS_METHOD": ("SMS_METHOD", str),
    "PORTAL_SMS_PARAMS": ("SMS_PARAMS", str),
    "PORTAL_SMS_SUCCESS": ("SMS_SUCCESS", str),
    "PORTAL_SMS_QUIET_HOURS": ("SMS_QUIET_HOURS", str),
}
