"""A deputy on a phone (390 px) binds an authenticator app from 账户安全, keeps the recovery codes, logs out and
logs in again with the password and then the app's code (computed here by pyotp from the secret shown)."""
from datetime import timedelta
from urllib.parse import urlsplit

import pyotp
import pytest
from playwright.sync_api import expect

from portal import clock
from portal.auth.models import Role
from tests.conftest import PASSWORD
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


def _sideways(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_a_deputy_enrols_on_a_phone_and_logs_in_with_a_code(page, shot, make_user, make_deputy):
    account = make_user(Role.DEPUTY, deputy=make_deputy(name="周敏"), display_name="周敏")
    page.set_viewport_size(PHONE)
    log_in(page, account.username)

    page.goto("/account")
    expect(page.get_by_text("双因素认证", exact=True)).to_be_visible()
    assert _sideways(page) <= 0
    shot("twofactor-account-390")
    page.get_by_role("link", name="绑定认证应用").click()
    qr = page.locator(".twofactor-qr svg")
    expect(qr).to_be_visible()
    box = qr.bounding_box()
    assert box["width"] >= 150 and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert _sideways(page) <= 0
    shot("twofactor-enrol-390")
    secret = page.locator("#twofactor-secret").inner_text()
    totp = pyotp.TOTP(secret)
    page.get_by_label("验证码").fill(totp.now())
    page.get_by_label("验证码").press("Enter")
    expect(page.get_by_role("heading", name="请保存您的恢复码")).to_be_visible()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    assert _sideways(page) <= 0
    shot("twofactor-codes-390")
    page.get_by_role("link", name="我已保存，继续").click()
    expect(page.get_by_text("已启用：登录时除密码外")).to_be_visible()

    page.wait_for_load_state()  # portal.js (deferred) opens the menu: a click before it runs does nothing
    page.get_by_role("button", name="菜单").click()
    page.get_by_role("button", name="退出").click()
    page.wait_for_url(lambda url: urlsplit(url).path == "/login")
    page.get_by_label("用户名").fill(account.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_label("密码").press("Enter")
    page.wait_for_url(lambda url: urlsplit(url).path == "/login/code")
    expect(page.get_by_label("验证码")).to_be_focused()
    assert _sideways(page) <= 0
    shot("twofactor-code-390")
    # the step used at enrolment is spent: the app's next code (within the ±1 step tolerance)
    page.get_by_label("验证码").fill(totp.at(clock.now() + timedelta(seconds=30)))
    page.get_by_label("验证码").press("Enter")
    page.wait_for_url(lambda url: urlsplit(url).path == "/workspace/")
    expect(page.get_by_role("heading", name="周敏，您好")).to_be_visible()
