"""The layout at the two widths people use: a deputy's phone (390 px) and a staff desk (1440 px).

On a phone no page may scroll sideways: the header collapses behind a menu button, wide tables scroll inside
their own box, forms fit. At a desk the admin's menu, the longest one, stays on one line. The deputy's pages
are found by following their links from the workspace over the demo data, so every page a deputy can reach with
real records on it is opened.
"""
import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal import demo
from portal.auth.models import Duty, Role, User
from portal.extensions import db
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1440, "height": 900}
DEPUTY_PAGES = ["/workspace/", "/workspace/archive", "/hearings/mine", "/duty/mine", "/items/mine", "/items/new",
                "/reception/mine", "/password"]
SKIPPED = re.compile(r"\.(docx|xlsx|pdf|zip)$|^/logout|^/static/")


@pytest.fixture
def demo_data(app):
    demo.seed(size=1)
    db.session.commit()


def overflow(page) -> int:
    """How many pixels the page is wider than the window (0 when nothing scrolls sideways)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def _pattern(path: str) -> str:
    """One page per kind: /hearings/mine/12 and /hearings/mine/13 are the same page."""
    return re.sub(r"\d+", "N", path)


def test_login_page_fits_a_phone(page, shot):
    page.set_viewport_size(PHONE)
    page.goto("/login")
    expect(page.get_by_label("用户名")).to_be_visible()
    shot("layout-390-login")
    assert overflow(page) <= 0


def test_every_deputy_page_fits_a_phone(app, page, shot, demo_data):
    page.set_viewport_size(PHONE)
    log_in(page, _busiest_deputy(app).username, demo.DEMO_PASSWORD)  # the demo deputy with most to open
    queue, seen, wide = list(DEPUTY_PAGES), set(), []
    while queue and len(seen) < 40:
        path = queue.pop(0)
        if _pattern(path) in seen:
            continue
        seen.add(_pattern(path))
        response = page.goto(path)
        assert response.status == 200, f"{path}: {response.status}"
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        shot("layout-390-" + (re.sub(r"[^a-z0-9]+", "-", urlsplit(page.url).path).strip("-") or "home"))
        if overflow(page) > 0:
            wide.append(f"{path}: {overflow(page)} px too wide")
        for href in page.locator("main a[href^='/']").evaluate_all("links => links.map(a => a.getAttribute('href'))"):
            target = urlsplit(href).path
            if not SKIPPED.search(target) and _pattern(target) not in seen:
                queue.append(target)
    assert not wide, "pages that scroll sideways on a phone:\n" + "\n".join(wide)
    assert {"/workspace/", "/hearings/mine/N", "/duty/mine/N"} <= seen, seen


def test_the_header_folds_behind_a_menu_button_on_a_phone(page, shot, make_user, make_deputy):
    page.set_viewport_size(PHONE)
    log_in(page, make_user(Role.DEPUTY, deputy=make_deputy()).username)
    menu = page.get_by_role("button", name="菜单")
    expect(menu).to_be_visible()
    expect(page.get_by_role("button", name="退出")).to_be_hidden()
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("button", name="退出")).to_be_visible()
    navigation = page.get_by_role("navigation", name="主导航")
    expect(navigation.get_by_role("link", name="我的旁听邀请")).to_be_visible()
    shot("layout-390-menu-open")
    assert overflow(page) <= 0
    navigation.get_by_role("link", name="我的旁听邀请").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("旁听")
    expect(page.get_by_role("button", name="退出")).to_be_hidden()  # a new page starts with the menu folded
    menu.click()
    menu.click()
    expect(page.get_by_role("button", name="退出")).to_be_hidden()


def _busiest_deputy(app) -> User:
    """The demo deputy whose workspace links to the most kinds of page, so the crawl opens them all."""
    def kinds(user: User) -> int:
        client = app.test_client()
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get("/login").get_data(as_text=True))
        client.post("/login", data={"username": user.username, "password": demo.DEMO_PASSWORD,
                                    "csrf_token": token.group(1)})
        links = re.findall(r'href="(/[^"]*)"', client.get("/workspace/").get_data(as_text=True))
        return len({_pattern(urlsplit(link).path) for link in links})

    return max(db.session.scalars(select(User).where(User.role == Role.DEPUTY).order_by(User.id)), key=kinds)


# The text of each of these elements, line by line: more than one line top means it wrapped.
WRAPPED = """header => [...header.querySelectorAll('.navbar-brand, .nav-link, .btn')].filter(element => {
  const range = document.createRange();
  range.selectNodeContents(element);
  return new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top))).size > 1;
}).map(element => element.textContent.trim())"""


def test_the_admins_menu_stays_on_one_line_at_a_desk(page, shot, make_user, make_court):
    court = make_user(Role.LEADER).court
    court.name = "某某省某某市某某区人民法院某某人民法庭"  # a long name makes way for the menu
    db.session.commit()
    # the longest menu: a liaison who is also the system administrator
    admin = make_user(Role.LIAISON, admin_duty=Duty.SYSTEM, username="admin", display_name="欧阳系统管理员")
    page.set_viewport_size(DESK)
    log_in(page, admin.username)
    page.goto("/admin/users")
    shot("layout-1440-admin-users")
    header = page.locator("header.portal-header")
    links = header.get_by_role("navigation", name="主导航").get_by_role("link")
    assert links.count() >= 8
    tops = {round(link.bounding_box()["y"]) for link in links.all()}
    assert len(tops) == 1, f"the menu wraps onto {len(tops)} lines"
    assert header.evaluate(WRAPPED) == []
    expect(page.get_by_role("button", name="菜单")).to_be_hidden()
    expect(header.get_by_role("button", name="退出")).to_be_visible()
    assert overflow(page) <= 0
    group = header.locator("details.nav-group", has_text="联络工作")  # receptions, activities, pairing, notices
    group.locator("summary").click()
    expect(group.get_by_role("link", name="联络活动")).to_be_visible()
    shot("layout-1440-admin-menu-open")
    page.locator("h1").first.click()  # a click elsewhere closes it, as a menu does
    expect(group.get_by_role("link", name="联络活动")).to_be_hidden()
