"""Login (password, then a second factor), logout, the user's own password, second factor and sessions; and the
security administrator's pages (blueprint ``auth.security`` under /admin/security)."""
from flask import Blueprint

bp = Blueprint("auth", __name__)
# Security events beside the field changes of the audit trail (portal.audit records every event).
EVENTS = {
    "user.twofactor_enrolled": "启用双因素认证",
    "user.twofactor_disabled": "停用双因素认证",
    "user.twofactor_reset": "管理员重置双因素认证",
    "user.recovery_codes_renewed": "重新生成恢复码",
    "user.sessions_ended": "结束用户全部会话",
    "login_lock.released": "解除登录锁定",
}

from portal.auth import account_routes, routes, security_routes  # noqa: E402,F401

bp.register_blueprint(security_routes.bp)
