"""Administration: users, departments, courts, the court scopes and the audit log."""
import re
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from portal import clock
from portal.access import visible_court_ids
from portal.audit import AuditLog
from portal.auth.models import Court, CourtLevel, Department, Duty, Role, User
from portal.extensions import db
from tests.conftest import log_in


def test_admin_creates_user_with_generated_password(client, login_as, court, make_department):
    login_as(Duty.SYSTEM)
    department = make_department("刑事审判庭")
    response = client.post("/admin/users/new", data={
        "username": "liuqi", "display_name": "刘七", "role": "handler", "court_id": court.id,
        "department_id": department.id, "active": "y"})
    page = response.get_data(as_text=True)
    password = re.search(r'id="new-password">([^<]+)<', page).group(1)
    user = db.session.scalar(select(User).where(User.username == "liuqi"))
    assert user.role == Role.HANDLER and user.department_id == department.id
    assert user.password_hash != password
    fresh = client.application.test_client()
    assert log_in(fresh, "liuqi", password).status_code == 302


def test_user_form_errors_in_chinese(client, login_as, court):
    admin = login_as(Duty.SYSTEM)
    response = client.post("/admin/users/new", data={"username": admin.username.upper(), "display_name": "",
                                                     "role": "handler", "court_id": court.id, "password": "abc",
                                                     "phone": "12345"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    # a taken username is reported with the other errors, not alone once the rest are right
    assert "该用户名已被使用" in page and "请填写姓名" in page and "密码至少需要 8 位" in page
    assert "联系电话应为 11 位手机号码" in page and "表单有 4 处需要修改" in page
    response = client.post("/admin/users/new", data={"username": "bad name!", "display_name": "某",
                                                     "role": "handler", "court_id": court.id, "password": "abc"})
    page = response.get_data(as_text=True)
    assert "用户名只能包含" in page and "密码至少需要 8 位" in page


def test_a_users_department_belongs_to_the_users_court(client, login_as, court, make_court, make_department):
    login_as(Duty.SYSTEM)
    basic = make_court(name="青溪县人民法院", parent=court)
    ours, theirs = make_department("立案庭"), make_department("执行局", court=basic)
    data = {"username": "zhou", "display_name": "周某", "role": "handler", "court_id": court.id,
            "department_id": theirs.id, "active": "y"}
    response = client.post("/admin/users/new", data=data)
    assert response.status_code == 422
    assert "部门“执行局”不属于所选法院，请重新选择部门" in response.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.username == "zhou")) is None
    assert client.post("/admin/users/new", data={**data, "court_id": basic.id}).status_code == 200
    user = db.session.scalar(select(User).where(User.username == "zhou"))
    assert (user.court_id, user.department_id) == (basic.id, theirs.id)
    # moving the user to another court without choosing one of its departments is refused too
    response = client.post(f"/admin/users/{user.id}", data={**data, "court_id": court.id, "department_id": theirs.id})
    assert response.status_code == 422 and "不属于所选法院" in response.get_data(as_text=True)
    assert db.session.get(User, user.id).court_id == basic.id
    response = client.post(f"/admin/users/{user.id}", data={**data, "court_id": court.id, "department_id": ours.id})
    assert response.status_code == 303
    assert (db.session.get(User, user.id).court_id, db.session.get(User, user.id).department_id) == (court.id, ours.id)


def test_the_services_refuse_a_department_of_another_court(app, court, make_court, make_department, make_user):
    from portal.admin.services import save_user
    from portal.auth.services import create_user
    from portal.errors import ServiceError

    basic = make_court(name="青溪县人民法院", parent=court)
    theirs = make_department("执行局", court=basic)
    with pytest.raises(ServiceError, match="不属于所选法院"):
        create_user(username="wu", display_name="吴某", role=Role.HANDLER, court=court, password="Passw0rd-1",
                    department=theirs)
    user = make_user(Role.HANDLER)
    with pytest.raises(ServiceError, match="不属于所选法院"):
        save_user(user, actor=make_user(Duty.SYSTEM), username=user.username, display_name="x", role="handler",
                  admin_duty=None, court_id=court.id, department_id=theirs.id, phone="", active=True)


def test_the_user_form_offers_the_chosen_courts_departments(client, login_as, court, make_court, make_department):
    login_as(Duty.SYSTEM)
    basic = make_court(name="青溪县人民法院", parent=court)
    make_department("立案庭")
    make_department("执行局", court=basic)
    make_department("旧庭室", court=basic, active=False)
    page = client.get("/admin/users/new").get_data(as_text=True)
    assert "立案庭" in page and "执行局" not in page  # the first court is chosen at first
    assert 'hx-get="/admin/users/new"' in page and 'hx-target="#department-field"' in page
    fragment = client.get(f"/admin/users/new?court_id={basic.id}",
                          headers={"HX-Request": "true", "HX-Target": "department-field"}).get_data(as_text=True)
    assert "<html" not in fragment and 'id="department-field"' in fragment
    assert "执行局" in fragment and "立案庭" not in fragment and "旧庭室" not in fragment


@pytest.mark.parametrize(("typed", "stored"), [
    ("13912345678", "13912345678"), ("+86 139 1234 5678", "13912345678"), ("１３９１２３４５６７８", "13912345678"),
    ("0571-88886666", "0571-88886666"), ("0571-88886666转123", "0571-88886666-123"), ("", "")])
def test_phone_numbers_are_normalised(client, login_as, court, typed, stored):
    login_as(Duty.SYSTEM)
    response = client.post("/admin/users/new", data={"username": "tel", "display_name": "电话", "role": "liaison",
                                                     "court_id": court.id, "phone": typed, "active": "y"})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.username == "tel")).phone == stored


@pytest.mark.parametrize("typed", ["12345", "1391234567", "abc", "23912345678", "88886666", "139123456789"])
def test_phone_numbers_are_validated(client, login_as, court, make_user, typed):
    login_as(Duty.SYSTEM)
    response = client.post("/admin/users/new", data={"username": "tel", "display_name": "电话", "role": "liaison",
                                                     "court_id": court.id, "phone": typed})
    assert response.status_code == 422 and "联系电话应为 11 位手机号码" in response.get_data(as_text=True)
    user = make_user(Role.LIAISON, phone="13912345678")
    response = client.post(f"/admin/users/{user.id}", data={"username": user.username, "display_name": "x",
                                                           "role": "liaison", "court_id": court.id, "phone": typed})
    assert response.status_code == 422 and db.session.get(User, user.id).phone == "13912345678"


def test_the_admins_pages_are_one_menu_entry_with_tabs(client, login_as):
    login_as(Duty.SYSTEM)
    assert client.get("/admin/").headers["Location"].endswith("/admin/users")
    for path, tab in (("/admin/users", "用户"), ("/admin/departments", "部门"), ("/admin/courts", "法院")):
        page = client.get(path).get_data(as_text=True)
        assert '<a class="nav-link text-dark active fw-bold" href="/admin/" aria-current="page">系统管理</a>' in page
        assert f'aria-current="page" href="{path}">{tab}</a>' in page
        assert ">部门</a>" in page and ">审计日志</a>" not in page  # the audit log is the audit administrator's


def test_the_security_administrators_tabs_elsewhere_stay_under_their_menu_entry(client, login_as):
    login_as(Duty.SECURITY)
    for path, tab in (("/admin/security/accounts", "账户"), ("/admin/security/locks", "登录锁定"),
                      ("/admin/security/", "安全策略"), ("/agenda/feeds", "日历订阅")):
        page = client.get(path).get_data(as_text=True)
        assert '<a class="nav-link text-dark active fw-bold" href="/admin/" aria-current="page">安全管理</a>' in page, path
        assert f'aria-current="page" href="{path}">{tab}</a>' in page, path


def test_the_admin_names_an_unnamed_court_at_first_login(app, client):
    from portal.auth.services import ensure_admin

    admin, password = ensure_admin()  # as init-db leaves it without a terminal and without --court-name
    db.session.commit()
    assert admin.court.name == "" and str(admin.court) == "（未命名法院）"
    response = log_in(client, "admin", password)
    assert response.headers["Location"].startswith("/password")  # the initial password is changed first
    response = client.post(response.headers["Location"],
                           data={"current": password, "new": "Qingxi-court1", "confirm": "Qingxi-court1"})
    assert response.headers["Location"] == "/admin/setup"
    password = "Qingxi-court1"
    page = client.get("/admin/setup").get_data(as_text=True)
    assert "设置本院" in page and "人民法院 ·" not in page and "（未命名法院） · 系统管理员" in page
    assert "本院尚未命名" in client.get("/", follow_redirects=True).get_data(as_text=True)  # on every page until named
    response = client.post("/admin/setup", data={"name": "", "code": "court", "level": "intermediate"})
    assert response.status_code == 422 and "请填写本院名称" in response.get_data(as_text=True)
    response = client.post("/admin/setup", data={"name": "青溪县人民法院", "code": "qxfy", "level": "basic"})
    assert response.status_code == 303
    court = db.session.get(Court, admin.court_id)
    assert (court.name, court.code, court.level) == ("青溪县人民法院", "qxfy", CourtLevel.BASIC)
    home = client.get("/", follow_redirects=True).get_data(as_text=True)
    assert "已设置本院名称：青溪县人民法院" in home and "青溪县人民法院 · 系统管理员" in home and "本院尚未命名" not in home
    assert client.get("/admin/setup").headers["Location"].endswith("/admin/courts")
    client.post("/logout")
    assert log_in(client, "admin", password).headers["Location"] == "/"


def test_disabling_a_user_ends_their_session(app, client, login_as, make_user, court):
    login_as(Duty.SYSTEM)
    target = make_user(Role.LIAISON)
    other = app.test_client()
    log_in(other, target.username)
    assert other.get("/").status_code == 200
    response = client.post(f"/admin/users/{target.id}", data={
        "username": target.username, "display_name": target.display_name, "role": "liaison",
        "court_id": court.id, "department_id": ""})  # "active" unchecked
    assert response.status_code == 303
    assert other.get("/").status_code == 302


def test_admin_cannot_lock_themselves_out(client, login_as, court):
    admin = login_as(Duty.SYSTEM)
    response = client.post(f"/admin/users/{admin.id}", data={
        "username": admin.username, "display_name": "x", "role": "liaison", "court_id": court.id})
    assert response.status_code == 422
    assert (db.session.get(User, admin.id).role, db.session.get(User, admin.id).admin_duty) == (Role.NONE, Duty.SYSTEM)


def test_reset_password_shows_a_new_one_once(client, login_as, make_user):
    login_as(Duty.SECURITY)
    target = make_user(Role.LEADER)
    page = client.post(f"/admin/users/{target.id}/reset-password").get_data(as_text=True)
    password = re.search(r'id="new-password">([^<]+)<', page).group(1)
    assert log_in(client.application.test_client(), target.username, password).status_code == 302


def test_departments_and_courts(client, login_as, court):
    login_as(Duty.SYSTEM)
    assert client.post("/admin/departments/new", data={"name": "民一庭", "court_id": court.id,
                                                       "active": "y"}).status_code == 303
    assert "民一庭" in client.get("/admin/departments").get_data(as_text=True)
    response = client.post("/admin/courts/new", data={"code": "qx", "name": "青溪县人民法院", "level": "basic",
                                                      "parent_id": court.id})
    assert response.status_code == 303
    child = db.session.scalar(select(Court).where(Court.code == "qx"))
    assert child.parent_id == court.id
    # a court cannot be put below its own subordinate
    response = client.post(f"/admin/courts/{court.id}", data={"code": court.code, "name": court.name,
                                                              "level": "intermediate", "parent_id": child.id})
    assert response.status_code == 422 and "上级法院不能是本院或本院的下级法院" in response.get_data(as_text=True)
    duplicate = client.post("/admin/courts/new", data={"code": "qx", "name": "x", "level": "basic"})
    assert "该法院代码已被使用" in duplicate.get_data(as_text=True)


def test_court_scopes(app, court, make_court, make_user):
    basic = make_court(name="青溪县人民法院", parent=court, level=CourtLevel.BASIC)
    tribunal = make_court(name="青溪县人民法院城关法庭", parent=basic, level=CourtLevel.TRIBUNAL)
    other = make_court(name="另一中级人民法院")
    assert set(visible_court_ids(make_user(Role.LEADER))) == {court.id, basic.id, tribunal.id}
    assert set(visible_court_ids(make_user(Role.LIAISON))) == {court.id, basic.id, tribunal.id}
    assert visible_court_ids(make_user(Role.HANDLER)) == [court.id]
    assert set(visible_court_ids(make_user(Role.LEADER, court=basic))) == {basic.id}
    assert set(visible_court_ids(make_user(Duty.SYSTEM))) == {court.id, basic.id, tribunal.id, other.id}


def test_audit_records_create_update_delete_with_actor(client, login_as, court):
    admin = login_as(Duty.SYSTEM)
    client.post("/admin/departments/new", data={"name": "执行局", "court_id": court.id, "active": "y"})
    department = db.session.scalar(select(Department).where(Department.name == "执行局"))
    client.post(f"/admin/departments/{department.id}", data={"name": "执行局", "court_id": court.id})
    entries = list(db.session.scalars(select(AuditLog).where(AuditLog.entity == "department").order_by(AuditLog.id)))
    assert [e.action for e in entries] == ["create", "update"]
    assert entries[0].changes["name"] == [None, "执行局"] and entries[0].actor == admin.username
    assert entries[1].changes == {"active": [True, False]}
    assert entries[1].ip == "127.0.0.1"
    db.session.delete(department)
    db.session.commit()
    deleted = db.session.scalar(select(AuditLog).where(AuditLog.action == "delete"))
    assert deleted.actor == "cli" and deleted.changes["name"] == ["执行局", None]


def test_audit_never_stores_passwords(client, login_as, make_user):
    login_as(Duty.SECURITY)
    target = make_user(Role.LEADER)
    client.post(f"/admin/users/{target.id}/reset-password")
    for entry in db.session.scalars(select(AuditLog).where(AuditLog.entity == "user")):
        assert "password_hash" not in entry.changes and "session_token" not in entry.changes


def test_audit_rows_cannot_be_changed(app, make_deputy):
    make_deputy()
    entry = db.session.scalar(select(AuditLog))
    entry.actor = "someone else"
    with pytest.raises(PermissionError):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.scalar(select(AuditLog)))
    with pytest.raises(PermissionError):
        db.session.commit()
    db.session.rollback()


def test_audit_page_lists_and_filters(client, login_as, make_deputy):
    login_as(Duty.AUDIT)
    make_deputy(name="周九")
    page = client.get("/admin/audit?entity=deputy").get_data(as_text=True)
    assert "周九" in page and "新增" in page and "代表委员" in page
    assert "周九" not in client.get("/admin/audit?entity=court").get_data(as_text=True)
    assert "周九" not in client.get("/admin/audit?action=delete").get_data(as_text=True)
    fragment = client.get("/admin/audit?entity=deputy", headers={"HX-Request": "true", "HX-Target": "results"})
    assert "<html" not in fragment.get_data(as_text=True)
    assert not [r for r in client.application.url_map.iter_rules()
                if r.endpoint.startswith("admin.audit") and r.methods - {"GET", "HEAD", "OPTIONS"}]


def test_audit_page_names_references_and_records(app, client, login_as, court, make_user):
    login_as(Role.LIAISON)  # does the work; the audit administrator reads of it
    leader = make_user(Role.LEADER, display_name="钱院长")
    client.post("/register/new", data={"name": "吴十", "gender": "male", "kind": "npc", "level": "city",
                                       "term": "第十六届", "mobile": "13512345678"})
    entry = db.session.scalar(select(AuditLog).where(AuditLog.entity == "deputy"))
    assert entry.record_id is not None
    client.post(f"/pairing/leader/{leader.id}", data={"deputy_ids": entry.record_id, "since": "2025-03-01"})
    auditor = app.test_client()
    log_in(auditor, make_user(Duty.AUDIT).username)
    page = auditor.get("/admin/audit?entity=deputy").get_data(as_text=True)
    assert f"#{entry.record_id} 吴十" in page and "#None" not in page
    page = auditor.get("/admin/audit?entity=deputy_pairing").get_data(as_text=True)
    assert "吴十" in page and "钱院长" in page and "2025-03-01" in page
    department_page = auditor.get("/admin/audit?entity=user").get_data(as_text=True)
    assert "启用：<span class=\"diff-after\">是</span>" in department_page


def test_migration_turns_the_old_placeholder_court_into_an_unnamed_one(tmp_path):
    """Databases set up before: init-db named the first court “人民法院”, which no court is called."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from tests.conftest import make_app

    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'old.db'}")
    with app.app_context():
        directory = app.extensions["migrate"].directory
        upgrade(directory=directory, revision="0006")
        db.session.execute(text("INSERT INTO court (code, name, level, created_at, updated_at) VALUES "
                                "('court', '人民法院', 'intermediate', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP), "
                                "('b1', '某某区人民法院', 'basic', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
        db.session.commit()
        upgrade(directory=directory, revision="heads")
        names = dict(db.session.execute(text("SELECT code, name FROM court")).all())
        assert names == {"court": "", "b1": "某某区人民法院"}
        db.session.remove()
        db.engine.dispose()


def test_audit_page_shows_any_stored_value_of_any_record_type(client, login_as, make_deputy, court):
    """A duty report's versions store their text as a JSON object; the page shows it with the sections' labels."""
    login_as(Duty.AUDIT)
    deputy = make_deputy(name="王建国")
    user = User(username="wangjg", display_name="王建国", role=Role.DEPUTY, court=court, deputy_id=deputy.id)
    user.set_password("x" * 12)
    db.session.add(user)
    db.session.commit()
    deputy_client = client.application.test_client()
    assert log_in(deputy_client, "wangjg", "x" * 12).status_code == 302
    year = clock.today().year
    deputy_client.post(f"/duty/mine/{year}/autosave", data={"congress": "出席市人大全体会议"},
                       headers={"HX-Request": "true", "HX-Target": "autosave-status"})
    response = client.get("/admin/audit?entity=duty_report_version")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "出席会议和行使职权：出席市人大全体会议" in page and "版本号" in page
    assert "登记编号" not in page  # the items' label of "number"
    everything = client.get("/admin/audit")
    assert everything.status_code == 200


def test_audit_page_shows_local_times_display_names_and_the_system(app, client, login_as, court, make_user):
    admin = login_as(Role.LIAISON, display_name="赵管理")
    starts = datetime(2030, 3, 1, 1, 30, tzinfo=timezone.utc)  # 09:30 in Beijing
    response = client.post("/hearings/new", data={
        "court_id": court.id, "case_number": "(2024)桂0981民初1234号", "cause": "民间借贷纠纷", "case_type": "",
        "department_id": "", "presiding_judge": "李明", "court_room": "第一审判庭", "starts_at": "2030-03-01T09:30",
        "ends_at": "2030-03-01T11:30", "invite_reason": "群众关注", "public": "y"})
    assert response.status_code == 303
    assert db.session.scalar(select(AuditLog).where(AuditLog.entity == "hearing")) is not None
    department = Department(name="执行局", court=court)  # outside a request: the system, not a user
    db.session.add(department)
    db.session.commit()
    auditor = app.test_client()
    log_in(auditor, make_user(Duty.AUDIT).username)
    page = auditor.get("/admin/audit").get_data(as_text=True)
    assert "2030-03-01 09:30" in page and starts.isoformat() not in page and "2030-03-01T01:30" not in page
    rows = re.findall(r"<tr><td[^>]*>[^<]*</td><td>([^<]*)</td><td>[^<]*</td>\s*<td>([^<]*)</td>", page)
    assert ("赵管理", "旁听庭审") in rows and (admin.username, "旁听庭审") not in rows
    assert ("系统", "部门") in rows


def test_every_audited_field_has_a_label_of_its_record_type(app):
    """Each area declares its labels per record type; a field shown with its raw name is a missing label."""
    from portal.audit import audited_models, field_label

    missing = []
    for entity, model in audited_models().items():
        assert getattr(model, "__audit_label__", None), entity
        excluded = getattr(model, "__audit_exclude__", set()) | {"created_at", "updated_at"}
        for column in model.__table__.columns:
            if column.key not in excluded and field_label(entity, column.key) == column.key:
                missing.append(f"{entity}.{column.key}")
    assert not missing
    assert field_label("duty_session", "state") != field_label("item", "state")
