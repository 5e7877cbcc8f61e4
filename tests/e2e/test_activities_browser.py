"""A liaison records an activity on a phone (390 px): a deputy picked as a chip, a mistake put right, an opinion
recorded and made a tracked item in one click; the list, the form and the page never scroll sideways."""
import re

import pytest
from playwright.sync_api import expect

from portal.auth.models import Role
from tests.e2e.conftest import log_in, snap

pytestmark = pytest.mark.e2e
PHONE = {"width": 390, "height": 844}


def overflow(page) -> int:
    """How many pixels the page is wider than the window (0 when nothing scrolls sideways)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_record_an_activity_on_a_phone_and_track_an_opinion(page, make_deputy, make_user):
    make_deputy(name="张三", mobile="13900000001", work_unit="江北区人民医院")
    make_user(Role.LEADER, display_name="周院长")
    liaison = make_user(Role.LIAISON, display_name="郑联络")
    page.set_viewport_size(PHONE)
    log_in(page, liaison.username)

    page.goto("/activities/?from=2025-01-01&to=2025-12-31")
    expect(page.get_by_role("heading", level=1)).to_have_text("联络活动")
    expect(page.locator("#results")).to_contain_text("这段期间没有符合条件的联络活动")
    assert overflow(page) <= 0, "the list scrolls sideways"
    page.get_by_role("link", name="登记联络活动").click()
    expect(page.get_by_label("活动日期")).to_be_focused()
    assert overflow(page) <= 0, "the form scrolls sideways"

    page.get_by_label("活动日期").fill("2025-03-01")
    page.get_by_label("活动类型").select_option(label="座谈会")
    box = page.locator("#deputy-q")
    box.click()
    box.press_sequentially("zs")
    page.locator("#deputy-results .picker-option", has_text="张三").click()
    expect(page.locator("#deputy-chips .visitor-chip", has_text="张三")).to_have_count(1)
    # The emptied search box takes the focus back once htmx settles (a moment after the chip): typing before
    # that would land in the search box, as it would for a person who typed that fast.
    expect(box).to_be_focused()
    expect(box).to_have_value("")
    page.get_by_label("其他参加人员").fill("村委会主任")
    page.get_by_label("院方参加人员").select_option(label="周院长（院领导）")
    page.get_by_label("活动内容").fill("通报上半年审判执行工作。")

    page.problems.allow("status of 422 (UNPROCESSABLE ENTITY)")  # the form's answer to a mistake
    page.get_by_role("button", name="保存登记").click()
    expect(page.locator(".alert-danger")).to_contain_text("表单有 1 处需要修改")
    expect(page.get_by_label("活动主题")).to_be_focused()  # the field to put right
    expect(page.locator("#deputy-chips .visitor-chip")).to_have_count(1)  # nothing typed was lost
    expect(page.get_by_label("活动内容")).to_have_value("通报上半年审判执行工作。")
    assert overflow(page) <= 0
    snap(page, "activities-1-mistake")

    page.get_by_label("活动主题").fill("代表委员座谈会")
    page.get_by_role("button", name="保存登记").click()
    expect(page.locator(".alert-success")).to_contain_text("已登记联络活动")
    expect(page.locator(".activity-persons")).to_have_text("2")  # 张三 and the village head
    assert overflow(page) <= 0, "the activity's page scrolls sideways"

    page.get_by_label("意见建议").fill("建议在乡镇增设诉讼服务站。")
    page.get_by_role("button", name="记录意见建议").click()
    opinion = page.locator("#opinions .opinion")
    expect(opinion).to_contain_text("建议在乡镇增设诉讼服务站。")
    opinion.get_by_role("button", name="转为跟踪事项").click()
    expect(opinion.locator(".opinion-item")).to_contain_text(re.compile(r"跟踪事项 \S+\s+已登记"))
    assert overflow(page) <= 0
    snap(page, "activities-2-opinion-tracked")

    page.goto("/activities/")
    expect(page.locator(".activity-table")).to_contain_text("代表委员座谈会")
    expect(page.locator(".count-persons")).to_have_text("2")
    assert overflow(page) <= 0, "the list with a row scrolls sideways"
    snap(page, "activities-3-list")
