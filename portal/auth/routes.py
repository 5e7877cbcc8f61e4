"""Logging in (/login, then /login/code or /login/enrol when a second factor is due), out (/logout) and
changing one's password (/password)."""
import time
from urllib.parse import urlsplit

from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from portal import audit, params
from portal.auth import bp, policy, twofactor
from portal.auth.forms import CodeForm, LoginForm, PasswordForm
from portal.auth.models import Duty, User
from portal.auth.services import (
    LoginLocked,
    authenticate,
    change_password,
    check_not_locked,
    clear_failures,
    end_session,
    record_failure,
    start_session,
)
from portal.errors import ServiceError
from portal.extensions import db

LOGIN_FAILED = "用户名或密码错误。连续输错多次后账户将被临时锁定。"
LOGIN_LOCKED = "登录失败次数过多，请 {minutes} 分钟后再试。"
CODE_FAILED = "验证码不正确或已使用过。请输入认证应用中当前显示的 6 位数字，或一个未使用过的恢复码。"
SECRET_UNREADABLE = ("无法核对验证码：本服务器的数据加密密钥与您绑定认证应用时所用的不一致，已记录在服务器日志中。"
                     "请用恢复码登录，或请系统管理员核对数据加密密钥（PORTAL_DATA_KEY 或 instance/data_key）；"
                     "密钥无法找回时，请安全管理员重置您的双因素认证后重新绑定。")
PENDING = "pending_login"  # the user whose password was right, while their second factor is asked
PENDING_SECONDS = 300


def _safe_next(target: str | None) -> str:
    """Only same-site paths, so the login form cannot be used to send people elsewhere."""
    if (target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc
            and "\\" not in target and target == params.clean_text(target)):  # browsers take /\host for //host
        return target
    return url_for("main.index")


def _address() -> str:
    return request.remote_addr or ""


def _locked_message() -> str:
    return LOGIN_LOCKED.format(minutes=current_app.config["LOGIN_LOCK_MINUTES"])


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        try:
            user = authenticate(form.username.data, form.password.data, _address())
        except LoginLocked:
            user, error = None, _locked_message()
        db.session.commit()  # failed attempts count even though the answer is an error
        if user:
            return _after_password(user, _safe_next(request.args.get("next")))
        error = error or LOGIN_FAILED
    status = 422 if request.method == "POST" else 200
    return render_template("auth/login.html", form=form, error=error), status


def _after_password(user: User, next_url: str):
    """The password was right: log in, or first ask for the second factor (or its enrolment, when required)."""
    session.clear()
    if user.twofactor_enabled or policy.twofactor_required(user):
        session[PENDING] = {"user": user.id, "at": int(time.time()), "next": next_url}
        return redirect(url_for("auth.login_code" if user.twofactor_enabled else "auth.login_enrol"))
    return _log_in(user, next_url)


def _log_in(user: User, next_url: str):
    """Start the user's session; the forced password change comes first, else the first court's name."""
    session.clear()
    g.user_session = start_session(user, user_agent=request.user_agent.string, address=_address())
    login_user(user)
    session["seen"] = int(time.time())
    if policy.password_change_due(user):
        return redirect(url_for("auth.password", next=next_url))
    return redirect(_landing(user, next_url))


def _landing(user: User, next_url: str) -> str:
    if user.admin_duty == Duty.SYSTEM and not user.court.named:  # init-db was given no name for the court
        return url_for("admin.setup")
    return next_url


def _pending_user() -> User | None:
    """The user whose password was right within the last minutes and who has yet to give the second factor."""
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or not isinstance(pending.get("user"), int) or \
            time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None
    user = db.session.get(User, pending["user"])
    return user if user is not None and user.active else None


@bp.route("/login/code", methods=["GET", "POST"])
def login_code():
    """The second step of a two-factor login: the authenticator app's code, or a recovery code."""
    user = _pending_user()
    if user is None or not user.twofactor_enabled:
        return render_template("auth/login_code.html", form=None)
    form = CodeForm()
    error = None
    if form.validate_on_submit():
        try:
            check_not_locked(user.username, _address())
        except LoginLocked:
            error = _locked_message()
        else:
            recovery = unreadable = False
            try:
                accepted = twofactor.verify_code(user, form.code.data)
            except twofactor.SecretUnreadable:  # logged; the recovery codes are hashes and still work
                accepted = False
                unreadable = True
            if accepted or (recovery := twofactor.use_recovery_code(user, form.code.data)):
                clear_failures(user.username, _address())
                response = _log_in(user, session[PENDING]["next"])
                if recovery:  # after _log_in, which starts a clean session
                    flash(f"已使用一个恢复码登录，还剩 {twofactor.recovery_codes_left(user)} 个。"
                          "如手机已丢失，请在“账户安全”中重新绑定。", "warning")
                return response
            record_failure(user.username, _address())
            error = SECRET_UNREADABLE if unreadable else CODE_FAILED
        db.session.commit()  # the failure counts although the answer is an error
    status = 422 if request.method == "POST" else 200
    return render_template("auth/login_code.html", form=form, error=error), status


@bp.route("/login/enrol", methods=["GET", "POST"])
def login_enrol():
    """Enrolment of a user whose role requires two-factor login and who has none yet, right after the password."""
    user = _pending_user()
    if user is None or user.twofactor_enabled:
        return render_template("auth/login_code.html", form=None)
    form = CodeForm()
    secret = session.get("enrol_secret") or twofactor.new_secret()
    session["enrol_secret"] = secret
    if form.validate_on_submit():
        try:
            codes = twofactor.enrol(user, secret, form.code.data)
        except ServiceError as error:
            form.code.errors.append(error.errors.get("code", error.message))
        else:
            next_url = session[PENDING]["next"]
            _log_in(user, next_url)
            return render_template("auth/recovery_codes.html", codes=codes,
                                   next_url=url_for("auth.password", next=next_url)
                                   if policy.password_change_due(user) else _landing(user, next_url))
    return render_template("auth/enrol.html", form=form, secret=secret,
                           qr=twofactor.qr_svg(twofactor.provisioning_uri(user, secret)),
                           action=url_for("auth.login_enrol"), required=True), 422 if form.errors else 200


@bp.post("/logout")
@login_required
def logout():
    audit.security("logout")
    if g.get("user_session") is not None:
        end_session(g.user_session)  # any copy of this session's cookie stops working
    logout_user()
    session.clear()
    flash("您已安全退出。", "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password():
    form = PasswordForm()
    if form.validate_on_submit():
        change_password(current_user, form.new.data, keep=g.get("user_session"))
        flash("密码已修改，其他设备上的登录已失效。", "success")
        return redirect(_landing(current_user, _safe_next(request.args.get("next"))))
    status = 422 if form.errors else 200
    return render_template("auth/password.html", form=form, due=policy.password_change_due(current_user),
                           rules=policy.rules_text()), status
