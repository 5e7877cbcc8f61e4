"""Logging in and out (/login, /logout) and changing one's password (/password)."""
import time
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from portal import params
from portal.auth import bp
from portal.auth.forms import LoginForm, PasswordForm
from portal.auth.models import Duty
from portal.auth.services import LoginLocked, authenticate
from portal.extensions import db

LOGIN_FAILED = "用户名或密码错误。连续输错多次后账户将被临时锁定。"
LOGIN_LOCKED = "登录失败次数过多，请 {minutes} 分钟后再试。"


def _safe_next(target: str | None) -> str:
    """Only same-site paths, so the login form cannot be used to send people elsewhere."""
    if (target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc
            and "\\" not in target and target == params.clean_text(target)):  # browsers take /\host for //host
        return target
    return url_for("main.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        try:
            user = authenticate(form.username.data, form.password.data)
        except LoginLocked:
            user, error = None, LOGIN_LOCKED.format(minutes=current_app.config["LOGIN_LOCK_MINUTES"])
        db.session.commit()  # failed attempts count even though the answer is an error
        if user:
            session.clear()
            login_user(user)
            session["seen"] = int(time.time())
            if user.admin_duty == Duty.SYSTEM and not user.court.named:  # init-db was given no name for the court
                return redirect(url_for("admin.setup"))
            return redirect(_safe_next(request.args.get("next")))
        error = error or LOGIN_FAILED
    status = 422 if request.method == "POST" else 200
    return render_template("auth/login.html", form=form, error=error), status


@bp.post("/logout")
@login_required
def logout():
    current_user.rotate_session_token()  # any copy of the old session cookie stops working
    db.session.flush()
    logout_user()
    session.clear()
    flash("您已安全退出。", "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password():
    form = PasswordForm()
    if form.validate_on_submit():
        current_user.set_password(form.new.data)
        current_user.rotate_session_token()  # other sessions of this user end; this one continues
        db.session.flush()
        login_user(current_user._get_current_object())
        flash("密码已修改，其他设备上的登录已失效。", "success")
        return redirect(url_for("main.index"))
    status = 422 if form.errors else 200
    return render_template("auth/password.html", form=form), status
