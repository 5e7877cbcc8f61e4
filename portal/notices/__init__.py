"""Notices (消息通知): an outbox of SMS, email and in-portal messages, delivered by a worker.

Messages are written to the outbox in the same transaction as the change that causes them, so none is lost and
none goes out for a change that rolled back; ``flask --app portal notify run`` (or ``notify send-due`` from cron)
delivers them through the configured backends, with retries, quiet hours and a rate limit.
"""
from flask import Blueprint

from portal.auth.models import STAFF_ROLES, Role
from portal.config import flag

# With nothing set, messages are recorded as sent by the log backends only (see portal.notices.backends).
SETTINGS = {
    "MAIL_SERVER": None,  # SMTP host; unset: email is only logged
    "MAIL_PORT": 25,
    "MAIL_USE_TLS": False,  # STARTTLS after connecting
    "MAIL_USERNAME": None,
    "MAIL_PASSWORD": None,
    "MAIL_SENDER": "liaison@court.invalid",
    "MAIL_SENDER_NAME": "法院代表委员联络平台",
    "SMS_BACKEND": "log",  # "log" or "http"
    "SMS_URL": "",
    "SMS_METHOD": "POST",
    "SMS_PARAMS": "mobile={mobile}&content={text}",  # the gateway's parameters; {mobile} and {text} are filled in
    "SMS_SUCCESS": r"(?i)^\s*(0|ok|success)\b",  # the gateway accepted the message when its answer matches
    "SMS_QUIET_HOURS": "21:00-08:00",  # court time; no SMS then (empty: none)
    "NOTIFY_RATE_PER_MINUTE": {"sms": 60, "email": 120},
    "NOTIFY_MAX_TRIES": 5,
    "NOTIFY_BACKOFF_MINUTES": (1, 5, 30, 120),  # after the 1st, 2nd, 3rd, 4th failed try
    "NOTIFY_STALE_MINUTES": 10,  # a message left "sending" this long by a worker that died is claimed again
    "NOTIFY_TIMEOUT_SECONDS": 10,
}
ENVIRONMENT = {
    "PORTAL_MAIL_SERVER": ("MAIL_SERVER", str),
    "PORTAL_MAIL_PORT": ("MAIL_PORT", int),
    "PORTAL_MAIL_USE_TLS": ("MAIL_USE_TLS", flag),
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

# A message the worker delivered by SMS or email, when it is about a record: that record's area may take note
# (the hearings area, that the deputy heard of a change). Data: deputy_id, user_id, channel, about_type, about_id,
# queued_at and sent_at (ISO instants).
EVENTS = {"message.sent": "消息已发出"}

bp = Blueprint("notices", __name__, url_prefix="/notices")
NAVIGATION = [("消息发送", "notices.index", (Role.LIAISON,), "联络工作"),
              ("法院工作信息", "notices.newsletter_list", STAFF_ROLES, "联络工作")]

from portal.notices import models, newsletter_routes, routes  # noqa: E402,F401
