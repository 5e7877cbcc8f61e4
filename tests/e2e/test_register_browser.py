"""The register as a liaison uses it: active search, filters, the detail page, and registering a deputy."""
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from portal.auth.models import Role
from portal.register.models import DeputyKind
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def register(make_deputy):
    """A few deputies whose names, initials and work units tell the search paths apart."""
    return {
        "张三": make_deputy(name="张三", mobile="13900000001", work_unit="江北区人民医院"),
        "李四": make_deputy(name="李四", mobile="13900000002", work_unit="滨江科技有限公司", kind=DeputyKind.CPPCC,
                          group_name="科技界"),
        "曾小明": make_deputy(name="曾小明", mobile="13900000003", work_unit="第一中学"),
        "王芳": make_deputy(name="王芳", mobile="13900000004", work_unit="城南街道办事处", kind=DeputyKind.CPPCC,
                          group_name="社会福利界"),
    }


def rows(page):
    return page.locator("#results tbody tr")


def names(page):
    return page.locator("#results tbody td:first-child a")


def query(url: str) -> dict:
    return parse_qs(urlsplit(url).query, keep_blank_values=True)


def search(page, text: str) -> None:
    """Type into the search box and wait until htmx has swapped the results and pushed the URL."""
    box = page.locator("#q")
    box.clear()
    box.press_sequentially(text)
    page.wait_for_url(lambda url: query(url).get("q") == [text])


def test_active_search_and_filters_without_reload(page, make_user, register):
    liaison = make_user(Role.LIAISON)
    log_in(page, liaison.username)
    page.get_by_role("link", name="代表委员名册").first.click()
    expect(page).to_have_title(re.compile("^代表委员名册"))
    expect(page.locator("#q")).to_be_focused()
    expect(rows(page)).to_have_count(4)
    expect(page.locator("#results")).to_contain_text("共 4 条")
    page.evaluate("window.__marker = 1")

    search(page, "zs")  # pinyin initials
    expect(names(page)).to_have_text(["张三"])
    expect(page.locator("#results")).to_contain_text("共 1 条")
    expect(page).to_have_url(re.compile(r"[?&]q=zs(&|$)"))

    search(page, "人民医院")  # three characters or more: the full-text path
    expect(names(page)).to_have_text(["张三"])

    search(page, "小明")  # one or two Chinese characters: the LIKE fallback
    expect(names(page)).to_have_text(["曾小明"])

    search(page, "没有这个人")
    expect(rows(page)).to_have_count(0)
    expect(page.locator("#results")).to_contain_text("没有符合条件的代表委员")

    search(page, "")  # an emptied box searches again (the "input changed" trigger)
    expect(rows(page)).to_have_count(4)
    page.get_by_label("类别").select_option(label="政协委员")
    expect(names(page)).to_have_text(["李四", "王芳"])  # sorted by pinyin
    assert query(page.url)["kind"] == ["cppcc"]
    page.get_by_label("类别").select_option(label="人大代表")
    expect(names(page)).to_have_text(["曾小明", "张三"])
    assert page.evaluate("window.__marker") == 1, "the page reloaded instead of swapping #results"

    page.get_by_role("link", name="张三").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("张三")
    expect(page.locator("dt:text-is('手机号码') + dd")).to_have_text("13900000001")
    assert urlsplit(page.url).path == f"/register/{register['张三'].id}"


def test_a_pushed_url_reloads_to_the_same_list(page, make_user, register):
    liaison = make_user(Role.LIAISON)
    log_in(page, liaison.username)
    page.goto("/register/")
    page.get_by_label("类别").select_option(label="政协委员")
    page.wait_for_url(lambda url: query(url).get("kind") == ["cppcc"])
    page.reload()
    expect(page.get_by_label("类别")).to_have_value("cppcc")
    expect(names(page)).to_have_text(["李四", "王芳"])


def test_back_restores_the_previous_list(page, make_user, register):
    liaison = make_user(Role.LIAISON)
    log_in(page, liaison.username)
    page.goto("/register/?kind=cppcc")
    search(page, "ls")
    expect(names(page)).to_have_text(["李四"])
    page.go_back()  # no history cache (historyCacheSize 0): htmx asks the server for the whole page
    page.wait_for_url(lambda url: "q" not in query(url))
    expect(page.locator("#q")).to_have_value("")
    expect(names(page)).to_have_text(["李四", "王芳"])


def test_register_a_deputy_with_a_mistake(page, make_user, register):
    liaison = make_user(Role.LIAISON)
    log_in(page, liaison.username)
    page.goto("/register/")
    page.get_by_role("link", name="登记代表委员").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("登记代表委员")
    expect(page.get_by_label("姓名")).to_be_focused()

    page.get_by_label("姓名").press_sequentially("赵敏")
    page.get_by_label("性别").select_option(label="女")
    page.get_by_label("类别").select_option(label="人大代表")
    page.get_by_label("层级").select_option(label="市级")
    page.get_by_label("届次").fill("第十六届")
    page.get_by_label("工作单位").fill("东城区人民法院")
    page.get_by_label("手机号码").fill("1380000")
    page.problems.allow(f"status of 422 (UNPROCESSABLE ENTITY) ({page.url})")  # the form's answer to a mistake
    page.get_by_role("button", name="保存").click()

    expect(page.get_by_role("alert")).to_contain_text("表单有 1 处需要修改")
    mobile = page.get_by_label("手机号码")
    expect(mobile).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(page.locator(".mb-2:has(#mobile) .invalid-feedback")).to_have_text("手机号码应为 11 位，以 13–19 开头。")
    expect(page.get_by_label("姓名")).to_have_value("赵敏")
    expect(page.get_by_label("性别")).to_have_value("female")
    expect(mobile).to_have_value("1380000")

    mobile.fill("138 0000 1234")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("alert")).to_contain_text("已登记代表委员“赵敏”")
    expect(page.get_by_role("heading", level=1)).to_contain_text("赵敏")
    expect(page.locator("dt:text-is('手机号码') + dd")).to_have_text("13800001234")
    assert re.fullmatch(r"/register/\d+", urlsplit(page.url).path)


def test_marking_retired_asks_first(page, make_user, register):
    liaison = make_user(Role.LIAISON)
    log_in(page, liaison.username)
    page.goto(f"/register/{register['张三'].id}")
    questions = []

    def answer(dialog):
        questions.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", answer)
    page.get_by_role("button", name="标记离任").click()
    page.wait_for_load_state()
    seat = register["张三"].mandates[0].label  # 离任 ends a mandate
    assert questions == [f"确定将“张三”的{seat}标记为离任吗？离任后仍保留全部记录。"]
    expect(page.locator("dt:text-is('状态') + dd")).to_have_text("在任")

    page.remove_listener("dialog", answer)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="标记离任").click()
    expect(page.get_by_role("alert")).to_have_text(f"“张三”的{seat}已标记为离任。")
    expect(page.locator("dt:text-is('状态') + dd")).to_contain_text("离任")
