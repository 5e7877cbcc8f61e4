"""The audit trail as 等保三级 asks: security events, the HMAC chain, append-only triggers, retention, export."""
import csv
import io
import threading
from contextlib import contextmanager
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import exc, func, select, text

from portal import audit, clock
from portal.audit import AuditLog
from portal.auth.models import Duty, Role
from portal.extensions import db
from tests.conftest import PASSWORD, log_in


def security_rows(event: str) -> list[AuditLog]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditLog).where(AuditLog.action == "security", AuditLog.event == event)
                                   .order_by(AuditLog.id)))


@contextmanager
def without_triggers():
    """Tampering as someone with write access to the database would: the triggers dropped, then put back."""
    db.session.rollback()  # the test's own read transaction would hold up DROP TRIGGER on PostgreSQL
    with db.engine.begin() as connection:
        for statement in audit.DROP_TRIGGERS[connection.dialect.name]:
            connection.execute(text(statement))
    try:
        yield
    finally:
        with db.engine.begin() as connection:
            for statement in audit.TRIGGERS[connection.dialect.name]:
                connection.execute(text(statement))


# --- security events --------------------------------------------------------------------------------------------

def test_logins_failures_lockout_and_logout_are_audited_with_address_and_result(app, client, make_user):
    app.config["LOGIN_MAX_FAILURES"] = 2
    user = make_user(Role.LIAISON)
    assert log_in(client, user.username, "wrong-1").status_code == 422
    assert log_in(client, "nobody", "wrong-2").status_code == 422
    assert log_in(client, user.username, "wrong-3").status_code == 422  # the second failure locks the name
    assert log_in(client, user.username).status_code == 422  # locked: even the right password fails
    failed = security_rows("login_failed")
    assert [(r.actor, r.user_id, r.record_id, r.success) for r in failed] == [
        (user.username, None, user.id, False), ("nobody", None, None, False), (user.username, None, user.id, False),
        (user.username, None, user.id, False)]
    assert failed[0].changes["reason"] == [None, "用户名或密码错误"]
    assert failed[-1].changes["reason"] == [None, "账户已锁定"]
    assert [r.ip for r in failed] == ["127.0.0.1"] * 4
    assert [(r.actor, r.success) for r in security_rows("lockout")] == [(user.username, False)]
    admin = make_user(Duty.AUDIT)
    assert log_in(client, admin.username).status_code == 302
    page = client.get("/admin/audit?action=security").get_data(as_text=True)
    assert "登录失败" in page and "nobody（未登录）" in page and "账户锁定" in page
    client.post("/logout")

    app.config["LOGIN_LOCK_MINUTES"] = 0
    other = make_user(Role.HANDLER)
    assert log_in(client, other.username).status_code == 302
    client.post("/logout")
    login, logout = security_rows("login")[-1], security_rows("logout")[-1]
    assert (login.user_id, login.actor, login.success, login.ip) == (other.id, other.username, True, "127.0.0.1")
    assert (logout.user_id, logout.actor) == (other.id, other.username)


def test_password_change_reset_and_role_change_are_audited(client, login_as, make_user):
    user = login_as(Role.HANDLER)
    client.post("/password", data={"current": PASSWORD, "new": "Another-pass1", "confirm": "Another-pass1"})
    assert [r.user_id for r in security_rows("password_change")] == [user.id]
    client.post("/logout")
    security = login_as(Duty.SECURITY)
    client.post(f"/admin/users/{user.id}/reset-password")
    client.post("/logout")
    admin = login_as(Duty.SYSTEM)
    client.post(f"/admin/users/{user.id}", data={"username": user.username, "display_name": user.display_name,
                                                 "role": "leader", "court_id": user.court_id, "active": "y"})
    (reset,) = security_rows("password_reset")
    assert (reset.user_id, reset.entity, reset.record_id) == (security.id, "user", user.id)
    (change,) = security_rows("role_change")
    assert (change.user_id, change.record_id, change.changes) == (admin.id, user.id, {"role": ["承办人", "院领导"]})


def test_an_idle_session_ending_is_audited(app, client, login_as):
    user = login_as(Role.LIAISON)
    with time_machine.travel(clock.now() + timedelta(minutes=app.config["IDLE_TIMEOUT_MINUTES"] + 5), tick=False):
        assert client.get("/").status_code == 302
    (ended,) = security_rows("session_end")
    assert ended.user_id == user.id and ended.ip == "127.0.0.1"


def test_register_exports_are_audited_with_their_filter(client, login_as, make_deputy):
    make_deputy(name="张三")
    user = login_as(Role.LIAISON)
    assert client.get("/register/export.xlsx?q=张三").status_code == 200
    assert client.get("/register/export.docx").status_code == 200
    exports = security_rows("export")
    assert [(r.user_id, r.ip) for r in exports] == [(user.id, "127.0.0.1")] * 2
    assert exports[0].changes["content"] == [None, "代表委员名册"]
    assert "q=" in exports[0].changes["filter"][1] and exports[0].changes["file"][1].endswith(".xlsx")
    page = client.get("/admin/audit?action=security")
    assert page.status_code == 403  # the trail is the admin's


# --- the chain --------------------------------------------------------------------------------------------------

def test_the_chain_verifies_and_names_the_first_tampered_row(app, runner, client, login_as, make_deputy):
    login_as(Role.LIAISON)
    for n in range(3):
        make_deputy(name=f"代表{n}")
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "审计日志完整" in result.output
    ids = list(db.session.scalars(select(AuditLog.id).order_by(AuditLog.id)))
    assert ids == list(range(1, len(ids) + 1)) and len(ids) >= 4
    target = ids[2]
    with without_triggers():
        with db.engine.begin() as connection:
            connection.execute(text("UPDATE audit_log SET summary = 'edited' WHERE id = :id"), {"id": target})
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and f"#{target}" in result.output and "被修改" in result.output


def test_removing_a_row_breaks_the_link_of_the_next(app, runner, make_deputy):
    for n in range(3):
        make_deputy(name=f"代表{n}")
    ids = list(db.session.scalars(select(AuditLog.id).order_by(AuditLog.id)))
    with db.engine.begin() as connection, audit.purging(connection):
        connection.execute(text("DELETE FROM audit_log WHERE id = :id"), {"id": ids[1]})
    db.session.expire_all()
    verdict = audit.verify()
    assert (verdict.broken_id, verdict.intact) == (ids[2], False) and "不衔接" in verdict.reason


def test_the_database_refuses_update_and_delete_of_audit_rows(app, make_deputy):
    make_deputy()
    for statement in ("UPDATE audit_log SET actor = 'someone'", "DELETE FROM audit_log"):
        with pytest.raises(exc.DBAPIError, match="append-only"):
            with db.engine.begin() as connection:
                connection.execute(text(statement))
    if db.engine.dialect.name == "postgresql":
        with pytest.raises(exc.DBAPIError, match="append-only"):
            with db.engine.begin() as connection:
                connection.execute(text("TRUNCATE audit_log"))
    assert db.session.scalar(select(func.count()).select_from(AuditLog)) > 0


def test_hashes_do_not_depend_on_how_the_database_returns_values(app, make_deputy):
    make_deputy()
    row = db.session.scalars(select(AuditLog)).first()
    assert b'"at":"' in audit.canonical(row) and audit.canonical(row).count(b"Z\"") >= 1
    assert audit.digest(row, audit.chain_key()) == row.hash
    assert audit.digest(row, b"another key") != row.hash


def test_concurrent_requests_never_chain_to_the_same_row(app, make_user, court):
    """Real concurrent requests: 12 threads, each with its own client and session, log in and save at once."""
    users = [make_user(Duty.SYSTEM).username for _ in range(12)]
    court_id, barrier, statuses = court.id, threading.Barrier(len(users)), []

    def work(username):
        c = app.test_client()
        barrier.wait()
        statuses.append(log_in(c, username).status_code)
        statuses.append(c.post("/admin/departments/new", data={"name": f"部门{username}", "court_id": court_id,
                                                                 "active": "y"}).status_code)

    threads = [threading.Thread(target=work, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [302] * 12 + [303] * 12
    db.session.expire_all()
    links = list(db.session.scalars(select(AuditLog.prev_hash)))
    assert len(links) == len(set(links)) >= 36  # each row its own predecessor: login, department, event…
    assert audit.verify().intact


# --- retention --------------------------------------------------------------------------------------------------

def test_purge_keeps_180_days_and_the_chain_verifiable(app, runner, make_deputy):
    with time_machine.travel(clock.now() - timedelta(days=200), tick=False):
        make_deputy(name="旧代表")
        make_deputy(name="旧代表二")
    make_deputy(name="新代表")
    old = db.session.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.at < clock.now()
                                                                             - timedelta(days=190)))
    too_recent = (clock.today() - timedelta(days=179)).isoformat()
    refused = runner.invoke(args=["audit", "purge", "--before", too_recent])
    assert refused.exit_code == 1 and "至少保存 180 天" in refused.output
    result = runner.invoke(args=["audit", "purge", "--before", (clock.today() - timedelta(days=190)).isoformat()])
    assert result.exit_code == 0, result.output
    assert f"审计记录 {old} 条" in result.output
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).where(AuditLog.at < clock.now() - timedelta(days=190))) == 0
    (purge,) = security_rows("audit_purge")
    assert purge.changes["count"] == [None, old]
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0
    # removing the oldest remaining row, beyond what the purge recorded, is detected
    first = db.session.scalar(select(func.min(AuditLog.id)))
    with db.engine.begin() as connection, audit.purging(connection):
        connection.execute(text("DELETE FROM audit_log WHERE id = :id"), {"id": first})
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and "不衔接" in result.output


# --- the admin's export -----------------------------------------------------------------------------------------

def test_the_admin_exports_the_filtered_trail_as_csv(client, login_as, make_deputy):
    make_deputy(name="=HYPERLINK(1)")
    admin = login_as(Duty.AUDIT)
    page = client.get("/admin/audit?entity=deputy").get_data(as_text=True)
    assert 'href="/admin/audit/export.csv?entity=deputy"' in page
    response = client.get("/admin/audit/export.csv?entity=deputy")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert rows[0][:3] == ["编号", "时间", "操作人"]
    assert {r[7] for r in rows[1:]} == {"代表委员"} and len(rows) > 1
    assert any(r[9] == "'=HYPERLINK(1)" for r in rows[1:])  # no formula runs in Excel
    (export,) = security_rows("audit_export")
    assert export.user_id == admin.id and export.changes["filter"] == [None, "entity=deputy"]
    assert client.get("/admin/audit/export.csv?from=bad&record_id=x").status_code == 200
