"""Administration, split among three administrators (三员分立): the system administrator (users, departments,
courts, the first court's name), the security administrator (login locks, password resets, ending sessions,
calendar subscriptions) and the audit administrator (the audit log)."""
from flask import Blueprint

from portal.auth.models import Duty

bp = Blueprint("admin", __name__, url_prefix="/admin")
# One menu entry for the duty a user holds (admin.index leads to its first page); its pages are tabs
# (admin/_tabs.html).
NAVIGATION = [("系统管理", "admin.index", (Duty.SYSTEM,)), ("安全管理", "admin.index", (Duty.SECURITY,)),
              ("审计日志", "admin.index", (Duty.AUDIT,))]
# Each duty's pages (endpoint, tab label); the first is where the duty's administrator starts.
TABS = {Duty.SYSTEM: [("admin.users", "用户"), ("admin.departments", "部门"), ("admin.courts", "法院")],
        Duty.SECURITY: [("admin.security", "账户"), ("auth.security.locks", "登录锁定"),
                        ("auth.security.policy_form", "安全策略"), ("agenda.feeds", "日历订阅")],
        Duty.AUDIT: [("admin.audit", "审计日志")]}
# What the menu entry stands for beyond this blueprint's pages (portal.templating): the duties' tabs elsewhere.
NAVIGATION_PAGES = {"admin.index": {endpoint for tabs in TABS.values() for endpoint, _ in tabs}}

from portal.admin import routes  # noqa: E402,F401
