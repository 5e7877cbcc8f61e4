"""The liaison office pairs a provincial deputy three-level (a leader of the intermediate court and the basic
court's president), sees both in the coverage table, and ends one; the leader reads their page on a phone."""
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from portal import clock
from portal.auth.models import Role
from portal.register.models import DeputyLevel
from tests.e2e.conftest import log_in, snap

pytestmark = pytest.mark.e2e
PHONE = {"width": 390, "height": 844}


def overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_pair_three_level_and_end_one(app, live_server, page, shot, court, make_court, make_user, make_deputy):
    basic = make_court(code="b1", name="临江县人民法院", parent=court)
    vp = make_user(Role.LEADER, display_name="周副院长", username="zhou")
    president = make_user(Role.LEADER, display_name="吴院长", username="wu", court=basic)
    make_deputy(name="张三", mobile="13900000001", level=DeputyLevel.PROVINCIAL, work_unit="临江县人民医院")
    make_deputy(name="李四", mobile="13900000002", level=DeputyLevel.COUNTY, paired_with=president)
    liaison = make_user(Role.LIAISON, display_name="郑联络")
    log_in(page, liaison.username)
    since = (clock.today() - timedelta(days=40)).isoformat()

    for leader in (vp, president):
        page.goto("/pairing/")
        page.get_by_role("link", name=leader.display_name).click()
        box = page.locator("#deputy-q")
        box.click()
        box.press_sequentially("zs")
        page.locator("#deputy-results .picker-option", has_text="张三").click()
        expect(page.locator("#pair-chips .visitor-chip", has_text="张三")).to_have_count(1)
        expect(box).to_be_focused()
        page.get_by_label("结对日期").fill(since)
        page.get_by_role("button", name="保存结对").click()
        expect(page.locator(".alert-success")).to_contain_text(f"已将张三与{leader.display_name}结对")
        expect(page.locator("#paired-people")).to_contain_text(since)
    shot("pairing-leader")

    page.goto("/pairing/")
    table = page.locator("table")
    expect(table.locator("tr", has_text="周副院长").locator("td").nth(2)).to_have_text("1")
    expect(table.locator("tr", has_text="吴院长")).to_contain_text("临江县人民法院")
    expect(page.locator("#unpaired")).to_contain_text("在任代表委员都已结对")
    shot("pairing-coverage")

    page.get_by_role("link", name="周副院长").click()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="结束").click()
    expect(page.locator(".alert-success")).to_contain_text("已结束周副院长与张三的结对")
    expect(page.locator("#past-pairings")).to_contain_text("张三")

    context = page.context.browser.new_context(base_url=live_server, viewport=PHONE, locale="zh-CN",
                                               timezone_id="Asia/Shanghai")
    phone = context.new_page()
    log_in(phone, president.username)
    phone.goto("/pairing/mine")
    expect(phone.locator("#paired-people")).to_contain_text("张三")
    expect(phone.locator("#paired-people")).to_contain_text("李四")
    assert overflow(phone) <= 0, "the leader's page scrolls sideways"
    snap(phone, "pairing-mine-phone")
    context.close()
