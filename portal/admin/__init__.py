"""Administration: users, departments, courts and the audit log."""
from flask import Blueprint

from portal.auth.models import Role

bp = Blueprint("admin", __name__, url_prefix="/admin")
NAVIGATION = [
    ("用户", "admin.users", (Role.ADMIN,)),
    ("部门", "admin.departments", (Role.ADMIN,)),
    ("法院", "admin.courts", (Role.ADMIN,)),
    ("审计日志", "admin.audit", (Role.ADMIN,)),
]

from portal.admin import routes  # noqa: E402,F401
