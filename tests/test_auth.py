"""Login, logout, session ending, lockout, idle timeout, CSRF and security headers."""
import time

import pytest
from sqlalchemy import select

from portal.auth.models import Duty, LoginThrottle, Role
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


# --- equal work, per-source lockout, proxies, HTTPS, rehash ----------------------------------------------------

def _from(client, address: str):
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_every_login_checks_exactly_one_password_hash(client, make_user, monkeypatch):
    """Whether the account exists or not, the answer costs one hash check (so it takes as long)."""
    import portal.auth.models

    calls = []
    real = portal.auth.models.check_password_hash
    monkeypatch.setattr(portal.auth.models, "check_password_hash", lambda h, p: calls.append(h) or real(h, p))
    user = make_user(Role.LIAISON)
    disabled = make_user(Role.LIAISON, active=False)
    for username, password in (("nobody-here", "wrong-password1"), (user.username, "wrong-password1"),
                               (disabled.username, PASSWORD), (user.username, PASSWORD)):
        calls.clear()
        log_in(client, username, password)
        assert len(calls) == 1, username
    client.post("/logout")
    calls.clear()
    log_in(client, "nobody-else", "wrong-password1")  # the dummy hash is made with the current method
    assert len(calls) == 1 and calls[0].startswith(portal.auth.models.PASSWORD_HASH_METHOD)


@pytest.mark.parametrize("app_config", [{"LOGIN_MAX_FAILURES": 3}])
def test_lockout_is_per_source_address(app, make_user):
    user = make_user(Role.LIAISON)
    attacker, owner = _from(app.test_client(), "203.0.113.9"), _from(app.test_client(), "10.1.1.5")
    for _ in range(3):
        log_in(attacker, user.username, "bad-password1")
    assert "分钟后再试" in log_in(attacker, user.username).get_data(as_text=True)
    assert log_in(owner, user.username).headers["Location"] == "/"


@pytest.mark.parametrize("app_config", [{"LOGIN_MAX_FAILURES": 2}])
def test_the_security_admin_unlocks(app, client, login_as, make_user):
    user = make_user(Role.LIAISON)
    locked = _from(app.test_client(), "203.0.113.7")
    log_in(locked, user.username, "bad-password1")
    log_in(locked, user.username, "bad-password1")
    assert log_in(locked, user.username).status_code == 422
    admin = login_as(Duty.SECURITY)
    page = client.get("/admin/security/locks").get_data(as_text=True)
    assert user.username in page and "203.0.113.7" in page
    lock = db.session.scalar(select(LoginThrottle).where(LoginThrottle.username == user.username))
    response = client.post(f"/admin/security/locks/{lock.id}/unlock", follow_redirects=True)
    assert "已解除" in response.get_data(as_text=True)
    assert "当前没有被锁定的登录" in client.get("/admin/security/locks").get_data(as_text=True)
    assert log_in(locked, user.username).headers["Location"] == "/"
    from portal.audit import AuditLog

    entry = db.session.scalar(select(AuditLog).where(AuditLog.summary == "解除登录锁定"))
    assert entry.user_id == admin.id and entry.changes["address"] == [None, "203.0.113.7"]


@pytest.mark.parametrize("app_config", [{"LOGIN_MAX_FAILURES": 2}])
def test_forwarded_for_is_ignored_without_a_trusted_proxy(client, make_user):
    user = make_user(Role.LIAISON)
    for n in range(2):  # a new forged address each time does not escape the lock
        client.post("/login", data={"username": user.username, "password": "bad-password1"},
                    headers={"X-Forwarded-For": f"198.51.100.{n}"})
    response = client.post("/login", data={"username": user.username, "password": PASSWORD},
                           headers={"X-Forwarded-For": "198.51.100.99"})
    assert response.status_code == 422
    assert db.session.scalar(select(LoginThrottle.address)) == "127.0.0.1"


@pytest.mark.parametrize("app_config", [{"LOGIN_MAX_FAILURES": 2, "TRUSTED_PROXIES": 1}])
def test_forwarded_for_is_the_client_behind_a_trusted_proxy(client, make_user):
    user = make_user(Role.LIAISON)
    for _ in range(2):
        client.post("/login", data={"username": user.username, "password": "bad-password1"},
                    headers={"X-Forwarded-For": "198.51.100.1"})
    assert db.session.scalar(select(LoginThrottle.address)) == "198.51.100.1"
    response = client.post("/login", data={"username": user.username, "password": PASSWORD},
                           headers={"X-Forwarded-For": "198.51.100.2"})
    assert response.status_code == 302
    from portal.auth.models import UserSession

    assert db.session.scalar(select(UserSession.address)) == "198.51.100.2"


@pytest.mark.parametrize("app_config", [{"HTTPS": True}])
def test_https_sets_secure_cookies_and_hsts(client, make_user):
    response = log_in(client, make_user(Role.LIAISON).username)
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_plain_http_sends_no_hsts(client, make_user):
    response = log_in(client, make_user(Role.LIAISON).username)
    assert "Strict-Transport-Security" not in response.headers
    assert "Secure" not in response.headers["Set-Cookie"] and "HttpOnly" in response.headers["Set-Cookie"]


def test_a_hash_of_older_parameters_is_redone_at_login(client, make_user, monkeypatch):
    import portal.auth.models

    user = make_user(Role.LIAISON)
    old_hash = user.password_hash
    monkeypatch.setattr(portal.auth.models, "PASSWORD_HASH_METHOD", "pbkdf2:sha256:1001")
    assert log_in(client, user.username).status_code == 302
    renewed = db.session.get(type(user), user.id)
    assert renewed.password_hash != old_hash and renewed.password_hash.startswith("pbkdf2:sha256:1001$")
    assert renewed.password_history == []  # the same password, not a change
    client.post("/logout")
    assert log_in(client, user.username).status_code == 302
