"""The liaison office writes the year's summary: opens the draft the records give, saves it, rewrites a section in
place (htmx) around its figure, refreshes the figures after a late record, and exports the Word file, which holds
the rewritten prose with the new number; at 1440 px and on a phone (390 px) nothing scrolls sideways."""
import io
from datetime import date, datetime, time
from pathlib import Path

import docx
import pytest
from playwright.sync_api import expect

from portal import clock
from portal.auth.models import Role
from portal.extensions import db
from portal.reception.models import Channel, Reception, ReceptionDeputy
from tests.e2e.conftest import log_in, snap

pytestmark = pytest.mark.e2e
YEAR = clock.today().year - 1


def visit(court, day: date, deputies, others: int = 0) -> None:
    reception = Reception(court_id=court.id, received_at=clock.from_local(datetime.combine(day, time(10))),
                          channel=Channel.VISIT, subject="来访", other_count=others,
                          other_visitors="、".join(["群众"] * others))
    reception.deputy_links = [ReceptionDeputy(deputy_id=d.id) for d in deputies]
    db.session.add(reception)
    db.session.commit()


def overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.parametrize("width", [1440, 390])
def test_write_the_years_summary_refresh_its_figures_and_export_it(page, shot, court, make_deputy, make_user, width):
    first, second = make_deputy(name="张三"), make_deputy(name="李四")
    visit(court, date(YEAR, 3, 1), [first, second])
    visit(court, date(YEAR, 6, 1), [first])
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, make_user(Role.LIAISON, display_name="郑联络").username)

    page.goto(f"/summary/?year={YEAR}")
    expect(page.get_by_role("heading", level=1)).to_have_text("年度工作总结")
    draft = page.locator(".summary-draft")
    expect(draft).to_contain_text(f"某某市中级人民法院{YEAR}年度代表委员联络工作总结")
    expect(draft).to_contain_text("共接待来访的人大代表、政协委员3人次（接待2次）")
    page.get_by_role("button", name="生成草稿并开始编辑").click()
    expect(page.locator(".alert-success")).to_contain_text(f"已生成{YEAR}年度工作总结草稿")
    assert overflow(page) <= 0, "the summary scrolls sideways"
    shot(f"summary-{width}")

    reception = page.locator(".summary-section").first
    reception.get_by_role("link", name="编辑本节").click()
    text = reception.get_by_label("正文")
    expect(text).to_be_focused()  # the swapped form's autofocus
    snap(reception, f"summary-form-{width}")
    text.fill("我院院领导亲自接待来访的代表委员{接待人次}人次，认真听取意见建议。")
    reception.get_by_role("button", name="保存本节").click()
    expect(reception.locator(".section-saved")).to_have_text("已保存为第2版")
    expect(reception).to_contain_text("我院院领导亲自接待来访的代表委员3人次，认真听取意见建议。")
    expect(reception.locator("mark.figure-value")).to_have_text(["3"])
    assert overflow(page) <= 0, "the saved section scrolls sideways"
    shot(f"summary-edited-{width}")
    snap(reception, f"summary-section-{width}")

    visit(court, date(YEAR, 11, 20), [second], others=1)  # registered late: two more 人次
    page.get_by_role("button", name="刷新数字").click()
    expect(page.locator(".alert-success")).to_contain_text("接待人次 3 → 5")
    expect(page.locator(".summary-section").first).to_contain_text("我院院领导亲自接待来访的代表委员5人次，认真听取意见建议。")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="导出 Word").click()
    download = download_info.value
    assert download.suggested_filename.startswith(f"{YEAR}年度代表委员联络工作总结_")
    paragraphs = [p.text for p in docx.Document(io.BytesIO(Path(download.path()).read_bytes())).paragraphs]
    assert paragraphs[0] == f"某某市中级人民法院{YEAR}年度代表委员联络工作总结"
    assert "我院院领导亲自接待来访的代表委员5人次，认真听取意见建议。" in paragraphs
