"""Notices (消息通知): an outbox of SMS, email and in-portal messages, delivered by a worker.

Messages are written to the outbox in the same transaction as the change that causes them, so none is lost and
none goes out for a change that rolled back; ``flask --app portal notify run`` (or ``notify send-due`` from cron)
delivers them through the configured backends, with retries, quiet hours and a rate limit.
"""
from flask import Blueprint

from portal.auth.models import Role

bp = Blueprint("notices", __name__, url_prefix="/notices")
NAVIGATION = [("消息发送", "notices.index", (Role.ADMIN, Role.LIAISON), "联络工作")]

from portal.notices import models, routes, subscriptions  # noqa: E402,F401
