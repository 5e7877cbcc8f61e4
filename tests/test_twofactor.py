"""Two-factor login: enrolment with a server-drawn QR code, the code after the password, replay and recovery codes,
the per-role requirement and the security administrator's reset; the secret encrypted at rest (migration 0023)."""
import re
from datetime import timedelta

import pyotp
import pytest
import time_machine
from sqlalchemy import select, text

from portal import clock, crypto
from portal.audit import AuditLog
from portal.auth import policy, twofactor
from portal.auth.models import STAFF_ROLES, Duty, Role, User
from portal.extensions import db
from tests.conftest import PASSWORD, IsolatedClient, log_in, make_app
from tests.test_roles import empty_database_url  # noqa: F401 - a database of its own for the migration test


def _code(secret: str, steps_ahead: int = 0) -> str:
    """The authenticator app's code, ``steps_ahead`` 30-second steps from now."""
    return pyotp.TOTP(secret).at(clock.now() + timedelta(seconds=30 * steps_ahead))


def _enrolled(make_user, role=Role.LIAISON) -> tuple[User, str, list[str]]:
    """A user with two-factor login on, enrolled with the code of this step."""
    user = make_user(role)
    secret = twofactor.new_secret()
    codes = twofactor.enrol(user, secret, _code(secret))
    db.session.commit()
    return user, secret, codes


def _wrong(secret: str) -> str:
    valid = {_code(secret, step) for step in (-1, 0, 1, 2)}
    return next(c for c in (f"{n:06d}" for n in range(123456, 999999, 111111)) if c not in valid)


def test_enrol_and_log_in_with_a_code(client, login_as):
    user = login_as(Role.LIAISON)
    page = client.get("/account/twofactor").get_data(as_text=True)
    assert "<svg" in page and "绑定认证应用" in page
    secret = re.search(r'id="twofactor-secret">([A-Z2-7]+)<', page).group(1)
    response = client.post("/account/twofactor", data={"code": _wrong(secret)})
    assert response.status_code == 422 and "验证码不正确" in response.get_data(as_text=True)
    response = client.post("/account/twofactor", data={"code": _code(secret)})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "只显示这一次" in page
    assert len(re.findall(r"<li>[a-z2-9]{5}-[a-z2-9]{5}</li>", page)) == 10
    stored = db.session.get(User, user.id).totp_secret
    assert secret not in stored and twofactor.secret_of(db.session.get(User, user.id)) == secret
    # the secret is never shown again
    assert client.get("/account/twofactor").status_code == 303
    assert secret not in client.get("/account").get_data(as_text=True)
    assert db.session.scalar(select(AuditLog).where(AuditLog.summary == "启用双因素认证")).record_id == user.id

    client.post("/logout")
    response = log_in(client, user.username)
    assert response.headers["Location"] == "/login/code"
    assert client.get("/").status_code == 302  # not logged in before the code
    response = client.post("/login/code", data={"code": _code(secret, 1)})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert client.get("/").status_code == 200


def test_wrong_and_replayed_codes_are_refused(client, make_user):
    user, secret, _ = _enrolled(make_user)
    log_in(client, user.username)
    response = client.post("/login/code", data={"code": _wrong(secret)})
    assert response.status_code == 422 and "验证码不正确或已使用过" in response.get_data(as_text=True)
    response = client.post("/login/code", data={"code": _code(secret)})  # the step used at enrolment
    assert response.status_code == 422
    assert client.get("/").status_code == 302
    assert client.post("/login/code", data={"code": _code(secret, 1)}).status_code == 302
    assert client.get("/").status_code == 200
    client.post("/logout")
    log_in(client, user.username)
    response = client.post("/login/code", data={"code": _code(secret, 1)})  # the same code again
    assert response.status_code == 422 and client.get("/").status_code == 302


def test_a_code_two_steps_away_is_refused(client, make_user):
    user, secret, _ = _enrolled(make_user)
    assert twofactor.matching_step(secret, _code(secret, 2)) is None
    assert twofactor.matching_step(secret, _code(secret, -2)) is None
    assert twofactor.matching_step(secret, _code(secret, -1)) is not None


def test_recovery_codes_are_single_use(client, make_user):
    user, secret, codes = _enrolled(make_user)
    log_in(client, user.username)
    response = client.post("/login/code", data={"code": codes[0]}, follow_redirects=True)
    assert "还剩 9 个" in response.get_data(as_text=True)
    client.post("/logout")
    log_in(client, user.username)
    assert client.post("/login/code", data={"code": codes[0]}).status_code == 422
    # typed in capitals and without the dash, still the same code
    assert client.post("/login/code", data={"code": codes[1].upper().replace("-", "")}).status_code == 302


def test_renewed_recovery_codes_replace_the_old_ones(client, make_user):
    user, secret, codes = _enrolled(make_user)
    log_in(client, user.username)
    client.post("/login/code", data={"code": _code(secret, 1)})
    page = client.post("/account/twofactor/recovery-codes").get_data(as_text=True)
    renewed = re.findall(r"<li>([a-z2-9]{5}-[a-z2-9]{5})</li>", page)
    assert len(renewed) == 10 and not set(renewed) & set(codes)
    assert not twofactor.use_recovery_code(user, codes[2]) and twofactor.use_recovery_code(user, renewed[0])


def test_a_role_that_requires_it_is_sent_to_enrolment(client, make_user):
    policy.save(twofactor_roles=[Role.LEADER.value])
    db.session.commit()
    leader, liaison = make_user(Role.LEADER), make_user(Role.LIAISON)
    assert log_in(client, liaison.username).headers["Location"] == "/"
    client.post("/logout")
    response = log_in(client, leader.username)
    assert response.headers["Location"] == "/login/enrol"
    assert client.get("/").status_code == 302
    page = client.get("/login/enrol").get_data(as_text=True)
    assert "您的角色须使用双因素认证登录" in page and "<svg" in page
    secret = re.search(r'id="twofactor-secret">([A-Z2-7]+)<', page).group(1)
    assert client.post("/login/enrol", data={"code": _wrong(secret)}).status_code == 422
    response = client.post("/login/enrol", data={"code": _code(secret)})
    assert response.status_code == 200 and "请保存您的恢复码" in response.get_data(as_text=True)
    assert client.get("/").status_code == 200
    response = client.post("/account/twofactor/disable")  # required: not for the user to turn off
    assert response.status_code == 422 and "不能停用" in response.get_data(as_text=True)
    assert db.session.get(User, leader.id).twofactor_enabled


@pytest.mark.parametrize("app_config", [{"ENVIRONMENT": "production"}])
def test_production_requires_it_of_the_staff_by_default(client, make_user, make_deputy):
    assert set(policy.current().twofactor_roles) == {r.value for r in (*STAFF_ROLES, *Duty)}  # administrators too
    assert log_in(client, make_user(Role.HANDLER).username).headers["Location"] == "/login/enrol"
    deputy = make_user(Role.DEPUTY, deputy=make_deputy())
    assert log_in(client.application.test_client(), deputy.username).headers["Location"] == "/"


def test_the_password_step_expires(client, make_user):
    user, secret, _ = _enrolled(make_user)
    log_in(client, user.username)
    with time_machine.travel(clock.now() + timedelta(minutes=6)):
        response = client.post("/login/code", data={"code": _code(secret)})
        assert "请先输入用户名和密码" in response.get_data(as_text=True)
        assert client.get("/").status_code == 302


@pytest.mark.parametrize("app_config", [{"LOGIN_MAX_FAILURES": 2}])
def test_wrong_codes_lock_like_wrong_passwords(client, make_user):
    user, secret, _ = _enrolled(make_user)
    log_in(client, user.username)
    client.post("/login/code", data={"code": _wrong(secret)})
    client.post("/login/code", data={"code": _wrong(secret)})
    response = client.post("/login/code", data={"code": _code(secret, 1)})
    assert response.status_code == 422 and "分钟后再试" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_the_security_admin_resets_a_lost_phone(client, login_as, make_user):
    user, _, _ = _enrolled(make_user)
    login_as(Duty.SECURITY)
    page = client.get(f"/admin/security/accounts?q={user.username}").get_data(as_text=True)
    assert f"/admin/security/users/{user.id}/reset-twofactor" in page
    assert client.post(f"/admin/security/users/{user.id}/reset-twofactor").status_code == 303
    assert not db.session.get(User, user.id).twofactor_enabled
    assert db.session.scalar(select(AuditLog).where(AuditLog.summary == "管理员重置双因素认证")).record_id == user.id
    client.post("/logout")
    assert log_in(client, user.username).headers["Location"] == "/"


def test_a_user_may_turn_it_off_when_not_required(client, make_user):
    user, secret, _ = _enrolled(make_user)
    log_in(client, user.username)
    client.post("/login/code", data={"code": _code(secret, 1)})
    assert client.post("/account/twofactor/disable").status_code == 303
    assert not db.session.get(User, user.id).twofactor_enabled
    client.post("/logout")
    assert log_in(client, user.username, PASSWORD).headers["Location"] == "/"


# --- the secret encrypted at rest (等保三级 数据保密性) ---------------------------------------------------------------

def _stored(user: User) -> str:
    """The column as the database holds it, past the ORM."""
    return db.session.scalar(text('SELECT totp_secret FROM "user" WHERE id = :id'), {"id": user.id})


def test_the_secret_is_stored_encrypted_and_a_code_still_logs_in(client, make_user):
    user, secret, _ = _enrolled(make_user)
    stored = _stored(user)
    assert stored.startswith(f"v1.{crypto.key_id()}.") and secret not in stored and secret.lower() not in stored
    assert stored != _stored(_enrolled(make_user)[0])  # a fresh nonce each time, even for another user
    db.session.expire_all()
    assert twofactor.secret_of(db.session.get(User, user.id)) == secret
    log_in(client, user.username)
    assert client.post("/login/code", data={"code": _code(secret, 1)}).status_code == 302
    assert client.get("/").status_code == 200


def test_an_encrypted_secret_copied_to_another_user_does_not_work(client, make_user):
    """The value is bound to its row: whoever can write to the database cannot give a victim their own secret."""
    attacker, secret, _ = _enrolled(make_user)
    victim, _, _ = _enrolled(make_user)
    db.session.execute(text('UPDATE "user" SET totp_secret = :s WHERE id = :id'),
                       {"s": _stored(attacker), "id": victim.id})
    db.session.commit()
    log_in(client, victim.username)
    response = client.post("/login/code", data={"code": _code(secret, 1)})
    assert response.status_code == 422 and client.get("/").status_code == 302


def test_a_wrong_data_key_gives_a_clear_message_and_a_log_line(app, client, make_user, caplog):
    user, secret, codes = _enrolled(make_user)
    app.config["DATA_KEY"] = "another-data-key-than-the-one-at-enrolment"  # the app's config is restored after
    log_in(client, user.username)
    response = client.post("/login/code", data={"code": _code(secret, 1)})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "数据加密密钥与您绑定认证应用时所用的不一致" in page
    assert "PORTAL_DATA_KEY" in page and client.get("/").status_code == 302
    assert any(r.levelname == "ERROR" and "cannot be decrypted" in r.getMessage() and user.username in r.getMessage()
               for r in caplog.records)
    # the recovery codes are hashes, nothing to decrypt: they still let the user in
    assert client.post("/login/code", data={"code": codes[0]}).status_code == 302
    assert [u.id for u in twofactor.unreadable_secrets()] == [user.id]


def test_a_data_key_too_short_is_refused_at_start():
    with pytest.raises(RuntimeError, match="DATA_KEY"):
        make_app(DATA_KEY="short")


def test_migration_encrypts_existing_secrets_and_the_downgrade_decrypts_them(empty_database_url, capfd):
    from flask_migrate import downgrade, upgrade

    app = make_app(SQLALCHEMY_DATABASE_URI=empty_database_url)
    app.test_client_class = IsolatedClient
    secret = pyotp.random_base32()
    with app.app_context():
        directory = app.extensions["migrate"].directory
        upgrade(directory=directory, revision="0022")
        with db.engine.begin() as connection:
            connection.execute(text("INSERT INTO court (id, name, code, level, created_at, updated_at) VALUES "
                                    "(1, '某某市中级人民法院', 'c', 'intermediate', '2025-03-01', '2025-03-01')"))
            password = User(username="x", display_name="x", role=Role.LIAISON, court_id=1)
            password.set_password(PASSWORD)
            for n, totp in ((1, secret), (2, None)):
                connection.execute(text(
                    "INSERT INTO \"user\" (id, username, display_name, role, court_id, phone, active, password_hash,"
                    " session_token, totp_secret, created_at, updated_at) VALUES (:id, :u, :u, 'liaison', 1, '', :t,"
                    " :p, :s, :totp, '2025-03-01', '2025-03-01')"),
                    {"id": n, "u": f"user{n}", "t": True, "p": password.password_hash, "s": f"token{n}", "totp": totp})
        upgrade(directory=directory, revision="heads")
        db.session.remove()
        stored = db.session.scalar(text('SELECT totp_secret FROM "user" WHERE id = 1'))
        assert crypto.is_encrypted(stored) and secret not in stored
        assert db.session.scalar(text('SELECT totp_secret FROM "user" WHERE id = 2')) is None
        db.session.remove()
        client = app.test_client()
        assert log_in(client, "user1").headers["Location"] == "/login/code"
        assert client.post("/login/code", data={"code": _code(secret)}).status_code == 302
        db.session.remove()

        downgrade(directory=directory, revision="0022")
        assert db.session.scalar(text('SELECT totp_secret FROM "user" WHERE id = 1')) == secret
        db.session.remove()
        upgrade(directory=directory, revision="heads")
        app.config["DATA_KEY"] = "another-data-key-than-the-one-of-the-upgrade"
        stored = db.session.scalar(text('SELECT totp_secret FROM "user" WHERE id = 1'))
        db.session.remove()
        with pytest.raises(SystemExit):  # Flask-Migrate logs the migration's message and exits
            downgrade(directory=directory, revision="0022")
        assert "does not decrypt with this DATA_KEY" in capfd.readouterr().err
        assert db.session.scalar(text('SELECT totp_secret FROM "user" WHERE id = 1')) == stored  # left as it was
        db.session.remove()
        db.engine.dispose()
