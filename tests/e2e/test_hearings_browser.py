"""Hearing invitations in the browser: a liaison draws invitees and checks them in; a deputy answers."""
import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from portal.auth.models import Role
from portal.extensions import db
from portal.hearings.models import (
    CaseType,
    Hearing,
    HearingInvitation,
    HearingStatus,
    InvitationStatus,
)
from portal.models import utcnow
from portal.register.models import DeputyKind, DeputyLevel
from tests.e2e.conftest import log_in, snap

pytestmark = pytest.mark.e2e


@pytest.fixture
def hearing(court, make_department):
    department = make_department("民事审判第一庭")
    starts = utcnow() + timedelta(days=5)
    record = Hearing(court_id=court.id, case_number="（2024）桂0981民初1234号", cause="民间借贷纠纷",
                     case_type=CaseType.CIVIL, department_id=department.id, presiding_judge="李明",
                     court_room="第一审判庭", starts_at=starts, ends_at=starts + timedelta(hours=2),
                     invite_reason="涉及群众切身利益", status=HearingStatus.SCHEDULED)
    db.session.add(record)
    db.session.commit()
    return record


def test_liaison_draws_invitees_fairly_and_confirms(page, make_user, make_deputy, hearing):
    for n, name in enumerate(("张伟", "王芳", "李娜", "刘洋")):
        make_deputy(name=name, level=DeputyLevel.CITY, mobile=f"1380000000{n}")
    for n, name in enumerate(("陈静", "杨磊", "赵敏", "黄勇")):
        make_deputy(name=name, level=DeputyLevel.COUNTY, kind=DeputyKind.CPPCC, mobile=f"1390000000{n}")
    liaison = make_user(Role.LIAISON)
    log_in(page, liaison.username)
    page.get_by_role("link", name="旁听庭审").first.click()
    expect(page).to_have_title(re.compile("^旁听庭审"))
    page.get_by_role("link", name=hearing.case_number).click()
    expect(page.locator("#board")).to_contain_text("尚未邀请代表委员")
    page.get_by_role("link", name="随机抽选", exact=True).first.click()
    expect(page.get_by_label("抽选人数")).to_be_focused()
    page.evaluate("window.__marker = 1")

    page.get_by_label("抽选人数").fill("4")
    page.get_by_label("市级").check()
    page.get_by_label("县（区）级").check()
    page.get_by_role("button", name="抽选", exact=True).click()
    preview = page.locator("#preview")
    expect(preview).to_contain_text("抽选结果：4 人")
    expect(preview).to_contain_text("名额分配：市级 2 名、县（区）级 2 名")
    expect(preview.locator("td.draw-reason")).to_have_text(["市级 · 从未受邀"] * 2 + ["县（区）级 · 从未受邀"] * 2)
    assert page.evaluate("window.__marker") == 1, "the preview reloaded the page instead of swapping #preview"
    snap(page, "hearings-draw-preview")

    dropped = preview.locator("tbody tr").first.locator("label").inner_text()
    preview.locator("tbody tr").first.get_by_role("checkbox").uncheck()
    page.get_by_role("button", name="确认并发出邀请").click()
    page.wait_for_url(lambda url: urlsplit(url).path == f"/hearings/{hearing.id}")
    expect(page.get_by_role("alert").first).to_contain_text("已邀请 3 名代表委员")
    board = page.locator("#board")
    expect(board.locator(".board-table tbody tr")).to_have_count(3)
    expect(board).not_to_contain_text(dropped)
    expect(board.locator('[data-count="invited"]')).to_have_text("3")
    expect(board).to_contain_text("尚未答复（3 人），请电话提醒")
    expect(board.locator(".board-table")).to_contain_text("随机抽选（市级 · 从未受邀）")

    first_pending = board.locator(".pending-list tr").first
    name = first_pending.locator("td").first.inner_text()
    first_pending.get_by_role("button", name="标记已提醒").click()
    expect(board).to_contain_text(f"已记录提醒{name}答复。")
    expect(board.locator(".pending-list tr").first).to_contain_text("已提醒")
    snap(page, "hearings-hearing-board")


def test_check_in_on_the_day_counts_without_reload(page, make_user, make_deputy, hearing):
    record = db.session.get(Hearing, hearing.id)
    record.starts_at = utcnow() - timedelta(minutes=20)
    record.ends_at = utcnow() + timedelta(hours=2)
    for name in ("张伟", "王芳"):
        db.session.add(HearingInvitation(hearing_id=record.id, deputy_id=make_deputy(name=name).id,
                                         status=InvitationStatus.ACCEPTED))
    db.session.commit()
    liaison = make_user(Role.LIAISON)
    log_in(page, liaison.username)
    page.goto(f"/hearings/{hearing.id}")
    page.evaluate("window.__marker = 1")
    board = page.locator("#board")
    expect(board.locator('[data-count="attended"]')).to_have_text("0")
    board.get_by_role("button", name="张伟签到").click()
    expect(board).to_contain_text("张伟已签到。")
    expect(board.locator('[data-count="attended"]')).to_have_text("1")
    expect(board.locator('[data-count="accepted"]')).to_have_text("1")
    board.get_by_role("button", name="王芳签到").click()
    expect(board.locator('[data-count="attended"]')).to_have_text("2")
    assert page.evaluate("window.__marker") == 1
    snap(page, "hearings-check-in")


def test_deputy_declines_needs_a_reason_then_accepts(page, make_user, make_deputy, hearing):
    deputy = make_deputy(name="周敏", kind=DeputyKind.CPPCC)
    user = make_user(Role.DEPUTY, deputy=deputy, username="13712345678", display_name="周敏")
    db.session.add(HearingInvitation(hearing_id=hearing.id, deputy_id=deputy.id, status=InvitationStatus.INVITED))
    db.session.commit()
    log_in(page, user.username)
    page.get_by_role("link", name="我的旁听邀请").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("我的旁听邀请")
    page.get_by_role("link", name=hearing.case_number).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("待答复")
    expect(page.locator("dt:text-is('审判长') + dd")).to_have_text("李明")
    snap(page, "hearings-deputy-invitation")

    page.get_by_label("谢绝邀请").check()
    page.problems.allow("status of 422 (UNPROCESSABLE ENTITY)")  # the form's answer to a missing reason
    page.get_by_role("button", name="提交答复").click()
    expect(page.locator(".invalid-feedback")).to_have_text("谢绝邀请请填写理由。")
    expect(page.get_by_label("谢绝邀请")).to_be_checked()

    page.get_by_label("接受邀请，按时出席").check()
    page.get_by_role("button", name="提交答复").click()
    expect(page.get_by_role("alert")).to_have_text("您已接受邀请，期待您莅临旁听。")
    expect(page.get_by_role("heading", level=1)).to_contain_text("已接受")
    expect(page.get_by_role("heading", level=2, name="修改答复")).to_be_visible()
    snap(page, "hearings-deputy-accepted")
    assert db.session.scalar(db.select(HearingInvitation.status)) == InvitationStatus.ACCEPTED


def test_ticks_survive_new_searches_and_are_invited_together(page, make_user, make_deputy, hearing):
    make_deputy(name="张东", group_name="城东代表组")
    make_deputy(name="李西", group_name="城西代表组")
    make_deputy(name="王北", group_name="城北代表组")
    log_in(page, make_user(Role.LIAISON).username)
    page.goto(f"/hearings/{hearing.id}/invite")
    page.get_by_label("代表组/界别").select_option("城东代表组")
    expect(page.locator("#results tbody tr")).to_have_count(1)
    page.get_by_label("张东").check()
    page.get_by_label("代表组/界别").select_option("")
    page.get_by_label("搜索").fill("李西")
    expect(page.locator("#results tbody tr")).to_have_count(1)
    expect(page.locator("#ticked-elsewhere")).to_contain_text("张东")
    page.get_by_label("李西").check()
    page.get_by_role("button", name="邀请所选代表委员").click()
    expect(page.get_by_role("alert").first).to_contain_text("已邀请 2 名代表委员")
    db.session.expire_all()
    assert {i.deputy.name for i in db.session.get(Hearing, hearing.id).invitations} == {"张东", "李西"}
