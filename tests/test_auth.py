"""Login, logout, session ending, lockout, idle timeout, CSRF and security headers."""
import time

import pytest
from sqlalchemy import select

from portal.auth.models import LoginThrottle, Role
from portal.extensions import db
from tests.conftest import PASSWORD, log_in


def test_login_page_in_chinese(client):
    response = client.get("/login")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "登录" in page and 'lang="zh-CN"' in page


def test_anonymous_is_sent_to_login(client):
    response = client.get("/register/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_htmx_request_hitting_login_wall_gets_hx_redirect(client):
    response = client.get("/register/", headers={"HX-Request": "true", "HX-Target": "results"})
    assert response.status_code == 401
    assert "/login" in response.headers["HX-Redirect"]


def test_login_and_logout(client, make_user):
    user = make_user(Role.LIAISON)
    response = log_in(client, user.username)
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    response = client.post("/logout")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_login_is_case_insensitive_on_username(client, make_user):
    user = make_user(Role.LIAISON, username="ZhangSan")
    assert log_in(client, "zhangsan").status_code == 302
    assert user.last_login_at is not None or db.session.get(type(user), user.id).last_login_at is not None


def test_wrong_password_gives_generic_message(client, make_user):
    user = make_user(Role.LIAISON)
    response = log_in(client, user.username, "wrong-password1")
    assert response.status_code == 422
    assert "用户名或密码错误" in response.get_data(as_text=True)
    unknown = log_in(client, "nobody-here", "wrong-password1")
    assert unknown.get_data(as_text=True).count("用户名或密码错误") == 1


def test_next_parameter_only_goes_to_own_site(client, make_user):
    user = make_user(Role.LIAISON)
    response = client.post("/login?next=//evil.example/x", data={"username": user.username, "password": PASSWORD})
    assert response.headers["Location"] == "/"
    client.post("/logout")
    response = client.post("/login?next=/register/", data={"username": user.username, "password": PASSWORD})
    assert response.headers["Location"] == "/register/"


def test_replayed_session_cookie_is_refused_after_logout(client, make_user):
    user = make_user(Role.LIAISON)
    log_in(client, user.username)
    old_cookie = client.get_cookie("portal_session").value
    client.post("/logout")
    client.set_cookie("portal_session", old_cookie)
    response = client.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_disabled_account_loses_its_session(client, make_user):
    user = make_user(Role.LIAISON)
    log_in(client, user.username)
    assert client.get("/").status_code == 200
    user.active = False
    db.session.commit()
    assert client.get("/").status_code == 302
    assert log_in(client, user.username).status_code == 422


@pytest.mark.parametrize("app_config", [{"LOGIN_MAX_FAILURES": 3, "LOGIN_LOCK_MINUTES": 15}])
def test_lockout_after_failures_hides_whether_account_exists(client, make_user):
    user = make_user(Role.LIAISON)
    for _ in range(3):
        log_in(client, user.username, "bad-password1")
    response = log_in(client, user.username)  # the right password, but locked
    assert response.status_code == 422
    assert "15 分钟后再试" in response.get_data(as_text=True)
    for _ in range(3):
        log_in(client, "ghost", "bad-password1")
    assert "15 分钟后再试" in log_in(client, "ghost", "bad-password1").get_data(as_text=True)


@pytest.mark.parametrize("app_config", [{"LOGIN_MAX_FAILURES": 2}])
def test_lock_expires(client, make_user):
    user = make_user(Role.LIAISON)
    log_in(client, user.username, "bad-password1")
    log_in(client, user.username, "bad-password1")
    throttle = db.session.scalar(select(LoginThrottle).where(LoginThrottle.username == user.username.lower()))
    from datetime import timedelta

    throttle.locked_until -= timedelta(minutes=16)
    db.session.commit()
    assert log_in(client, user.username).status_code == 302
    assert db.session.scalar(select(LoginThrottle)) is None


@pytest.mark.parametrize("app_config", [{"IDLE_TIMEOUT_MINUTES": 30}])
def test_idle_session_times_out(client, make_user):
    user = make_user(Role.LIAISON)
    log_in(client, user.username)
    with client.session_transaction() as session:
        session["seen"] = int(time.time()) - 31 * 60
    response = client.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert client.get("/").status_code == 302


def test_password_change_ends_other_sessions(app, make_user):
    user = make_user(Role.LIAISON)
    first, second = app.test_client(), app.test_client()
    log_in(first, user.username)
    log_in(second, user.username)
    response = first.post("/password", data={"current": PASSWORD, "new": "NewPassw0rd", "confirm": "NewPassw0rd"})
    assert response.status_code == 302
    assert first.get("/").status_code == 200
    assert second.get("/").status_code == 302


def test_password_change_validates_in_chinese(client, login_as):
    login_as(Role.LIAISON)
    response = client.post("/password", data={"current": PASSWORD, "new": "short", "confirm": "other"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "密码至少需要 8 位" in page and "两次输入的新密码不一致" in page


def test_security_headers(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"]


def test_htmx_configured_for_the_csp(client):
    page = client.get("/login").get_data(as_text=True)
    assert '"includeIndicatorStyles": false' in page and '"allowEval": false' in page
    assert "<script>" not in page and " style=" not in page


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_csrf_required_for_login_and_htmx_posts(client, make_user):
    user = make_user(Role.LIAISON)
    response = client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert response.status_code == 400
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post("/login", data={"username": user.username, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    home = client.get("/").get_data(as_text=True)
    header_token = home.split('"X-CSRFToken": "')[1].split('"')[0]
    assert client.post("/logout", headers={"HX-Request": "true"}).status_code == 400
    assert client.post("/logout", headers={"HX-Request": "true", "X-CSRFToken": header_token}).status_code == 302


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["status"] == "ok" and response.json["database"] == "ok"
    assert response.json["revision"]
