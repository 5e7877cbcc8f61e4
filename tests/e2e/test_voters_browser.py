"""Voter work on a phone (390 px): a deputy records a voter-contact activity and a mailbox letter, sees the flag
under two activities a year go away on the second, and no page scrolls sideways."""
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from portal import clock
from portal.auth.models import Role
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e
PHONE = {"width": 390, "height": 844}


def overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_deputy_records_an_activity_and_a_letter_on_a_phone(page, shot, make_user, make_deputy):
    user = make_user(Role.DEPUTY, deputy=make_deputy(name="王建国"))
    page.set_viewport_size(PHONE)
    page.problems.allow("status of 422 (UNPROCESSABLE ENTITY)")  # the letter form's answer to a mistake
    log_in(page, user.username)  # a deputy's home is the workspace
    expect(page.locator(".voters-panel .too-few")).to_be_visible()
    page.goto("/voters/mine")
    expect(page.locator(".too-few")).to_be_visible()
    assert overflow(page) <= 0

    for place, voters in (("城东街道代表联络站", "25"), ("社区党群服务中心", "18")):
        page.get_by_role("link", name="登记活动").click()
        assert overflow(page) <= 0
        page.get_by_label("活动形式").select_option(label="问需")
        page.get_by_label("参加选民人数").fill(voters)
        page.get_by_label("活动地点").fill(place)
        page.get_by_label("选民反映的问题和意见").fill("选民希望在社区设立法律咨询点。")
        shot("voters-390-contact-form")
        page.get_by_role("button", name="保存").click()
        page.wait_for_url(lambda url: urlsplit(url).path == "/voters/mine")
        expect(page.locator("#contacts")).to_contain_text(place)
    expect(page.locator(".too-few")).to_have_count(0)

    page.get_by_role("link", name="登记来信").click()
    page.get_by_label("来信事由").fill("反映小区物业服务问题")
    page.get_by_label("办理状态").select_option(label="办理中")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".invalid-feedback")).to_contain_text("请填写办理情况")
    assert page.get_by_label("来信事由").input_value() == "反映小区物业服务问题"
    assert overflow(page) <= 0
    page.get_by_label("办理情况").fill("已转区住房和城乡建设局办理")
    shot("voters-390-letter-form")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url(lambda url: urlsplit(url).path == "/voters/mine")
    expect(page.locator("#letters")).to_contain_text("办理中")
    expect(page.locator("#voter-counts")).to_contain_text(f"{clock.today().year} 年联系选民活动 2 次")
    shot("voters-390-mine")
    assert overflow(page) <= 0
