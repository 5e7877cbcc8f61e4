"""The front desk logs a visit: two deputies picked as chips, a mistake put right, the list updated in place,
the period's register exported."""
import io
import re
from pathlib import Path

import docx
import pytest
from playwright.sync_api import expect

from portal import clock
from portal.auth.models import Role
from portal.register.models import DeputyKind
from tests.e2e.conftest import log_in, snap

pytestmark = pytest.mark.e2e


@pytest.fixture
def desk(make_deputy, make_user):
    return {
        "张三": make_deputy(name="张三", mobile="13900000001", work_unit="江北区人民医院"),
        "李四": make_deputy(name="李四", mobile="13900000002", kind=DeputyKind.CPPCC, group_name="科技界"),
        "王芳": make_deputy(name="王芳", mobile="13900000004"),
        "leader": make_user(Role.LEADER, display_name="周院长"),
        "liaison": make_user(Role.LIAISON, display_name="郑联络"),
    }

    # injects an inline <style>, which the CSP blocks and the page watcher reports


def pick(page, typed: str, name: str, *, enter: bool = False) -> None:
    """Type into the picker and take the deputy offered, by click or by Enter."""
    box = page.locator("#deputy-q")
    box.click()
    box.press_sequentially(typed)
    option = page.locator("#deputy-results .picker-option", has_text=name)
    expect(option).to_have_count(1)
    if enter:
        box.press("Enter")
    else:
        option.click()
    expect(page.locator("#visitor-chips .visitor-chip", has_text=name)).to_have_count(1)
    expect(page.locator("#deputy-results .picker-option")).to_have_count(0)
    expect(box).to_be_focused()  # once htmx settles; what is typed before then goes into the search box


def test_log_a_visit_with_two_deputies_and_export_the_register(page, desk):
    log_in(page, desk["liaison"].username)
    menu = page.locator("details.nav-group", has_text="联络工作")
    menu.locator("summary").click()  # the header's 联络工作 menu opens…
    menu.get_by_role("link", name="来访接待").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("联络之家来访接待登记")
    expect(page.locator("details.nav-group summary.active")).to_have_text("联络工作")  # …and says where we are
    expect(page.get_by_label("接待时间")).to_be_focused()
    expect(page.locator("#results")).to_contain_text("这段期间没有符合条件的来访接待记录")
    page.evaluate("window.__marker = 1")

    pick(page, "zs", "张三")  # pinyin initials
    expect(page.locator("#deputy-q")).to_be_focused()  # ready for the next name
    pick(page, "李", "李四", enter=True)  # Enter takes the first match instead of submitting the form
    pick(page, "wf", "王芳")
    page.get_by_role("button", name="移除王芳").click()  # picked by mistake
    expect(page.locator("#visitor-chips .visitor-chip")).to_have_text([re.compile("^张三"), re.compile("^李四")])
    page.get_by_label("周院长（院领导）").check()
    page.get_by_label("谈话内容").fill("代表反映辖区劳务费案件执行缓慢。")
    snap(page, "reception-1-form-with-chips")

    page.problems.allow("status of 422 (UNPROCESSABLE ENTITY)")  # the form's answer to a mistake
    page.get_by_role("button", name="保存登记").click()
    expect(page.locator("#reception_form .alert-danger")).to_contain_text("表单有 1 处需要修改")
    expect(page.locator(".mb-2:has(#subject) .invalid-feedback")).to_have_text("请填写事由（如：反映执行难问题）。")
    expect(page.get_by_label("事由")).to_be_focused()  # the field to put right
    expect(page.locator("#visitor-chips .visitor-chip")).to_have_count(2)  # nothing typed was lost
    expect(page.get_by_label("谈话内容")).to_have_value("代表反映辖区劳务费案件执行缓慢。")
    expect(page.get_by_label("周院长（院领导）")).to_be_checked()
    snap(page, "reception-2-mistake")

    page.get_by_label("事由").fill("反映执行难问题")
    page.get_by_label("登记为跟踪事项").fill("关于加快劳务费案件执行的建议")
    page.get_by_label("事由").press("Enter")  # Enter submits
    expect(page.locator("#reception_form .alert-success")).to_contain_text("已登记")
    expect(page.locator("#visitor-chips .visitor-chip")).to_have_count(0)  # a fresh form for the next visitor
    expect(page.get_by_label("接待时间")).to_be_focused()
    rows = page.locator("#results tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("李四、张三")
    expect(rows.first).to_contain_text("1 件未答复")
    expect(page.locator("#results .count-visits")).to_have_text("1")
    expect(page.locator("#results .count-persons")).to_have_text("2")
    expect(page.locator("#results .count-open")).to_have_text("1")
    assert page.evaluate("window.__marker") == 1, "the page reloaded instead of updating the list"
    snap(page, "reception-3-saved-in-list")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="导出本期接待登记汇总（Word）").click()
    download = download_info.value
    assert download.suggested_filename.startswith("来访接待登记汇总_")
    document = docx.Document(io.BytesIO(Path(download.path()).read_bytes()))
    table = document.tables[0]
    assert [c.text for c in table.rows[1].cells][3] == "李四、张三"
    assert [c.text for c in table.rows[-1].cells][:2] == ["合计", "1 次"]

    rows.first.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("反映执行难问题")
    expect(page.locator("#followups")).to_contain_text("关于加快劳务费案件执行的建议")
    page.get_by_label("标题").fill("转交群众来信")
    page.locator("#followups").get_by_label("类别").select_option(label="来信")
    page.get_by_role("button", name="登记跟踪事项").click()
    expect(page.locator("#followups tbody tr")).to_have_count(2)
    expect(page.locator("#followups")).to_contain_text("2 件未答复")
    snap(page, "reception-4-detail")


def test_a_deputy_sees_their_visits_and_the_follow_up(page, desk, make_user, court):

    from portal.extensions import db
    from portal.items.models import ItemKind, ItemState
    from portal.reception.models import (
        Channel,
        Reception,
        ReceptionDeputy,
        ReceptionHost,
    )
    from portal.reception.services import add_followup

    visit = Reception(court_id=court.id, received_at=clock.local_now().replace(hour=9, minute=30),
                      channel=Channel.VISIT, place="联络之家", subject="反映执行难问题", requests="希望加快执行")
    visit.deputy_links = [ReceptionDeputy(deputy_id=desk["张三"].id)]
    visit.host_links = [ReceptionHost(user_id=desk["leader"].id)]
    other = Reception(court_id=court.id, received_at=clock.local_now().replace(hour=8), channel=Channel.PHONE,
                      subject="别人的来电")
    other.deputy_links = [ReceptionDeputy(deputy_id=desk["李四"].id)]
    db.session.add_all([visit, other])
    db.session.flush()
    add_followup(visit, ItemKind.SUGGESTION, "关于加快执行的建议").state = ItemState.ANSWERED
    db.session.commit()
    deputy = make_user(Role.DEPUTY, deputy=desk["张三"], username="13900000001")
    log_in(page, deputy.username)  # a deputy lands on their workspace
    expect(page.locator(".reception-panel")).to_contain_text("反映执行难问题")  # the workspace panel
    snap(page, "reception-5-deputy-workspace")
    page.get_by_role("link", name="我的来访").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("我的来访接待记录")
    cards = page.locator(".visit-card")
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text("反映执行难问题")
    expect(cards.first).to_contain_text("关于加快执行的建议 — 已答复")
    expect(cards.first).to_contain_text("全部已答复")
    snap(page, "reception-6-deputy-mine")
