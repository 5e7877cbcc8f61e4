"""The deputy's workspace and performance archive (履职档案).

Other areas contribute panels too; these tests look for the duty panel and for every panel that
``portal.areas.deputy_panels`` returns, so they hold whichever areas are installed.
"""
import io
import re
from datetime import date, datetime, timezone

import docx
import pytest

from portal import clock
from portal.areas import deputy_panels
from portal.auth.models import Role
from portal.duty.models import (
    DutyReport,
    DutySession,
    DutySessionDeputy,
    ReportState,
    SessionState,
)
from portal.extensions import db
from portal.register.models import DeputyLevel
from tests.conftest import sign_in

YEAR = clock.today().year
FULL = {"congress": "出席会议。", "between_sessions": "参加视察。", "voters": "走访选民。", "law": "普法宣传。", "deeds": "修路。"}


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def deputy(make_deputy):
    return make_deputy(name="周敏", group_name="城东街道代表组", level=DeputyLevel.COUNTY, term="第十八届",
                       work_unit="城东街道社区卫生服务中心", post="主任")


@pytest.fixture
def account(login_as, deputy):
    return login_as(Role.DEPUTY, deputy=deputy)


def test_home_page_of_a_deputy_is_the_workspace(client, account):
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/workspace/")
    page = text(client.get("/workspace/"))
    assert f"{account.display_name}，您好" in page and "我的登记信息" in page and "城东街道社区卫生服务中心 主任" in page
    assert "我的述职" in page and f"{YEAR}年度述职报告" in page and "尚未撰写" in page
    assert f'<option value="{YEAR}" selected>' in page and '<option value="all"' in page


def panels_of(app, deputy, year):
    with app.test_request_context():  # panels build links
        return deputy_panels(deputy, year)


def test_every_panel_is_shown(app, client, account, deputy):
    page = text(client.get("/workspace/"))
    panels = panels_of(app, deputy, YEAR)
    assert any(p.title == "我的述职" for p in panels)
    for panel in panels:
        assert panel.title in page


def test_year_selector_swaps_only_the_panels(client, account, deputy, court):
    db.session.add(DutyReport(court_id=court.id, deputy_id=deputy.id, year=YEAR - 1, state=ReportState.RETURNED,
                              review_comment="请补充联系选民情况", **FULL))
    db.session.commit()
    fragment = client.get(f"/workspace/?year={YEAR - 1}", headers={"HX-Request": "true", "HX-Target": "panels"})
    body = text(fragment)
    assert "<html" not in body and "我的登记信息" not in body
    assert f"{YEAR - 1}年度书面履职情况报告" in body and "已退回修改：请补充联系选民情况" in body
    assert "尚未撰写" not in body  # nothing to start for last year from the workspace
    everything = text(client.get("/workspace/?year=all"))
    assert f"{YEAR - 1}年度书面履职情况报告" in everything and "尚未撰写" in everything


def test_an_account_without_a_register_entry_is_told_so(client, make_user):
    user = make_user(Role.DEPUTY)
    sign_in(client, user)
    assert "尚未关联代表委员登记信息" in text(client.get("/workspace/"))
    assert client.get("/workspace/archive").status_code == 403


def _in_person(court, deputy, state=SessionState.CLOSED) -> None:
    session = DutySession(court_id=court.id, year=YEAR, level=deputy.level, term=deputy.term,
                          group_name=deputy.group_name, held_on=date(YEAR, 5, 20), place="城东街道人大代表联络站",
                          state=state, voters_present=50)
    session.reporters = [DutySessionDeputy(deputy_id=deputy.id, satisfied=45, basically=4, unsatisfied=1,
                                           evaluated_at=datetime.now(timezone.utc))]
    db.session.add(session)
    db.session.commit()


def test_archive_counts_every_panel_and_the_years_reporting(app, client, account, deputy, court):
    client.post(f"/duty/mine/{YEAR}/submit", data=FULL)
    _in_person(court, deputy)
    page = text(client.get(f"/workspace/archive?year={YEAR}"))
    assert f"周敏{YEAR}年度履职档案" in page
    counts = dict(re.findall(r"<tr><td>([^<]+)</td><td class=\"text-end\">(\d+)</td></tr>", page))
    assert counts["提交述职报告"] == "1" and counts["向选民当面述职"] == "1"
    expected = [label for panel in panels_of(app, deputy, YEAR) for label, _ in panel.archive]
    assert list(counts) == expected  # every area's figures, in panel order
    assert "待审查" in page and "满意45 基本满意4 不满意1（满意率98%）" in page
    assert "导出 Word" in page

    fragment = client.get(f"/workspace/archive?year={YEAR - 1}", headers={"HX-Request": "true", "HX-Target": "archive"})
    assert "<html" not in text(fragment) and "本年度尚无述职报告" in text(fragment)

    document = docx.Document(io.BytesIO(client.get(f"/workspace/archive.docx?year={YEAR}").data))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == f"周敏{YEAR}年度履职档案" and "三、向选民述职情况" in texts
    figures = {row.cells[1].text: row.cells[2].text for row in document.tables[0].rows[1:]}
    assert figures["提交述职报告"] == "1"
    assert document.tables[1].rows[1].cells[1].text == "当面述职"


def test_staff_open_any_deputys_archive(client, login_as, deputy):
    login_as(Role.HANDLER)
    page = text(client.get(f"/workspace/archive/{deputy.id}?year={YEAR}"))
    assert f"周敏{YEAR}年度履职档案" in page and "返回名册" in page
    response = client.get(f"/workspace/archive/{deputy.id}.docx?year={YEAR}")
    assert response.status_code == 200 and docx.Document(io.BytesIO(response.data)).paragraphs[0].text.startswith("周敏")
    assert client.get("/workspace/archive/999999").status_code == 404


def test_the_register_links_to_the_archive(client, login_as, deputy):
    login_as(Role.LIAISON)
    assert f'href="/workspace/archive/{deputy.id}"' in text(client.get(f"/register/{deputy.id}"))
