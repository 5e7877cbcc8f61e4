"""Sessions, idle timeout and the security headers every answer carries."""
import time

from flask import (
    Flask,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, logout_user
from flask_wtf.csrf import CSRFError
from werkzeug.middleware.proxy_fix import ProxyFix

from portal.extensions import db, login_manager

HSTS = "max-age=31536000"
# Where a user whose password must be changed may still go.
PASSWORD_CHANGE_ALLOWS = {"auth.password", "auth.logout", "static", "main.healthz", "main.favicon"}

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


def init_app(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = "请先登录。"
    login_manager.login_message_category = "warning"
    login_manager.session_protection = "basic"
    if app.config["HTTPS"]:
        app.config["SESSION_COOKIE_SECURE"] = app.config["REMEMBER_COOKIE_SECURE"] = True
        app.config["PREFERRED_URL_SCHEME"] = "https"
    if app.config["TRUSTED_PROXIES"]:
        # Only then is the client's address taken from X-Forwarded-For (the lockout and the sessions list use it).
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)

    @login_manager.user_loader
    def load_user(token: str):
        """The cookie carries a UserSession's token: the user while that session lives (portal.auth.services)."""
        from portal.auth.services import session_for

        row = session_for(token)
        g.user_session = row
        return row.user if row is not None else None

    @login_manager.unauthorized_handler
    def unauthorized():
        wanted = request.full_path.rstrip("?") if request.method == "GET" and request.path != "/" else None
        login_url = url_for("auth.login", next=wanted)
        if request.headers.get("HX-Request") == "true":
            response = app.response_class(status=401)
            response.headers["HX-Redirect"] = login_url
            return response
        if request.path.startswith("/healthz"):
            return jsonify(error="unauthorized"), 401
        flash(login_manager.login_message, login_manager.login_message_category)
        return redirect(login_url)

    @app.before_request
    def end_idle_sessions():
        """Log out a session left idle longer than IDLE_TIMEOUT_MINUTES, judged on the server's clock."""
        if request.endpoint == "static" or not current_user.is_authenticated:
            return
        now = int(time.time())
        last_seen = session.get("seen", now)
        if now - last_seen > app.config["IDLE_TIMEOUT_MINUTES"] * 60:
            from portal import audit

            if g.get("user_session") is not None:
                db.session.delete(g.user_session)
            audit.security("session_end", detail={"idle_minutes": (now - last_seen) // 60})
            db.session.commit()  # the answer may be a 401 (htmx), whose request rolls back
            logout_user()
            session.clear()
            flash("长时间未操作，已自动退出，请重新登录。", "warning")
            return unauthorized()
        session["seen"] = now

    @app.before_request
    def require_password_change():
        """An initial, reset or expired password is changed before anything else."""
        if request.endpoint in PASSWORD_CHANGE_ALLOWS or not current_user.is_authenticated:
            return
        from portal.auth.policy import password_change_due

        reason = password_change_due(current_user)
        if reason is None:
            return
        target = url_for("auth.password", next=request.full_path.rstrip("?") if request.method == "GET" else None)
        if request.headers.get("HX-Request") == "true":
            response = app.response_class(status=204)
            response.headers["HX-Redirect"] = target
            return response
        flash(reason, "warning")
        return redirect(target)

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"
        if app.config["HTTPS"]:
            response.headers["Strict-Transport-Security"] = HSTS
        # A page for someone logged in is kept nowhere; the static files hold nothing of anyone (portal.assets).
        if request.endpoint != "static" and current_user and getattr(current_user, "is_authenticated", False):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_template("error.html", code=400, message="页面已过期或请求来源无法验证，请刷新页面后重试。"), 400

    for code, message in ((403, "您没有权限访问此页面。"), (404, "页面或记录不存在。"),
                          (500, "服务器内部错误，请稍后重试或联系系统管理员。")):
        app.register_error_handler(code, _error_page(code, message))

    @app.errorhandler(413)
    def too_large(error):
        """Beyond MAX_CONTENT_LENGTH nothing of the request can be read: say the limits and lead back to the form
        (the browser's back button keeps what was typed)."""
        from portal.attachments import MAX_BYTES

        limit, per_file = app.config["MAX_CONTENT_LENGTH"] / 1048576, MAX_BYTES / 1048576
        message = (f"提交的内容超过 {limit:.0f} MB 的上限，未能保存。单个附件不能超过 {per_file:.0f} MB，"
                   "请缩小或拆分附件后重新提交。")
        back = request.referrer if request.referrer and request.referrer.startswith(request.host_url) else None
        return render_template("error.html", code=413, message=message, back=back or request.path), 413


def _error_page(code: int, message: str):
    def handler(error):
        if code == 500:
            db.session.rollback()
        return render_template("error.html", code=code, message=message), code

    return handler
