"""The security administrator's password policy: each rule refused in Chinese, no reuse, maximum age, the common
passwords list, and the policy page itself."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal import clock
from portal.audit import AuditLog
from portal.auth import policy
from portal.auth.models import Duty, Role, SecurityPolicy, User, verify_password
from portal.extensions import db
from tests.conftest import PASSWORD, log_in


def _change(client, current: str, new: str):
    return client.post("/password", data={"current": current, "new": new, "confirm": new})


@pytest.mark.parametrize("password, message", [
    ("Ab1-", "密码至少需要 8 位"),
    ("abcdefgh1", "密码需包含小写字母、大写字母、数字、符号中的至少 3 类"),
    ("Password1", "该密码过于常见"),
    ("Woaini1314", "该密码过于常见"),
    ("Qwerty123", "该密码过于常见"),
])
def test_each_rule_is_refused_with_a_chinese_message(client, login_as, password, message):
    login_as(Role.LIAISON)
    response = _change(client, PASSWORD, password)
    assert response.status_code == 422 and message in response.get_data(as_text=True)


def test_the_rules_follow_the_saved_policy(client, login_as):
    policy.save(min_length=12, min_classes=4, check_common=False)
    db.session.commit()
    login_as(Role.LIAISON)
    page = client.get("/password").get_data(as_text=True)
    assert "至少 12 位" in page and "至少 4 类" in page
    assert "密码至少需要 12 位" in _change(client, PASSWORD, "Abcdef-123").get_data(as_text=True)
    assert "至少 4 类" in _change(client, PASSWORD, "Abcdefgh1234").get_data(as_text=True)
    assert _change(client, PASSWORD, "Abcdefgh-1234").status_code == 302


def test_the_common_list_holds_the_usual_suspects():
    common = policy.common_passwords()
    assert {"123456", "qwerty", "woaini1314", "88888888", "password", "5201314", "1qaz2wsx"} <= common
    assert len(common) > 2000


def test_a_recent_password_cannot_be_used_again(client, login_as):
    user = login_as(Role.LIAISON)
    assert _change(client, PASSWORD, "Second-pass1").status_code == 302
    assert _change(client, "Second-pass1", "Third-pass1").status_code == 302
    response = _change(client, "Third-pass1", PASSWORD)
    assert response.status_code == 422 and "不能与最近 5 次使用过的密码相同" in response.get_data(as_text=True)
    assert _change(client, "Third-pass1", "Third-pass1").status_code == 422  # nor the current one
    policy.save(history_count=1)
    db.session.commit()
    assert _change(client, "Third-pass1", PASSWORD).status_code == 302
    history = db.session.get(User, user.id).password_history
    assert len(history) == 1 and verify_password(history[0].password_hash, "Third-pass1")  # trimmed, newest kept


def test_an_old_password_forces_a_change(client, make_user):
    policy.save(max_age_days=30)
    user = make_user(Role.LIAISON)
    user.password_changed_at = clock.now() - timedelta(days=31)
    db.session.commit()
    response = log_in(client, user.username)
    assert response.headers["Location"].startswith("/password")
    response = client.get("/register/", follow_redirects=True)
    assert "密码已使用超过 30 天，请修改密码后继续" in response.get_data(as_text=True)
    assert _change(client, PASSWORD, "Renewed-pass1").status_code == 302
    assert client.get("/register/").status_code == 200


def test_a_new_account_and_the_first_admin_must_change_their_password(app, client, login_as, court):
    from portal.auth.services import ensure_admin

    admin, _ = ensure_admin("Initial-pass1")
    assert admin.must_change_password
    login_as(Duty.SYSTEM)
    client.post("/admin/users/new", data={"username": "newbie", "display_name": "新人", "role": "handler",
                                          "court_id": court.id, "active": "y", "password": "Initial-pass2"})
    assert db.session.scalar(select(User).where(User.username == "newbie")).must_change_password


def test_the_security_admin_edits_the_policy(client, login_as):
    login_as(Duty.SECURITY)
    page = client.get("/admin/security/").get_data(as_text=True)
    assert "安全策略" in page and 'value="8"' in page
    response = client.post("/admin/security/", data={"min_length": "4", "min_classes": "5", "history_count": "3",
                                                     "max_age_days": "90"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "密码最短长度应在 8 到 64 位之间" in page and "字符类别数应为 1 到 4" in page
    response = client.post("/admin/security/", data={"min_length": "10", "min_classes": "3", "history_count": "3",
                                                     "max_age_days": "180", "check_common": "y",
                                                     "twofactor_roles": ["audit", "leader"]})
    assert response.status_code == 303
    saved = db.session.get(SecurityPolicy, 1)
    assert (saved.min_length, saved.history_count, saved.max_age_days) == (10, 3, 180)
    assert saved.twofactor_roles == ["audit", "leader"]
    assert db.session.scalar(select(AuditLog).where(AuditLog.entity == "security_policy")).action == "create"
    page = client.get("/admin/security/").get_data(as_text=True)
    assert 'id="twofactor-leader" value="leader" checked' in page
