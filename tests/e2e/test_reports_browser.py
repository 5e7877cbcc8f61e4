"""The liaison office prepares the monthly briefing: picks the month (the report swaps in place), reads the meeting
day and what is overdue, opens an overdue figure's list, downloads the Word copy; on a phone nothing scrolls
sideways."""
from datetime import date

import pytest
from playwright.sync_api import expect

from portal import clock
from portal.auth.models import Role
from portal.extensions import db
from portal.items.models import Item, ItemKind, ItemState
from portal.reports.services import Month, meeting_day
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e
YEAR = clock.today().year - 1


def test_prepare_the_monthly_briefing(page, court, make_user, make_department):
    civil = make_department("民一庭")
    judge = make_user(Role.HANDLER, display_name="张法官", department=civil)
    db.session.add(Item(court_id=court.id, number="T-1", kind=ItemKind.LETTER, title="三月来信超期",
                        received_on=date(YEAR, 3, 5), deadline=date(YEAR, 3, 20), department_id=civil.id,
                        handler_id=judge.id, state=ItemState.ASSIGNED))
    db.session.commit()
    log_in(page, make_user(Role.LIAISON).username)

    page.goto("/reports/briefing")
    expect(page.get_by_role("heading", level=1)).to_have_text("每月通报")
    page.get_by_label("通报月份").fill(f"{YEAR}-03")
    page.get_by_label("通报月份").dispatch_event("change")
    expect(page.locator(".report-title")).to_contain_text(f"{YEAR}年3月代表委员联络工作通报")
    assert f"month={YEAR}-03" in page.url
    meeting = meeting_day(Month(YEAR, 3))
    expect(page.locator(".meeting-day")).to_contain_text(f"{meeting.year}年{meeting.month}月{meeting.day}日（星期二）")
    expect(page.locator("#departments")).to_contain_text("民一庭")
    expect(page.locator(".report-items")).to_contain_text("张法官")

    with page.expect_download() as download:
        page.get_by_role("link", name="下载通报（Word）").click()
    assert download.value.suggested_filename == f"{YEAR}年3月代表委员联络工作通报.docx"

    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    page.locator("#departments tfoot a").last.click()  # the overdue total: the board lists exactly those
    expect(page.locator("body")).to_contain_text("三月来信超期")
    assert "/items/" in page.url and "outcome=overdue" in page.url
