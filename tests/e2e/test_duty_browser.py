"""Duty reports in a real browser: a deputy drafts with autosave, leaves, comes back, submits; staff return it with a
comment; the deputy sees the comment. And a liaison runs a session from the planner to its close."""
import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from portal import clock
from portal.auth.models import Role
from portal.duty.models import DutyTerm
from portal.extensions import db
from portal.register.models import DeputyLevel
from tests.e2e.conftest import log_in, snap

pytestmark = pytest.mark.e2e
YEAR = clock.today().year


def log_out(page) -> None:
    page.get_by_role("button", name="退出").click()
    page.wait_for_url(lambda url: urlsplit(url).path == "/login")


def test_deputy_drafts_leaves_returns_submits_and_reads_the_reviewers_comment(page, make_user, make_deputy):
    deputy = make_deputy(name="周敏", group_name="城东街道代表组", level=DeputyLevel.COUNTY, term="第十八届")
    account = make_user(Role.DEPUTY, deputy=deputy, display_name="周敏")
    liaison = make_user(Role.LIAISON, display_name="联络员小李")

    log_in(page, account.username)
    expect(page.get_by_role("heading", level=1)).to_have_text("周敏，您好")
    panel = page.locator("section.workspace-panel", has=page.get_by_role("heading", name="我的述职"))
    expect(panel).to_contain_text("尚未撰写")
    snap(page, "duty-01-workspace")
    panel.get_by_role("link", name=f"{YEAR}年度述职报告").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"{YEAR}年度书面履职情况报告")
    first = page.get_by_label(re.compile("^一、出席人民代表大会会议"))
    expect(first).to_be_focused()
    first.fill("出席区人民代表大会第三次会议，审议政府工作报告。")  # one input event: one autosave, however slow
    expect(page.locator("#autosave-status")).to_contain_text(re.compile(r"已自动保存 \d\d:\d\d"), timeout=8000)
    expect(page.locator("#report-state")).to_have_text("草稿")
    snap(page, "duty-02-autosaved")

    page.get_by_role("link", name="首页").click()  # leave without saving by hand
    page.wait_for_url(lambda url: urlsplit(url).path == "/workspace/")
    expect(panel).to_contain_text("草稿")
    panel.get_by_role("link", name=f"{YEAR}年度书面履职情况报告").click()
    expect(first).to_have_value("出席区人民代表大会第三次会议，审议政府工作报告。")

    page.get_by_label(re.compile("^二、闭会期间")).fill("参加执法检查两次。")
    page.get_by_label(re.compile("^三、联系原选区选民")).fill("走访选民 12 户。\n收集意见建议 8 条。")
    page.get_by_label(re.compile("^四、在本职工作")).fill("在单位开展宪法宣传。")
    page.problems.allow(f"status of 422 (UNPROCESSABLE ENTITY) ({page.url.split('#')[0]}/submit)")
    page.get_by_role("button", name="提交审查").click()
    expect(page.locator(".invalid-feedback")).to_have_text("请填写“为选民办实事”部分；没有相关情况的，请写明“无”。")
    expect(page.get_by_label(re.compile("^三、联系原选区选民"))).to_have_value("走访选民 12 户。\n收集意见建议 8 条。")
    page.get_by_label(re.compile("^五、为选民做好事")).fill("协调修缮村道 1.2 公里。")
    page.get_by_role("button", name="提交审查").click()
    # The flash 已提交审查 may be lost when the last autosave, sent with the session cookie from before the submit,
    # answers after it (the cookie session's known race); the page's own state line is always there.
    expect(page.get_by_role("alert").first).to_contain_text(re.compile("已提交审查|提交，正在审查"))
    expect(page.locator("textarea")).to_have_count(0)
    expect(page.locator(".card-body")).to_contain_text("协调修缮村道 1.2 公里。")
    snap(page, "duty-03-submitted")
    log_out(page)

    log_in(page, liaison.username)
    page.get_by_role("link", name="代表述职").click()
    expect(page.locator("#results tbody tr")).to_have_count(1)
    snap(page, "duty-04-review-queue")
    page.get_by_role("link", name="周敏").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("待审查")
    page.get_by_label("审查意见").fill("请补充联系选民时群众反映的主要问题及办理结果。")
    snap(page, "duty-05-review")
    page.get_by_role("button", name="退回修改").click()
    expect(page.get_by_role("alert").first).to_contain_text("已退回修改：周敏")
    expect(page.get_by_role("heading", level=1)).to_contain_text("已退回修改")
    log_out(page)

    log_in(page, account.username)
    expect(panel).to_contain_text("已退回修改：请补充联系选民时群众反映的主要问题及办理结果。")
    panel.get_by_role("link", name=f"{YEAR}年度书面履职情况报告").click()
    expect(page.locator(".review-comment")).to_have_text(
        "审查意见（已退回修改）：请补充联系选民时群众反映的主要问题及办理结果。")
    expect(page.get_by_label(re.compile("^五、为选民做好事"))).to_have_value("协调修缮村道 1.2 公里。")
    snap(page, "duty-06-returned")


def test_liaison_runs_a_session_from_plan_to_close(page, make_user, make_deputy):
    people = [make_deputy(name=name, group_name="城东街道代表组", level=DeputyLevel.COUNTY, term="第十八届")
              for name in ("张伟", "李娜", "王强", "刘洋", "陈静", "杨帆", "赵磊", "黄丽", "吴刚", "周平")]
    db.session.add(DutyTerm(level=DeputyLevel.COUNTY, name="第十八届", start_year=YEAR - 2, end_year=YEAR + 2))
    db.session.commit()
    liaison = make_user(Role.LIAISON)
    log_in(page, liaison.username)
    page.goto("/duty/plan")
    row = page.locator("tr", has_text="城东街道代表组")
    expect(row).to_contain_text("低于 20%—30%，本组应安排 2—3 人")
    row.get_by_text("10 人").click()  # the names of who has not reported come when the row is opened
    expect(row.locator(".names")).to_contain_text("张伟")
    expect(row.locator(".names a")).to_have_count(10)
    snap(page, "duty-10-planner")
    row.get_by_role("link", name="安排述职会").click()
    expect(page.get_by_label("代表组")).to_have_value("county|第十八届|城东街道代表组")
    page.get_by_label("述职会日期").fill(clock.today().isoformat())
    page.get_by_label("地点").fill("城东街道人大代表联络站")
    page.get_by_label("组织单位").fill("城东街道人大工委")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("alert").first).to_contain_text("述职会已建立")
    for person in people[:2]:
        page.get_by_label(re.compile("^安排当面述职的代表")).select_option(value=str(person.id))
        page.get_by_role("button", name="安排述职").click()
        expect(page.get_by_role("alert").first).to_contain_text(f"已安排{person.name}当面述职")
    page.goto("/duty/plan")
    expect(page.locator("tr", has_text="城东街道代表组")).to_contain_text("符合")
    page.go_back()

    page.get_by_label("实到选民（人）").fill("48")
    page.get_by_role("button", name="标记为已召开").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("已召开")
    for person in people[:2]:
        card = page.locator(".reporter", has_text=person.name)
        card.get_by_label("满意（票）", exact=True).fill("40")
        card.get_by_label("基本满意（票）", exact=True).fill("6")
        card.get_by_label("不满意（票）", exact=True).fill("2")
        card.get_by_label("选民评议意见").fill("希望多到选区走走。")
        card.get_by_role("button", name="保存评议").click()
        expect(page.get_by_role("alert").first).to_contain_text(f"已保存{person.name}的评议结果")
    card = page.locator(".reporter", has_text=people[0].name)
    card.get_by_label("新增整改事项").fill("每季度到选区接待选民一次")
    card.get_by_role("button", name="登记整改事项").click()
    expect(page.locator(".reporter", has_text=people[0].name)).to_contain_text("整改中")

    page.once("dialog", lambda dialog: dialog.accept())
    page.problems.allow("status of 409 (CONFLICT)")
    page.get_by_role("button", name="结束述职会").click()
    expect(page.get_by_role("alert").filter(has_text="还有 1 项整改事项没有结果")).to_be_visible()
    snap(page, "duty-11-session-cannot-close")
    card = page.locator(".reporter", has_text=people[0].name)
    card.get_by_label("整改结果").select_option(label="已整改")
    card.get_by_label("结果说明").fill("已按季度接待选民。")
    card.get_by_role("button", name="记录结果").click()
    expect(page.get_by_role("alert").first).to_contain_text("已记录整改结果")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="结束述职会").click()
    expect(page.get_by_role("alert").first).to_contain_text("述职会已结束")
    expect(page.get_by_role("heading", level=1)).to_contain_text("已结束")
    expect(page.get_by_role("button", name="保存评议")).to_have_count(0)
    snap(page, "duty-12-session-closed")


def test_typing_and_leaving_at_once_keeps_the_text(page, make_user, make_deputy):
    """The autosave waits for a pause in typing; leaving during that pause sends the draft on the way out."""
    from portal.duty import services

    deputy = make_deputy(name="吴倩", group_name="城东街道代表组", level=DeputyLevel.COUNTY, term="第十八届")
    account = make_user(Role.DEPUTY, deputy=deputy, display_name="吴倩")
    log_in(page, account.username)
    page.goto(f"/duty/mine/{YEAR}")
    warnings = []
    page.on("dialog", lambda dialog: (warnings.append(dialog.type), dialog.accept()))
    page.get_by_label(re.compile("^一、出席人民代表大会会议")).press_sequentially("走访选民十二户", delay=20)
    page.goto("/workspace/")  # at once: well within the autosave's 1.5 s pause
    page.wait_for_url(lambda url: urlsplit(url).path == "/workspace/")
    assert warnings == ["beforeunload"]  # the browser asked before leaving with a save pending

    for _ in range(50):
        db.session.expire_all()
        report = services.report_of(deputy.id, YEAR)
        if report is not None and report.congress == "走访选民十二户":
            break
        page.wait_for_timeout(100)
    assert report is not None and report.congress == "走访选民十二户"
