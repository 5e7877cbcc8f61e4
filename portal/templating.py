"""Template filters, globals and the navigation, plus the once-per-request commit."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import Flask, request, url_for
from flask_login import current_user

from portal.auth.models import Role
from portal.extensions import db

LOCAL_TIME = ZoneInfo("Asia/Shanghai")

# (label, endpoint, roles that see it)
NAVIGATION = [
    ("首页", "main.index", tuple(Role)),
    ("代表委员名册", "register.index", (Role.ADMIN, Role.LIAISON, Role.LEADER, Role.HANDLER)),
    ("用户", "admin.users", (Role.ADMIN,)),
    ("部门", "admin.departments", (Role.ADMIN,)),
    ("法院", "admin.courts", (Role.ADMIN,)),
    ("审计日志", "admin.audit", (Role.ADMIN,)),
]


def local(value: datetime | None) -> datetime | None:
    return value.astimezone(LOCAL_TIME) if value else None


def format_datetime(value: datetime | None) -> str:
    """2025-03-01 14:05 in Beijing time."""
    return local(value).strftime("%Y-%m-%d %H:%M") if value else ""


def format_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = local(value)
    return value.strftime("%Y-%m-%d")


def init_app(app: Flask) -> None:
    app.jinja_env.filters["datetime"] = format_datetime
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def navigation():
        items = []
        if current_user.is_authenticated:
            items = [(label, url_for(endpoint), request.endpoint == endpoint or
                      (request.blueprint and endpoint.split(".")[0] == request.blueprint and endpoint != "main.index"))
                     for label, endpoint, roles in NAVIGATION if current_user.role in roles]
        return {"navigation": items, "Role": Role}

    @app.after_request
    def commit_request(response):
        """Services only flush; a request that succeeded commits once here."""
        if response.status_code < 400:
            db.session.commit()
        else:
            db.session.rollback()
        return response
