"""The liaison office composes a batch notice, previews it, queues it; the worker delivers it to a real SMTP server
and an SMS gateway; the deputy finds it in the portal on a phone, where the header's badge counts it."""
import pytest
from playwright.sync_api import expect

from portal.auth.models import Role
from portal.notices import delivery, services
from tests.e2e.conftest import log_in, snap
from tests.notice_servers import configure, gateway, smtp_server  # noqa: F401 - fixtures used by name

pytestmark = pytest.mark.e2e


def test_a_batch_notice_from_compose_to_delivery(app, page, shot, make_user, make_deputy, smtp_server, gateway,
                                                  browser, live_server):
    configure(app, smtp_server, gateway)
    zhang = make_deputy(name="张三", mobile="13900000011", email="zhang@example.cn")
    make_deputy(name="李四", mobile="13900000012")
    services.save_preference(zhang.id, sms=True, email=True, greetings=True)
    from portal.extensions import db

    db.session.commit()
    deputy_user = make_user(Role.DEPUTY, deputy=zhang, username="13900000011")
    log_in(page, make_user(Role.LIAISON).username)

    page.goto("/notices/batches/new")
    page.fill("#subject", "座谈会通知")
    page.fill("#body", "{称呼}：定于12月20日上午9时在联络之家召开代表委员座谈会，敬请出席。")
    page.click("button[value=preview]")
    preview = page.locator(".batch-preview")
    expect(preview).to_contain_text("收件人：2 人")
    expect(preview).to_contain_text("李代表：定于12月20日")  # the first by pinyin: 李四
    expect(preview).to_contain_text("短信 1 条")
    shot("notices-preview")
    page.click("button[value=send]")
    expect(page.locator("table")).to_contain_text("座谈会通知")

    assert delivery.send_due() == 3  # 张三 by SMS and email, 李四 by SMS
    _, mailbox = smtp_server
    _, sms = gateway
    assert [m.rcpt_tos for m in mailbox.messages] == [["zhang@example.cn"]]
    assert sorted(r["mobile"] for r in sms.received) == ["13900000011", "13900000012"]
    page.goto("/notices/?state=sent")
    expect(page.locator("table")).to_contain_text("13900000012")

    phone = browser.new_context(base_url=live_server, viewport={"width": 390, "height": 844}, locale="zh-CN")
    mobile = phone.new_page()
    log_in(mobile, deputy_user.username)  # a deputy's home is their workspace
    mobile.goto("/notices/inbox")
    expect(mobile.locator(".list-group")).to_contain_text("张代表：定于12月20日")
    expect(mobile.locator("#notice-badge .badge")).to_have_text("1")
    assert mobile.evaluate("document.documentElement.scrollWidth") <= 390
    snap(mobile, "notices-inbox-390")
    mobile.click("text=全部标为已读")
    expect(mobile.locator("#notice-badge .badge")).to_have_count(0)
    phone.close()
