"""A tracked item from registration through rating, as the people who handle it use the portal."""
import re

import pytest
from playwright.sync_api import expect

from portal import clock
from portal.auth.models import Role
from portal.register.models import DeputyKind
from tests.e2e.conftest import log_in, snap

pytestmark = pytest.mark.e2e


@pytest.fixture
def people(make_user, make_deputy, make_department):
    civil = make_department("民事审判第一庭")
    make_department("刑事审判庭")
    zhang = make_deputy(name="张三", mobile="13900000001", work_unit="江北区人民医院")
    make_deputy(name="李四", mobile="13900000002", kind=DeputyKind.CPPCC, group_name="经济界")
    return {
        "liaison": make_user(Role.LIAISON, display_name="联络员王芳"),
        "leader": make_user(Role.LEADER, display_name="副院长赵刚"),
        "handler": make_user(Role.HANDLER, display_name="法官钱明", department=civil),
        "deputy": make_user(Role.DEPUTY, display_name="张三", deputy=zhang),
    }


def switch(page, user) -> None:
    """Log out whoever is in, and log in as ``user``."""
    if page.get_by_role("button", name="退出").count():
        page.get_by_role("button", name="退出").click()
        page.wait_for_url(re.compile(r"/login"))
    log_in(page, user.username)


def act(page, button: str, expected_state: str) -> None:
    """Click an action button on the item page; htmx swaps the page's main block in place."""
    page.get_by_role("button", name=button, exact=True).click()
    expect(page.locator("h1 .item-state")).to_have_text(expected_state)
    expect(page.get_by_role("alert").first).to_contain_text(f"当前状态“{expected_state}”")


def test_an_item_from_registration_through_rating(page, people):
    # The liaison office registers a suggestion raised by 张三, picking him from the register by pinyin.
    switch(page, people["liaison"])
    page.get_by_role("link", name="交办督办件").first.click()
    page.get_by_role("link", name="登记新件").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("登记新件")
    page.get_by_label("类别").select_option(label="代表建议")
    page.get_by_label("来件方式").select_option(label="来访接待")
    page.get_by_label("标题").fill("关于在乡镇设立巡回审判点的建议")
    page.get_by_label("查找代表委员").press_sequentially("zs")
    page.get_by_label(re.compile("^张三")).check()
    page.problems.allow("status of 422")
    page.get_by_role("button", name="登记").click()  # the content is missing
    expect(page.get_by_role("alert").first).to_contain_text("表单有 1 处需要修改")
    expect(page.get_by_label(re.compile("^张三"))).to_be_checked()  # the chosen deputy is kept
    page.get_by_label("内容").fill("群众到城区诉讼不便，建议在三个中心镇设立巡回审判点。")
    page.get_by_role("button", name="登记").click()
    expect(page.get_by_role("alert").first).to_contain_text("已登记，登记编号")
    expect(page.locator("h1 .item-state")).to_have_text("已登记")
    item_url = page.url
    snap(page, "items-01-registered")

    # The leader finds it in the instruction queue and instructs.
    switch(page, people["leader"])
    page.get_by_role("link", name="我的待办").first.click()
    page.get_by_role("link", name="关于在乡镇设立巡回审判点的建议").click()
    page.evaluate("window.__marker = 1")
    page.get_by_label("批示内容").fill("请民一庭认真研究，按期答复代表。")
    act(page, "批示", "已批示")
    assert page.evaluate("window.__marker") == 1, "the page reloaded instead of swapping the item"

    # The liaison office assigns it to the civil division and its handler.
    switch(page, people["liaison"])
    page.goto(item_url)
    page.get_by_label("承办部门").select_option(label="民事审判第一庭")
    page.get_by_label("承办人（可不选，由部门指定）").select_option(label="民事审判第一庭 · 法官钱明")
    act(page, "交办", "已交办")
    expect(page.locator("dt:text-is('办理期限') + dd")).to_contain_text(re.compile(r"\d{4}-\d{2}-\d{2}"))

    # The handler reports progress and drafts the reply.
    switch(page, people["handler"])
    page.get_by_role("link", name="我的待办").first.click()
    page.get_by_role("link", name="关于在乡镇设立巡回审判点的建议").click()
    page.get_by_label("办理进展").fill("已会同司法所选定三个中心镇的巡回审判点。")
    act(page, "记录进展", "办理中")
    page.get_by_label("答复内容").fill("经研究，我院已在凤凰镇、白鹭镇、河口镇设立巡回审判点，每月开庭不少于两次。")
    act(page, "保存答复稿", "答复已起草")
    snap(page, "items-02-reply-drafted")

    # The deputy reads the draft in the portal and gives his opinion.
    switch(page, people["deputy"])
    page.get_by_role("link", name="我的建议和来信").first.click()
    expect(page.locator("tbody tr")).to_contain_text("请提出意见")
    page.get_by_role("link", name="关于在乡镇设立巡回审判点的建议").click()
    expect(page.locator("#reply")).to_contain_text("凤凰镇、白鹭镇、河口镇")
    page.get_by_label("您对答复稿的意见（无不同意见可不填）").fill("同意，希望尽快开展。")
    act(page, "提交意见", "已听取意见")

    # The liaison office answers from the board: the row and the counts change without a reload.
    switch(page, people["liaison"])
    page.goto("/items/")
    page.evaluate("window.__marker = 2")
    row = page.locator("tr.item-row", has_text="关于在乡镇设立巡回审判点的建议")
    expect(page.locator("[data-state='answered']")).to_contain_text("0")
    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="正式答复").click()
    expect(row.locator(".item-state")).to_have_text("已答复")
    expect(page.locator("[data-state='answered']")).to_contain_text("1")
    expect(page.locator("[data-state='reply_heard']")).to_contain_text("0")
    assert page.evaluate("window.__marker") == 2, "the board reloaded instead of swapping the row"
    snap(page, "items-03-board-answered")

    # The deputy rates the reply.
    switch(page, people["deputy"])
    page.goto(item_url)
    page.get_by_label("满意", exact=True).check()
    act(page, "提交评价", "已评价")
    expect(page.locator(".rating")).to_have_text("满意")

    # The liaison office closes it; the history tells the whole story.
    switch(page, people["liaison"])
    page.goto(item_url)
    page.once("dialog", lambda dialog: dialog.accept())
    act(page, "办结", "已办结")
    history = page.locator(".item-history")
    for step in ("登记", "批示", "交办", "记录进展", "起草答复", "听取代表意见", "正式答复", "评价", "办结"):
        expect(history).to_contain_text(step)
    snap(page, "items-04-closed")


def test_a_deputy_submits_a_letter_and_the_board_filters_in_place(page, people):
    switch(page, people["deputy"])
    page.get_by_role("link", name="我的建议和来信").first.click()
    page.get_by_role("link", name="提交建议或来信").first.click()
    expect(page.get_by_label("类别").locator("option")).to_have_text(["请选择", "代表建议", "来信"])
    page.get_by_label("类别").select_option(label="来信")
    page.get_by_label("标题").fill("反映一起借贷纠纷执行缓慢的来信")
    page.get_by_label("内容").fill("胜诉近一年仍未执行到位，请法院督促。")
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_role("alert").first).to_contain_text("已提交，登记编号")
    snap(page, "items-05-deputy-submitted")

    switch(page, people["liaison"])
    page.goto("/items/")
    page.evaluate("window.__marker = 3")
    expect(page.locator("tr.item-row")).to_have_count(1)
    page.get_by_label("类别").select_option(label="代表建议")
    expect(page.locator("#results")).to_contain_text("没有符合条件的事项")
    page.get_by_label("类别").select_option(label="来信")
    expect(page.locator("tr.item-row")).to_contain_text("反映一起借贷纠纷执行缓慢的来信")
    expect(page.locator("tr.item-row")).to_contain_text("张三")
    page.locator("[data-state='registered']").click()
    page.wait_for_url(re.compile(r"state=registered"))
    expect(page.locator("tr.item-row")).to_have_count(1)
    page.get_by_label("期限").select_option(label="未到期")  # a letter's proposed handling is due in 5 days
    page.wait_for_url(re.compile(r"deadline=on_time"))
    expect(page.locator("tr.item-row")).to_have_count(1)
    assert "state=registered" in page.url, "the state filter is kept when another filter changes"
    assert page.evaluate("window.__marker") == 3
    snap(page, "items-06-board-filtered")


def test_overdue_items_head_the_leaders_queue_with_a_notice(page, people, court, make_department):
    from datetime import timedelta

    from portal.extensions import db
    from portal.items import services, workflow
    from portal.items.models import ItemKind

    item = services.create_item(court_id=court.id, kind=ItemKind.LETTER, title="反映执行难的来信", content="请督促执行。",
                                received_on=clock.today() - timedelta(days=20))
    workflow.advance(item, "instruct", user=people["leader"], instruction="请执行局办理。")
    workflow.advance(item, "assign", user=people["liaison"], department_id=people["handler"].department_id,
                     deadline=(clock.today() - timedelta(days=2)).isoformat())
    db.session.commit()
    switch(page, people["leader"])
    expect(page.locator(".supervision-banner")).to_contain_text("您有 1 件即将到期/已超期的督办件，其中已超期 1 件")
    page.locator(".supervision-banner").get_by_role("link", name="立即处理").click()
    flagged = page.locator(".supervision-queue tbody tr")
    expect(flagged).to_have_count(1)
    expect(flagged).to_contain_text("已超期")
    expect(flagged).to_contain_text("反映执行难的来信")
    snap(page, "items-07-leader-queue")
    flagged.get_by_role("link", name="反映执行难的来信").click()
    expect(page.locator(".item-history")).to_contain_text("超期升级督办")
    page.get_by_label("督办要求").fill("请于三日内报送办理结果。")
    page.get_by_role("button", name="发出督办通知").click()
    expect(page.locator(".item-history")).to_contain_text("请于三日内报送办理结果。")


def test_a_step_recorded_after_the_fact_takes_its_own_date(page, people, court):
    from datetime import date

    from portal.extensions import db
    from portal.items import services
    from portal.items.models import ItemKind

    year = clock.today().year - 2
    item = services.create_item(court_id=court.id, kind=ItemKind.LETTER, title="补录的来信", content="请核实。",
                                received_on=date(year, 3, 1))
    db.session.commit()
    switch(page, people["leader"])
    page.goto(f"/items/{item.id}")
    page.get_by_label("批示日期").fill(f"{year}-02-20")
    page.get_by_label("批示内容").fill("请民一庭核实办理。")
    page.problems.allow("status of 422")
    page.get_by_role("button", name="批示", exact=True).click()
    expect(page.locator(".invalid-feedback").first).to_contain_text(f"批示日期不能早于收件日期（{year}-03-01）")
    page.get_by_label("批示日期").fill(f"{year}-03-02")
    act(page, "批示", "已批示")
    expect(page.locator(".item-history")).to_contain_text(f"{year}-03-02")
    expect(page.locator("dt:text-is('领导批示') + dd")).to_contain_text(f"{year}-03-02")
