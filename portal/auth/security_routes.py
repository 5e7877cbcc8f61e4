"""The security administrator's pages (/admin/security/…): the password and two-factor policy, login locks, and
ending a user's sessions or resetting their second factor.

The security administrator's alone (三员分立); the accounts they act on are listed on admin.security.
"""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from portal import params
from portal.access import require_duty
from portal.auth import policy, services, twofactor
from portal.auth.forms import PolicyForm
from portal.auth.models import Duty, User
from portal.errors import Forbidden, NotFound
from portal.extensions import db
from portal.htmx import render

bp = Blueprint("security", __name__, url_prefix="/admin/security")
security_admin = require_duty(Duty.SECURITY)


@bp.route("/", methods=["GET", "POST"])
@security_admin
def policy_form():
    form = PolicyForm(obj=policy.current())
    if form.validate_on_submit():
        policy.save(min_length=form.min_length.data, min_classes=form.min_classes.data,
                    history_count=form.history_count.data, max_age_days=form.max_age_days.data,
                    check_common=form.check_common.data, twofactor_roles=list(form.twofactor_roles.data))
        flash("已保存安全策略。", "success")
        return redirect(url_for("auth.security.policy_form"), 303)
    return render_template("auth/security_policy.html", form=form), 422 if form.errors else 200


@bp.get("/locks")
@security_admin
def locks():
    return render("auth/security_locks.html", block="results", page=services.list_locks(**params.page_args()))


@bp.post("/locks/<int:throttle_id>/unlock")
@security_admin
def unlock(throttle_id: int):
    throttle = services.unlock(throttle_id)
    if throttle is not None:
        flash(f"已解除“{throttle.username}”在 {throttle.address or '未知地址'} 的登录锁定。", "success")
    return redirect(url_for("auth.security.locks"), 303)


def _user(user_id: int) -> User:
    """Another user: nobody ends their own sessions or resets their own second factor here (修改密码, 退出 and
    账户安全 are for that)."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound
    if user.id == current_user.id:
        raise Forbidden("不能为自己结束会话或重置双因素认证：请使用“退出”或“账户安全”。")
    return user


@bp.post("/users/<int:user_id>/end-sessions")
@security_admin
def end_sessions(user_id: int):
    user = _user(user_id)
    ended = services.end_sessions_by_admin(user)
    flash(f"已结束“{user.display_name}”的 {ended} 个会话，其所有设备须重新登录。", "success")
    return redirect(url_for("admin.security"), 303)


@bp.post("/users/<int:user_id>/reset-twofactor")
@security_admin
def reset_twofactor(user_id: int):
    user = _user(user_id)
    if user.twofactor_enabled:
        twofactor.disable(user, by_admin=True)
        flash(f"已重置“{user.display_name}”的双因素认证，其下次登录时须重新绑定（如其角色要求）。", "success")
    return redirect(url_for("admin.security"), 303)
