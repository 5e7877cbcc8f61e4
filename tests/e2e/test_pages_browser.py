"""Every page renders in a real browser without console errors, CSP violations or external requests.

Screenshots ($PORTAL_TEST_SHOTS) are for people to look at; they are not compared.
"""
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from portal.auth.models import Duty, Role
from portal.register.models import DeputyKind, DeputyLevel, Gender
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def admin(make_user, make_court, make_department, make_deputy, court):
    """A liaison who is also the system administrator (a small court's fullest menu), in a deployment with a few of
    everything, so no page is shown empty."""
    basic = make_court(code="b1", name="某某区人民法院", parent=court)
    make_department("立案庭")
    make_department("民一庭", court=basic)
    leader = make_user(Role.LEADER, username="leader", display_name="王院长")
    make_user(Role.LIAISON, username="liaison", display_name="联络员小李")
    make_deputy(name="张三", gender=Gender.MALE, work_unit="江北区人民医院", post="院长", mobile="13900000001",
                paired_with=leader, constituency="江北区第三选区", email="zhangsan@example.cn",
                address="江北区人民路 1 号", court_roles="特约监督员")
    make_deputy(name="李四", gender=Gender.FEMALE, kind=DeputyKind.CPPCC, level=DeputyLevel.PROVINCIAL,
                group_name="科技界", work_unit="滨江科技有限公司", post="董事长", mobile="13900000002")
    for n in range(3, 25):  # more than one page of the register
        make_deputy(mobile=f"139000000{n:02d}")
    return make_user(Role.LIAISON, admin_duty=Duty.SYSTEM, username="admin", display_name="系统管理员")


def visit(page, shot, path: str, name: str, heading: str) -> None:
    response = page.goto(path)
    assert response.status == 200, f"{path}: {response.status}"
    expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
    expect(page.locator("body")).not_to_contain_text("Traceback")
    shot(name)


def test_login_page(page, shot):
    visit(page, shot, "/login", "01-login", "登录")
    expect(page.get_by_label("用户名")).to_be_focused()
    expect(page).to_have_title("登录 - 人大代表政协委员联络工作平台")


def test_every_page_as_admin(page, shot, admin):
    log_in(page, admin.username)
    visit(page, shot, "/", "02-home", "联络工作概况")
    visit(page, shot, "/register/", "03-register", "代表委员名册")
    expect(page.locator("#results")).to_contain_text("共 24 条")
    page.get_by_role("link", name="下一页").click()  # htmx paging swaps the results
    page.wait_for_url(lambda url: "cursor" in parse_qs(urlsplit(url).query))
    expect(page.locator("#results")).to_contain_text("第 2 页")
    shot("04-register-page-2")
    page.get_by_role("link", name="张三").click()  # sorted by pinyin: zhang comes last
    expect(page.get_by_role("heading", level=1)).to_contain_text("张三")
    shot("05-deputy-detail")
    visit(page, shot, "/register/new", "06-deputy-form", "登记代表委员")
    page.problems.allow(f"status of 422 (UNPROCESSABLE ENTITY) ({page.url})")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    shot("07-deputy-form-errors")
    visit(page, shot, "/register/import", "08-import", "导入")
    visit(page, shot, "/admin/users", "09-admin-users", "用户管理")
    expect(page.locator("#results tbody tr")).to_have_count(3)
    visit(page, shot, "/admin/departments", "10-admin-departments", "部门")
    visit(page, shot, "/admin/courts", "11-admin-courts", "法院设置")
    visit(page, shot, "/password", "13-password", "修改密码")


def test_the_security_and_audit_administrators_pages(page, shot, admin, make_user):
    log_in(page, make_user(Duty.SECURITY, username="security").username)
    visit(page, shot, "/admin/security/accounts", "12-admin-security", "账户安全")
    visit(page, shot, "/admin/security/", "12-admin-policy", "安全策略")
    visit(page, shot, "/agenda/feeds", "12-admin-feeds", "日历订阅管理")
    page.get_by_role("button", name="退出").click()
    log_in(page, make_user(Duty.AUDIT, username="auditor").username)
    visit(page, shot, "/admin/audit", "12-admin-audit", "审计日志")


def test_logout(page, make_user):
    liaison = make_user(Role.LIAISON)
    log_in(page, liaison.username)
    page.goto("/register/")
    page.get_by_role("button", name="退出").click()
    page.wait_for_url(lambda url: urlsplit(url).path == "/login")
    expect(page.get_by_role("alert")).to_have_text("您已安全退出。")
    page.go_back()  # the page before is not shown from a cache: it asks to log in
    expect(page.get_by_role("heading", level=1)).to_have_text("登录")
    page.goto("/")
    assert urlsplit(page.url).path == "/login"
    assert "next" not in parse_qs(urlsplit(page.url).query)  # the home page needs no way back
    expect(page.get_by_role("alert")).to_have_text("请先登录。")
    expect(page.get_by_role("button", name="退出")).to_have_count(0)


@pytest.mark.parametrize(("path", "label", "option", "expected"), [
    ("/admin/users", "角色或职责", "院领导", ["leader"]),
    ("/admin/audit", "对象", "法院", ["某某区人民法院", "某某市中级人民法院"]),  # newest first
])
def test_admin_filters_swap_the_results(page, admin, make_user, path, label, option, expected):
    log_in(page, admin.username if path == "/admin/users" else make_user(Duty.AUDIT).username)
    page.goto(path)
    page.evaluate("window.__marker = 1")
    with page.expect_response(lambda r: r.request.headers.get("hx-request") == "true") as answer:
        page.get_by_label(label).select_option(label=option)
    assert answer.value.status == 200, f"{path} fragment: HTTP {answer.value.status}"
    rows = page.locator("#results tbody tr")
    expect(rows).to_have_count(len(expected))
    for row, text in zip(rows.all(), expected):
        expect(row).to_contain_text(text)
    assert page.evaluate("window.__marker") == 1, "the page reloaded instead of swapping #results"


def test_user_form_offers_the_chosen_courts_departments(page, admin):
    log_in(page, admin.username)
    page.goto("/admin/users/new")
    department = page.get_by_label("所属部门")
    expect(department.locator("option")).to_have_text(["（无）", "立案庭"])
    page.get_by_label("所属法院").select_option(label="某某区人民法院")  # htmx swaps in that court's departments
    expect(department.locator("option")).to_have_text(["（无）", "民一庭"])
    page.get_by_label("用户名").fill("minyi")
    page.get_by_label("姓名").fill("民一庭承办人")
    page.get_by_label("角色").select_option(label="承办人")
    department.select_option(label="民一庭")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("账户已保存")
    page.goto("/admin/users?q=minyi")
    row = page.locator("#results tbody tr")
    expect(row).to_contain_text("某某区人民法院")
    expect(row).to_contain_text("民一庭")


def test_a_request_to_anywhere_but_the_portal_is_blocked_and_fails_the_test(page):
    page.goto("/login")
    # The test server by another name: it would answer, were any name but its address resolved.
    elsewhere_url = f"http://localhost:{urlsplit(page.url).port}/login"
    elsewhere = page.context.new_page()
    with pytest.raises(PlaywrightError, match="ERR_NAME_NOT_RESOLVED"):
        elsewhere.goto(elsewhere_url)
    elsewhere.close()
    assert page.problems.report() == [f"external request blocked: {elsewhere_url}"]
    page.problems.external.clear()  # seen here; this test itself passes
