"""Sessions as UserSession rows: absolute lifetime, the user's own list, ending others, the security
administrator's "end this user's sessions", and old cookies after logout."""
import re
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from portal import clock
from portal.audit import AuditLog
from portal.auth.models import Duty, Role, User, UserSession
from portal.extensions import db
from tests.conftest import PASSWORD, log_in


def _sessions(user) -> int:
    return db.session.scalar(select(func.count()).select_from(UserSession).where(UserSession.user_id == user.id))


def test_the_cookie_carries_a_token_whose_hash_only_is_stored(client, make_user):
    user = make_user(Role.LIAISON)
    log_in(client, user.username)
    with client.session_transaction() as session:
        token = session["_user_id"]
    row = db.session.scalar(select(UserSession).where(UserSession.user_id == user.id))
    assert token != str(user.id) and row.token_hash != token and len(row.token_hash) == 64


def test_logout_ends_the_session_row_and_the_old_cookie(client, make_user):
    user = make_user(Role.LIAISON)
    log_in(client, user.username)
    old_cookie = client.get_cookie("portal_session").value
    assert _sessions(user) == 1
    client.post("/logout")
    assert _sessions(user) == 0
    client.set_cookie("portal_session", old_cookie)
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("app_config", [{"SESSION_ABSOLUTE_HOURS": 12, "IDLE_TIMEOUT_MINUTES": 10**6}])
def test_a_session_ends_at_its_absolute_lifetime_however_active(client, make_user):
    user = make_user(Role.LIAISON)
    log_in(client, user.username)
    with time_machine.travel(clock.now() + timedelta(hours=11, minutes=50)):
        assert client.get("/").status_code == 200
    with time_machine.travel(clock.now() + timedelta(hours=12, minutes=1)):
        response = client.get("/")
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_my_sessions_list_and_ending_another(app, make_user):
    user = make_user(Role.LIAISON)
    desk, phone = app.test_client(), app.test_client()
    log_in(desk, user.username)
    phone.environ_base.update(HTTP_USER_AGENT="Mozilla/5.0 (iPhone) Mobile", REMOTE_ADDR="10.2.3.4")
    log_in(phone, user.username)
    page = desk.get("/account").get_data(as_text=True)
    assert "登录会话（共 2 个）" in page and "当前会话" in page and "iPhone" in page and "10.2.3.4" in page
    phone_id = db.session.scalar(select(UserSession.id).where(UserSession.address == "10.2.3.4"))
    assert f"/account/sessions/{phone_id}/end" in page
    assert desk.post(f"/account/sessions/{phone_id}/end").status_code == 303
    assert phone.get("/").status_code == 302
    assert desk.get("/").status_code == 200
    current_id = db.session.scalar(select(UserSession.id).where(UserSession.user_id == user.id))
    assert desk.post(f"/account/sessions/{current_id}/end").status_code == 422  # that is what 退出 is for


def test_ending_all_other_sessions(app, make_user):
    user = make_user(Role.LIAISON)
    clients = [app.test_client() for _ in range(3)]
    for c in clients:
        log_in(c, user.username)
    response = clients[0].post("/account/sessions/end-others", follow_redirects=True)
    assert "已结束其他 2 个会话" in response.get_data(as_text=True)
    assert [c.get("/").status_code for c in clients] == [200, 302, 302]


def test_another_users_session_cannot_be_ended(app, make_user):
    owner, other = make_user(Role.LIAISON), make_user(Role.LIAISON)
    first, second = app.test_client(), app.test_client()
    log_in(first, owner.username)
    log_in(second, other.username)
    owner_session = db.session.scalar(select(UserSession.id).where(UserSession.user_id == owner.id))
    assert second.post(f"/account/sessions/{owner_session}/end").status_code == 404
    assert first.get("/").status_code == 200


def test_the_security_admin_ends_a_users_sessions(app, client, login_as, make_user):
    target = make_user(Role.HANDLER)
    theirs = app.test_client()
    log_in(theirs, target.username)
    admin = login_as(Duty.SECURITY)
    assert f"/admin/security/users/{target.id}/end-sessions" in client.get("/admin/security/accounts").get_data(
        as_text=True)
    response = client.post(f"/admin/security/users/{target.id}/end-sessions", follow_redirects=True)
    assert "已结束“" in response.get_data(as_text=True) and "的 1 个会话" in response.get_data(as_text=True)
    assert theirs.get("/").status_code == 302
    assert client.get("/admin/security/accounts").status_code == 200  # the admin's own session goes on
    entry = db.session.scalar(select(AuditLog).where(AuditLog.summary == "结束用户全部会话"))
    assert entry.record_id == target.id and entry.user_id == admin.id


def test_a_reset_password_ends_sessions_and_must_be_changed(app, client, login_as, make_user):
    target = make_user(Role.HANDLER)
    theirs = app.test_client()
    log_in(theirs, target.username)
    login_as(Duty.SECURITY)
    page = client.post(f"/admin/users/{target.id}/reset-password").get_data(as_text=True)
    password = re.search(r'id="new-password">([^<]+)<', page).group(1)
    assert theirs.get("/").status_code == 302
    response = log_in(theirs, target.username, password)
    assert response.headers["Location"].startswith("/password")
    response = theirs.get("/register/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/password")
    assert "管理员重置的密码，请先修改密码" in theirs.get(response.headers["Location"]).get_data(as_text=True)
    htmx = theirs.get("/register/", headers={"HX-Request": "true"})
    assert htmx.headers["HX-Redirect"].startswith("/password")
    response = theirs.post("/password?next=/register/", data={"current": password, "new": "Fresh-pass9",
                                                             "confirm": "Fresh-pass9"})
    assert response.headers["Location"] == "/register/"
    assert theirs.get("/register/").status_code == 200
    assert not db.session.get(User, target.id).must_change_password


def test_disabling_ends_every_session(app, client, login_as, make_user, court):
    target = make_user(Role.LIAISON)
    theirs = app.test_client()
    log_in(theirs, target.username)
    login_as(Duty.SYSTEM)
    client.post(f"/admin/users/{target.id}", data={"username": target.username, "display_name": "某",
                                                   "role": "liaison", "court_id": court.id})
    assert _sessions(target) == 0 and theirs.get("/").status_code == 302
    assert log_in(theirs, target.username, PASSWORD).status_code == 422
