"""Administration: users, departments, courts and the audit log."""
from flask import Blueprint

from portal.auth.models import Role

bp = Blueprint("admin", __name__, url_prefix="/admin")
# One menu entry for the whole area (the admin's menu is the longest); its pages are tabs (admin/_tabs.html).
NAVIGATION = [("系统管理", "admin.index", (Role.ADMIN,))]

from portal.admin import routes  # noqa: E402,F401
