"""Three separated administrators (三员分立) and least privilege (访问控制): each duty does its own work and nothing
else, no administrator changes business records without a business role, nobody raises their own powers, the
audit log is read only by the audit administrator and every reading of it is in it; personal information is
masked for those who do not need it, and every export of it is audited."""
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from portal.audit import AuditLog
from portal.auth.models import Duty, Role, User
from portal.extensions import db
from portal.privacy import mask_address, mask_mobile
from tests.conftest import DATABASE_URL, PASSWORD, IsolatedClient, log_in, make_app

MOBILE = "13900000001"
ADDRESS = "广西壮族自治区玉林市北流市城南路12号"


def _status(client, path: str, method: str = "GET", **kw) -> int:
    response = client.open(path, method=method, **kw)
    response.close()
    return response.status_code


# --- each duty does its work, and nothing else ---------------------------------------------------------------

DUTY_PAGES = {Duty.SYSTEM: ["/admin/users", "/admin/users/new", "/admin/departments", "/admin/courts"],
              Duty.SECURITY: ["/admin/security/accounts", "/admin/security/", "/admin/security/locks", "/agenda/feeds"],
              Duty.AUDIT: ["/admin/audit"]}
BUSINESS_PAGES = ["/register/new", "/items/new", "/reception/new", "/hearings/new", "/activities/new",
                  "/register/export.xlsx", "/figures/", "/agenda/"]


@pytest.mark.parametrize("duty", list(Duty), ids=lambda d: d.value)
def test_each_duty_opens_its_own_pages_and_no_other(client, login_as, duty):
    login_as(duty)
    for path in DUTY_PAGES[duty]:
        assert _status(client, path) == 200, path
    for other, paths in DUTY_PAGES.items():
        for path in paths if other != duty else []:
            assert _status(client, path) == 403, path
    for path in BUSINESS_PAGES:  # an administrator alone does no liaison work
        assert _status(client, path) == 403, path
    start = client.get("/")  # the home of an administrator without a business role is their duty's first page
    assert start.status_code == 302
    assert client.get(start.headers["Location"]).headers["Location"].endswith(DUTY_PAGES[duty][0])


@pytest.mark.parametrize("duty", list(Duty), ids=lambda d: d.value)
def test_no_administrator_changes_business_records_without_a_business_role(client, login_as, make_deputy, duty):
    deputy = make_deputy(mobile=MOBILE)
    login_as(duty)
    assert _status(client, f"/register/mandates/{deputy.mandates[0].id}/status", "POST",
                   data={"status": "retired"}) == 403
    assert _status(client, f"/register/{deputy.id}/edit") == 403
    assert _status(client, "/register/new", "POST", data={"name": "某", "mobile": "13900000002"}) == 403
    db.session.expire_all()
    assert deputy.mandates[0].status.value == "active"


def test_a_liaison_who_is_also_the_system_administrator_does_both_and_reads_no_audit(client, login_as):
    user = login_as(Role.LIAISON, admin_duty=Duty.SYSTEM)
    assert user.roles_label == "联络员、系统管理员"
    for path in ("/register/new", "/items/new", "/admin/users", "/admin/departments"):
        assert _status(client, path) == 200, path
    for path in ("/admin/audit", "/admin/security/accounts", "/admin/security/"):
        assert _status(client, path) == 403, path
    page = client.get("/register/").get_data(as_text=True)
    assert "联络员、系统管理员" in page and ">系统管理</a>" in page and ">审计日志</a>" not in page
    assert ">安全管理</a>" not in page


def test_the_leader_and_handler_reach_no_administrator_page(client, login_as, make_user):
    for role in (Role.LEADER, Role.HANDLER, Role.LIAISON):
        login_as(role)
        for paths in DUTY_PAGES.values():
            for path in paths:
                assert _status(client, path) == 403, (role, path)
        client.post("/logout")


def test_require_duty_takes_duties_only():
    from portal.access import require_duty

    with pytest.raises(TypeError):
        require_duty(Role.LIAISON)
    with pytest.raises(TypeError):
        require_duty()


# --- the audit log ------------------------------------------------------------------------------------------

def test_only_the_audit_administrator_reads_the_audit_log_and_each_reading_is_in_it(client, login_as, make_user):
    for other in (Duty.SYSTEM, Duty.SECURITY, Role.LIAISON, Role.LEADER):
        login_as(other)
        assert _status(client, "/admin/audit") == 403
        client.post("/logout")
    auditor = login_as(Duty.AUDIT)
    page = client.get("/admin/audit?actor=nobody&entity=user").get_data(as_text=True)
    reads = list(db.session.scalars(select(AuditLog).where(AuditLog.event == "audit_read")))
    assert [(r.user_id, r.actor, r.summary) for r in reads] == [(auditor.id, auditor.username, "查阅审计日志")]
    assert "actor=nobody" in reads[0].changes["filter"][1] and "entity=user" in reads[0].changes["filter"][1]
    page = client.get(f"/admin/audit?actor={auditor.username}").get_data(as_text=True)
    assert page.count("查阅审计日志") >= 2  # the auditor's own readings are in what they read
    # Nothing under /admin/audit changes the trail: it answers GET only, and the rows refuse changes.
    assert _status(client, "/admin/audit", "POST") == 405
    reads[0].summary = "改写"
    with pytest.raises(PermissionError):
        db.session.flush()
    db.session.rollback()


# --- nobody raises their own powers; changes of roles are audited ---------------------------------------------

def _user_form(user: User, **changes) -> dict:
    data = {"username": user.username, "display_name": user.display_name, "role": user.role.value,
            "admin_duty": user.admin_duty.value if user.admin_duty else "", "court_id": user.court_id,
            "department_id": "", "phone": "", "active": "y"}
    data.update(changes)
    return data


@pytest.mark.parametrize("changes", [{"admin_duty": "audit"}, {"admin_duty": ""}, {"role": "liaison"},
                                     {"admin_duty": "security", "role": "leader"}], ids=str)
def test_the_system_administrator_changes_neither_their_own_role_nor_their_own_duty(client, login_as, changes):
    admin = login_as(Duty.SYSTEM)
    response = client.post(f"/admin/users/{admin.id}", data=_user_form(admin, **changes))
    assert response.status_code == 422
    assert "不能修改自己的" in response.get_data(as_text=True)
    db.session.expire_all()
    assert (admin.role, admin.admin_duty) == (Role.NONE, Duty.SYSTEM)


def test_the_service_refuses_a_change_of_ones_own_powers_too(app, make_user):
    from portal.admin.services import save_user
    from portal.errors import Forbidden

    admin = make_user(Duty.SYSTEM)
    with pytest.raises(Forbidden):
        save_user(admin, actor=admin, username=admin.username, display_name="x", role="none", admin_duty="audit",
                  court_id=admin.court_id, department_id=None, phone="", active=True)


def test_the_system_administrator_gives_duties_to_others_and_the_change_is_audited(client, login_as, make_user):
    admin = login_as(Duty.SYSTEM)
    clerk = make_user(Role.LIAISON)
    response = client.post(f"/admin/users/{clerk.id}", data=_user_form(clerk, admin_duty="security"))
    assert response.status_code == 303
    db.session.expire_all()
    assert (clerk.role, clerk.admin_duty) == (Role.LIAISON, Duty.SECURITY)
    entry = db.session.scalar(select(AuditLog).where(AuditLog.entity == "user", AuditLog.record_id == clerk.id,
                                                     AuditLog.action == "update"))
    assert entry.user_id == admin.id and entry.changes["admin_duty"] == [None, "安全管理员"]


@pytest.mark.parametrize(("role", "duty", "message"), [("none", "", "请选择业务角色或管理职责"),
                                                        ("deputy", "system", "代表委员账户不能担任管理职责")])
def test_an_account_needs_a_role_or_a_duty_and_a_deputy_holds_no_duty(client, login_as, court, role, duty, message):
    login_as(Duty.SYSTEM)
    response = client.post("/admin/users/new", data={"username": "someone", "display_name": "某人", "role": role,
                                                     "admin_duty": duty, "court_id": court.id})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.username == "someone")) is None


def test_the_system_administrator_sets_no_password_of_an_existing_account(client, login_as, make_user):
    login_as(Duty.SYSTEM)
    clerk = make_user(Role.LIAISON)
    form = client.get(f"/admin/users/{clerk.id}").get_data(as_text=True)
    assert 'name="password"' not in form and "由安全管理员办理" in form
    client.post(f"/admin/users/{clerk.id}", data=_user_form(clerk, password="Another-Passw0rd"))
    db.session.expire_all()
    assert clerk.check_password(PASSWORD)
    assert _status(client, f"/admin/users/{clerk.id}/reset-password", "POST") == 403


# --- the security administrator ------------------------------------------------------------------------------

def test_the_security_administrator_ends_sessions_and_resets_passwords_but_not_their_own(app, client, login_as,
                                                                                     make_user):
    clerk = make_user(Role.LIAISON)
    other = app.test_client()
    log_in(other, clerk.username)
    assert other.get("/register/").status_code == 200
    security = login_as(Duty.SECURITY)
    assert client.post(f"/admin/security/users/{clerk.id}/end-sessions").status_code == 303
    assert other.get("/register/").status_code == 302  # logged out
    assert db.session.scalar(select(AuditLog).where(AuditLog.summary == "结束用户全部会话")).record_id == clerk.id
    page = client.post(f"/admin/users/{clerk.id}/reset-password").get_data(as_text=True)
    assert clerk.username in page
    db.session.expire_all()
    assert not clerk.check_password(PASSWORD)
    assert db.session.scalar(select(AuditLog).where(AuditLog.event == "password_reset")).user_id == security.id
    for path in (f"/admin/security/users/{security.id}/end-sessions", f"/admin/users/{security.id}/reset-password"):
        response = client.post(path)
        assert response.status_code == 403 and "不能为自己" in response.get_data(as_text=True)


# --- the first administrator, the command line ---------------------------------------------------------------

def test_the_first_administrator_is_a_system_administrator_without_a_business_role(app):
    from portal.auth.services import ensure_admin

    admin, password = ensure_admin("Adm1n-passw0rd")
    assert (admin.role, admin.admin_duty) == (Role.NONE, Duty.SYSTEM)
    assert ensure_admin()[0] is admin


def test_create_user_and_set_role_on_the_command_line(app, runner, court, tmp_path):
    secret = tmp_path / "pw"
    secret.write_text("Audit-Passw0rd\n", encoding="utf-8")
    result = runner.invoke(args=["create-user", "auditor", "--duty", "audit", "--password-file", str(secret)])
    assert result.exit_code == 0, result.output
    assert "审计管理员" in result.output
    user = db.session.scalar(select(User).where(User.username == "auditor"))
    assert (user.role, user.admin_duty) == (Role.NONE, Duty.AUDIT)
    result = runner.invoke(args=["create-user", "nobody", "--password-file", str(secret)])
    assert result.exit_code != 0 and "请选择业务角色或管理职责" in result.output
    result = runner.invoke(args=["set-role", "auditor", "--role", "liaison", "--duty", "none"])
    assert result.exit_code == 0 and "联络员" in result.output
    db.session.expire_all()
    assert (user.role, user.admin_duty) == (Role.LIAISON, None)
    entry = db.session.scalar(select(AuditLog).where(AuditLog.entity == "user", AuditLog.action == "update"))
    assert entry.actor == "cli" and entry.changes["role"] == ["无业务角色", "联络员"]


# --- personal information --------------------------------------------------------------------------------------

def test_the_masks():
    assert mask_mobile(MOBILE) == "139****0001"
    assert mask_mobile("") == "" and mask_mobile("12345") == "****"
    assert mask_address(ADDRESS) == "广西壮族自治区玉林市北流市****"
    assert mask_address("北京市朝阳区建国路88号") == "北京市朝阳区****"
    assert mask_address("人民路1号") == "****" and mask_address("") == ""


@pytest.mark.parametrize(("role", "full"), [(Role.LIAISON, True), (Role.LEADER, False), (Role.HANDLER, False),
                                            (Duty.SYSTEM, False)], ids=lambda v: str(v))
def test_mobiles_and_addresses_in_full_only_for_the_liaison_office(client, login_as, make_deputy, role, full):
    deputy = make_deputy(mobile=MOBILE, address=ADDRESS)
    login_as(role)
    listing = client.get("/register/").get_data(as_text=True)
    detail = client.get(f"/register/{deputy.id}").get_data(as_text=True)
    if full:
        assert MOBILE in listing and MOBILE in detail and ADDRESS in detail
    else:
        assert MOBILE not in listing and "139****0001" in listing
        assert MOBILE not in detail and "139****0001" in detail
        assert ADDRESS not in detail and "广西壮族自治区玉林市北流市****" in detail


def test_a_deputy_sees_their_own_mobile_in_full(client, login_as, make_deputy):
    deputy = make_deputy(mobile=MOBILE)
    login_as(Role.DEPUTY, deputy=deputy)
    assert MOBILE in client.get("/workspace/").get_data(as_text=True)


def _cells(data: bytes) -> set[str]:
    book = load_workbook(io.BytesIO(data))
    return {str(c.value) for sheet in book for row in sheet.iter_rows() for c in row if c.value is not None}


@pytest.mark.parametrize(("role", "full"), [(Role.LIAISON, True), (Role.LEADER, False)], ids=lambda v: str(v))
def test_exports_follow_the_same_rule_and_each_is_audited_with_its_filter(client, login_as, make_deputy, role, full):
    make_deputy(mobile=MOBILE, address=ADDRESS, name="张三")
    user = login_as(role)
    response = client.get("/register/export.xlsx?q=zs&kind=npc")
    cells = _cells(response.get_data())
    assert (MOBILE in cells, ADDRESS in cells) == (full, full)
    assert full or {"139****0001", "广西壮族自治区玉林市北流市****"} <= cells
    docx = client.get("/register/export.docx?q=zs").get_data()
    from docx import Document

    text_of = "\n".join(cell.text for table in Document(io.BytesIO(docx)).tables
                        for row in table.rows for cell in row.cells)
    assert (MOBILE in text_of) == full and (full or "139****0001" in text_of)
    entries = list(db.session.scalars(select(AuditLog).where(AuditLog.event == "export").order_by(AuditLog.id)))
    assert [(e.user_id, e.changes["content"][1]) for e in entries] == [(user.id, "代表委员名册")] * 2
    assert entries[0].changes["filter"][1] == "q=zs&kind=npc" and entries[0].changes["file"][1].endswith(".xlsx")
    assert entries[1].changes["filter"][1] == "q=zs" and entries[1].changes["file"][1].endswith(".docx")


def test_reception_and_hearing_exports_with_mobiles_are_audited(client, login_as):
    login_as(Role.LIAISON)
    for path, content in (("/reception/export.xlsx", "来访接待（含代表委员手机号码）"),
                          ("/hearings/export.xlsx", "旁听庭审邀请（含代表委员手机号码）")):
        assert _status(client, path) == 200
        assert db.session.scalar(select(AuditLog).where(AuditLog.event == "export")
                                 .order_by(AuditLog.id.desc())).changes["content"][1] == content


# --- the migration -----------------------------------------------------------------------------------------------

@pytest.fixture
def empty_database_url(tmp_path):
    """A database of its own for a migration test: a SQLite file, or a new PostgreSQL database beside the test one."""
    if not DATABASE_URL.startswith("postgresql"):
        yield f"sqlite:///{tmp_path}/old.db"
        return
    base = make_url(DATABASE_URL)
    name = f"{base.database}_roles_migration"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield base.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_migration_makes_every_admin_a_system_administrator_who_keeps_administering(empty_database_url):
    from flask_migrate import upgrade

    app = make_app(SQLALCHEMY_DATABASE_URI=empty_database_url)
    app.test_client_class = IsolatedClient
    with app.app_context():
        directory = app.extensions["migrate"].directory
        upgrade(directory=directory, revision="0021")
        with db.engine.begin() as connection:
            connection.execute(text("INSERT INTO court (id, name, code, level, created_at, updated_at) VALUES "
                                    "(1, '某某市中级人民法院', 'c', 'intermediate', '2025-03-01', '2025-03-01')"))
            for n, (username, role) in enumerate((("admin", "admin"), ("liaison", "liaison"),
                                                  ("leader", "leader")), start=1):
                user = User(username=username, display_name=username, role=Role.LIAISON, court_id=1)
                user.set_password(PASSWORD)
                connection.execute(text(
                    "INSERT INTO \"user\" (id, username, display_name, role, court_id, phone, active, password_hash,"
                    " session_token, created_at, updated_at) VALUES (:id, :u, :u, :r, 1, '', :t, :p, :s,"
                    " '2025-03-01', '2025-03-01')"),
                    {"id": n, "u": username, "r": role, "t": True, "p": user.password_hash, "s": f"token{n}"})
            connection.execute(text("INSERT INTO department (id, court_id, name, active, head_id, created_at,"
                                    " updated_at) VALUES (1, 1, '立案庭', :t, 1, '2025-03-01', '2025-03-01')"),
                               {"t": True})
            if connection.dialect.name == "postgresql":
                for table in ("court", "user", "department"):
                    connection.execute(text(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), 10)"))
        upgrade(directory=directory, revision="heads")
        db.session.remove()
        users = {u.username: (u.role, u.admin_duty) for u in db.session.scalars(select(User))}
        assert users == {"admin": (Role.NONE, Duty.SYSTEM), "liaison": (Role.LIAISON, None),
                         "leader": (Role.LEADER, None)}
        assert db.session.scalar(text("SELECT head_id FROM department")) == 1  # references survive the rebuild
        db.session.remove()
        client = app.test_client()
        assert log_in(client, "admin").status_code == 302
        for path, status in (("/admin/users", 200), ("/admin/courts", 200), ("/admin/audit", 403),
                             ("/register/new", 403)):
            response = client.get(path)
            assert response.status_code == status, path
        db.session.remove()
        db.engine.dispose()

