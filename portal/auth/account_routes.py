"""The user's own account security (/account): their sessions, ended one by one or all others at once, and their
second factor (enrol, new recovery codes, turn off when their role allows)."""
from flask import flash, g, redirect, render_template, session, url_for
from flask_login import current_user, login_required

from portal.auth import bp, policy, twofactor
from portal.auth.forms import CodeForm
from portal.auth.services import end_session, end_sessions, live_sessions, own_session
from portal.errors import NotFound, ServiceError


def _me():
    """The user record itself, not Flask-Login's proxy (events name their record by its table)."""
    return current_user._get_current_object()


@bp.get("/account")
@login_required
def account():
    return render_template("auth/account.html", sessions=live_sessions(current_user),
                           current_id=g.user_session.id if g.get("user_session") else None,
                           required=policy.twofactor_required(current_user),
                           codes_left=twofactor.recovery_codes_left(current_user))


@bp.post("/account/sessions/<int:session_id>/end")
@login_required
def end_own_session(session_id: int):
    row = own_session(current_user, session_id)
    if row is None:
        raise NotFound
    if g.get("user_session") is not None and row.id == g.user_session.id:
        raise ServiceError("这是当前正在使用的会话，请使用“退出”。")
    end_session(row)
    flash("已结束该会话，那台设备需要重新登录。", "success")
    return redirect(url_for("auth.account"), 303)


@bp.post("/account/sessions/end-others")
@login_required
def end_other_sessions():
    ended = end_sessions(current_user, keep=g.get("user_session"))
    flash(f"已结束其他 {ended} 个会话。", "success")
    return redirect(url_for("auth.account"), 303)


@bp.route("/account/twofactor", methods=["GET", "POST"])
@login_required
def enrol():
    """Bind an authenticator app: scan the QR code, type the code it shows; the secret lives in the session until
    the code proves the app has it."""
    if current_user.twofactor_enabled:
        flash("已启用双因素认证。如需更换手机，请先停用再重新绑定。", "info")
        return redirect(url_for("auth.account"), 303)
    form = CodeForm()
    secret = session.get("enrol_secret") or twofactor.new_secret()
    session["enrol_secret"] = secret
    if form.validate_on_submit():
        try:
            codes = twofactor.enrol(_me(), secret, form.code.data)
        except ServiceError as error:
            form.code.errors.append(error.errors.get("code", error.message))
        else:
            session.pop("enrol_secret", None)
            return render_template("auth/recovery_codes.html", codes=codes, next_url=url_for("auth.account"))
    return render_template("auth/enrol.html", form=form, secret=secret,
                           qr=twofactor.qr_svg(twofactor.provisioning_uri(current_user, secret)),
                           action=url_for("auth.enrol"), required=False), 422 if form.errors else 200


@bp.post("/account/twofactor/recovery-codes")
@login_required
def renew_recovery_codes():
    if not current_user.twofactor_enabled:
        flash("尚未启用双因素认证，请先绑定认证应用。", "warning")
        return redirect(url_for("auth.account"), 303)
    codes = twofactor.regenerate_recovery_codes(_me())
    return render_template("auth/recovery_codes.html", codes=codes, next_url=url_for("auth.account"))


@bp.post("/account/twofactor/disable")
@login_required
def disable_twofactor():
    if current_user.twofactor_enabled:
        twofactor.disable(_me())
        flash("已停用双因素认证。", "success")
    return redirect(url_for("auth.account"), 303)
