"""A liaison builds a three-question survey at the desk and sends it to the congress deputies; a deputy answers it
on a phone (390 px, nothing scrolls sideways); the liaison reads the results: a chart and a table per question,
the response rate and the free-text answer, which becomes a tracked item in one click."""
import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from portal import clock
from portal.auth.models import Role
from tests.e2e.conftest import log_in, snap

pytestmark = pytest.mark.e2e
PHONE = {"width": 390, "height": 844}
DESK = {"width": 1440, "height": 900}


def overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def add_question(page, text: str, kind: str, options: str = "") -> None:
    box = page.get_by_label("题目", exact=True)
    box.fill(text)
    page.get_by_label("题型").select_option(label=kind)
    if options:
        page.get_by_label("选项（每行一个）").fill(options)
    count = page.locator(".question-list .question").count()
    page.get_by_role("button", name="添加题目").click()
    expect(page.locator(".question-list .question")).to_have_count(count + 1)
    expect(page.get_by_label("题目", exact=True)).to_be_focused()  # ready for the next one


def test_build_send_answer_on_a_phone_and_read_the_results(page, make_deputy, make_user):
    deputy = make_deputy(name="张三", mobile="13900000001")
    make_deputy(name="李四", mobile="13900000002")
    deputy_user = make_user(Role.DEPUTY, deputy=deputy)
    liaison = make_user(Role.LIAISON, display_name="郑联络")
    page.on("dialog", lambda dialog: dialog.accept())  # the confirmations before sending
    page.set_viewport_size(DESK)
    log_in(page, liaison.username)

    page.goto("/surveys/")
    page.get_by_role("link", name="新建问卷").click()
    expect(page.get_by_label("标题")).to_be_focused()
    page.get_by_label("标题").fill("2025年度民意测评表")
    page.get_by_label("截止日期").fill((clock.today() + timedelta(days=14)).isoformat())
    page.get_by_role("button", name="创建并添加题目").click()
    expect(page.locator(".alert-success")).to_contain_text("已创建问卷")

    add_question(page, "您对本院审判工作的总体评价", "评价等级")
    add_question(page, "您希望以何种方式了解法院工作", "单选", "书面材料\n座谈会\n平台消息")
    add_question(page, "您对本院工作的意见建议", "文字意见")
    expect(page.locator(".question-list .question-text")).to_have_text(
        ["您对本院审判工作的总体评价", "您希望以何种方式了解法院工作", "您对本院工作的意见建议"])
    snap(page, "surveys-1-built")

    page.get_by_role("link", name="设置发送范围").click()
    page.get_by_label("类别").select_option(label="人大代表")
    expect(page.locator(".recipient-count")).to_have_text("2")
    page.get_by_role("button", name="保存发送范围").click()
    page.get_by_role("button", name=re.compile(r"发出问卷（2 人）")).click()
    expect(page.locator(".alert-success")).to_contain_text("问卷已发出，已通知 2 位代表委员")
    expect(page.locator(".survey-state")).to_have_text("征集中")
    snap(page, "surveys-1b-open")

    page.context.clear_cookies()
    page.set_viewport_size(PHONE)
    log_in(page, deputy_user.username)
    page.locator(".deputy-panel-surveys").get_by_role("link", name="2025年度民意测评表").click()
    assert overflow(page) <= 0, "the answer sheet scrolls sideways"
    page.problems.allow("status of 422 (UNPROCESSABLE ENTITY)")
    page.get_by_role("button", name="提交答卷").click()  # nothing chosen yet
    expect(page.locator(".alert-danger")).to_contain_text("还有 3 题需要填写")
    page.get_by_label("基本满意").check()
    page.get_by_label("座谈会").check()
    page.get_by_role("textbox").fill("建议多邀请代表旁听庭审。")
    snap(page, "surveys-2-phone-sheet")
    page.get_by_role("button", name="提交答卷").click()
    expect(page.locator(".alert-success")).to_contain_text("答卷已提交")
    expect(page.locator(".survey-given")).to_contain_text("基本满意")
    assert overflow(page) <= 0, "the deputy's answers scroll sideways"
    snap(page, "surveys-3-phone-answered")
    page.get_by_role("link", name="返回我的民意测评").click()
    expect(page.locator(".my-surveys")).to_contain_text("已填写")
    assert overflow(page) <= 0, "the deputy's list of surveys scrolls sideways"

    page.context.clear_cookies()
    page.set_viewport_size(DESK)
    log_in(page, liaison.username)
    page.goto("/surveys/")
    page.get_by_role("link", name="2025年度民意测评表").click()
    page.get_by_role("link", name="测评结果").click()
    expect(page.locator(".response-rate")).to_have_text("50%")
    first = page.locator(".survey-result").first
    expect(first.locator("svg.chart-bars rect")).to_have_count(3)
    expect(first.locator(".result-table tbody tr").nth(1)).to_have_text(re.compile(r"基本满意\s*1\s*100%"))
    answer = page.locator(".text-answer")
    expect(answer).to_contain_text("张三")
    answer.get_by_role("button", name="转为跟踪事项").click()
    expect(answer.locator(".answer-item")).to_contain_text("跟踪事项")
    snap(page, "surveys-4-results")
