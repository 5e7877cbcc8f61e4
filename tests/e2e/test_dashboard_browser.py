"""The staff home's figures in a browser: a liaison of the intermediate court opens the dashboard, narrows the
period and the court (htmx swaps the figures and the charts), and follows a figure to exactly its items."""
from datetime import date

import pytest
from playwright.sync_api import expect

from portal import clock
from portal.auth.models import CourtLevel, Role
from portal.extensions import db
from portal.items.models import Item, ItemKind, ItemState
from tests.e2e.conftest import log_in, snap

pytestmark = pytest.mark.e2e
YEAR = clock.today().year - 1


def overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def total(page, key: str):
    return page.locator(f'#group-items tr[data-figure="{key}"] .figure-total')


def test_the_dashboard_follows_the_period_and_the_court(page, court, make_court, make_user, make_department):
    basic = make_court(code="basic", name="某某区人民法院", parent=court, level=CourtLevel.BASIC)
    civil, lower = make_department("民一庭"), make_department("立案庭", court=basic)
    for n, (court_id, department, received) in enumerate(((court.id, civil, date(YEAR, 2, 10)),
                                                         (court.id, civil, date(YEAR, 6, 10)),
                                                         (basic.id, lower, date(YEAR, 3, 5)))):
        db.session.add(Item(court_id=court_id, number=f"E-{n}", kind=ItemKind.SUGGESTION, title=f"建议{n + 1}号",
                            received_on=received, department_id=department.id, state=ItemState.ASSIGNED))
    db.session.commit()
    liaison = make_user(Role.LIAISON, display_name="郑联络")
    page.set_viewport_size({"width": 1440, "height": 900})
    log_in(page, liaison.username)

    page.goto("/")  # the plain home page comes with its 待办 and asks for its figures once shown
    expect(page.locator("#group-items")).to_be_visible()
    expect(page.locator(".figures-loading")).to_have_count(0)
    expect(page.locator(".scope-line").first).to_contain_text(f"{clock.today().year}年1月1日")

    page.goto(f"/?from={YEAR}-01-01&to={YEAR}-12-31")
    expect(page.get_by_role("heading", name="待办")).to_be_visible()  # the home panels stay at the top
    expect(total(page, "received")).to_have_text("3")
    expect(page.locator("#group-items .figure-main thead")).to_contain_text("某某区")
    expect(page.locator("#table-items_by_department")).to_contain_text("民一庭")
    expect(page.locator("#chart-items_by_department rect")).to_have_count(2)
    snap(page, "dashboard-1440")

    page.get_by_label("至", exact=True).fill(f"{YEAR}-03-31")
    page.get_by_label("至", exact=True).dispatch_event("change")
    expect(total(page, "received")).to_have_text("2")  # swapped by htmx: February's and March's
    expect(page).to_have_url(f"{page.url.split('?')[0]}?from={YEAR}-01-01&to={YEAR}-03-31&as_of=&court={court.id}"
                             "&scope=lower")
    expect(page.locator("#table-trend")).to_contain_text("受理件数")

    page.get_by_label("法院").select_option(label="某某区人民法院")
    expect(page.locator("#group-items .figure-main thead")).not_to_contain_text("合计")  # one court: no per-court columns
    expect(total(page, "received")).to_have_text("1")
    expect(page.locator("#chart-items_by_department rect")).to_have_count(1)

    total(page, "received").get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("交办督办件")
    expect(page.locator("#results")).to_contain_text("建议3号")
    expect(page.locator("#results")).not_to_contain_text("建议1号")
    expect(page.locator(".figure-filter")).to_contain_text("按统计口径列出")

    page.goto(f"/?from={YEAR}-01-01&to={YEAR}-12-31&court={court.id}&scope=lower")
    page.set_viewport_size({"width": 390, "height": 844})
    expect(total(page, "received")).to_have_text("3")
    snap(page, "dashboard-390")
    for part in ("group-items", "section-trend", "section-items_by_department"):  # to look at closely
        snap(page.locator(f"#{part}"), f"dashboard-390-{part}")
    assert overflow(page) <= 0, "the dashboard scrolls sideways on a phone"
