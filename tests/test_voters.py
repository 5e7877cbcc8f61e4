"""The deputy's voter work (联系选民): voter-contact activities, mailbox letters, the flag under two a year, the
staff list and deputy page, the quarterly Word list, the workspace panel and the 履职档案 section."""
import io
import re
from datetime import date, timedelta

import docx
import pytest
from sqlalchemy import select

from portal import clock
from portal.areas import ArchiveSection, Panel
from portal.audit import AuditLog
from portal.auth.models import Role
from portal.extensions import db
from portal.register.models import DeputyKind, DeputyStatus
from portal.voters import contributions
from portal.voters.models import ContactKind, LetterState, VoterContact, VoterLetter
from tests.conftest import sql_statements

TODAY = clock.today()
YEAR = TODAY.year
CONTACT = {"held_on": TODAY.isoformat(), "kind": "needs", "place": "城东街道代表联络站", "voters": "25",
           "raised": "选民希望在社区设立法律咨询点。"}
LETTER = {"received_on": TODAY.isoformat(), "sender": "李四", "subject": "反映小区物业服务问题",
          "content": "物业长期不维修电梯。", "handling": "", "outcome": "", "state": "pending", "state_on": ""}


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def deputy(make_deputy):
    return make_deputy(name="王建国", group_name="城东街道代表组")


@pytest.fixture
def as_deputy(login_as, deputy):
    return login_as(Role.DEPUTY, deputy=deputy)


def contact(deputy, court, held_on=TODAY, **kw) -> VoterContact:
    record = VoterContact(deputy_id=deputy.id, court_id=court.id, held_on=held_on,
                          kind=kw.pop("kind", ContactKind.ASK_NEEDS), place=kw.pop("place", "社区党群服务中心"),
                          voters=kw.pop("voters", 20), raised=kw.pop("raised", "希望增加助餐点。"))
    db.session.add(record)
    db.session.commit()
    return record


def letter(deputy, court, received_on=TODAY, **kw) -> VoterLetter:
    record = VoterLetter(deputy_id=deputy.id, court_id=court.id, received_on=received_on,
                         sender=kw.pop("sender", "张三"), subject=kw.pop("subject", "反映道路积水"), **kw)
    db.session.add(record)
    db.session.commit()
    return record


def test_every_model_names_its_fields_for_the_audit_trail():
    for model in (VoterContact, VoterLetter):
        assert model.__audited__ and model.__audit_label__
        excluded = {"created_at", "updated_at", "id", "version"}
        assert {c.key for c in model.__table__.columns} - excluded <= set(model.__audit_labels__), model


# --- the deputy records ----------------------------------------------------------------------------------------

def test_deputy_records_an_activity_audited_and_announced(client, as_deputy, deputy, court):
    assert client.get("/voters/contacts/new").status_code == 404  # the form is under /mine
    response = client.post("/voters/mine/contacts/new", data=CONTACT)
    assert response.status_code == 303
    record = db.session.scalar(select(VoterContact))
    assert (record.deputy_id, record.court_id, record.kind, record.voters) == (deputy.id, court.id,
                                                                               ContactKind.ASK_NEEDS, 25)
    summaries = set(db.session.scalars(select(AuditLog.summary).where(AuditLog.action == "event")))
    assert "登记联系选民活动" in summaries
    assert db.session.scalar(select(AuditLog).where(AuditLog.entity == "voter_contact", AuditLog.action == "create"))
    page = text(client.get("/voters/mine"))
    assert "城东街道代表联络站" in page and "问需" in page


@pytest.mark.parametrize("changes, field, message", [
    ({"held_on": (TODAY + timedelta(days=1)).isoformat()}, "held_on", "不能晚于今天"),
    ({"held_on": ""}, "held_on", "请填写活动日期"),
    ({"kind": ""}, "kind", "请选择活动形式"),
    ({"kind": "visit"}, "kind", "不是有效的选择"),
    ({"place": " "}, "place", "请填写活动地点"),
    ({"voters": "0"}, "voters", "人数应在"),
    ({"voters": "很多"}, "voters", "请填写参加的选民人数"),
    ({"raised": ""}, "raised", "请填写选民反映"),
    ({"place": "地" * 101}, "place", "不能超过 100 个字"),
])
def test_bad_activity_re_renders_with_errors_and_what_was_typed(client, as_deputy, changes, field, message):
    response = client.post("/voters/mine/contacts/new", data={**CONTACT, **changes})
    page = text(response)
    assert response.status_code == 422
    assert message in page, page
    if field != "raised":
        assert "选民希望在社区设立法律咨询点。" in page  # what was typed stays
    assert db.session.scalar(select(VoterContact)) is None


def test_letter_goes_pending_handling_closed_dated(client, as_deputy, deputy):
    assert client.post("/voters/mine/letters/new", data={**LETTER, "sender": ""}).status_code == 303
    record = db.session.scalar(select(VoterLetter))
    assert (record.state, record.state_on, record.sender_label) == (LetterState.PENDING, TODAY, "匿名")
    url = f"/voters/mine/letters/{record.id}"
    response = client.post(url, data={**LETTER, "state": "handling", "version": "1"})
    assert response.status_code == 422 and "请填写办理情况" in text(response)
    yesterday = (TODAY - timedelta(days=1)).isoformat()
    response = client.post(url, data={**LETTER, "state": "handling", "handling": "已转区住建局办理",
                                      "received_on": yesterday, "version": "1"})
    assert response.status_code == 303
    response = client.post(url, data={**LETTER, "state": "closed", "handling": "已转区住建局办理", "version": "2",
                                      "received_on": yesterday})
    assert response.status_code == 422 and "请填写办理结果" in text(response)
    response = client.post(url, data={**LETTER, "state": "closed", "handling": "已转区住建局办理", "outcome": "已维修",
                                      "received_on": yesterday, "state_on": yesterday, "version": "2"})
    assert response.status_code == 303
    db.session.refresh(record)
    assert (record.state, record.state_on, record.outcome) == (LetterState.CLOSED, TODAY - timedelta(days=1), "已维修")
    assert "代表信箱来信办结" in set(db.session.scalars(select(AuditLog.summary).where(AuditLog.action == "event")))
    response = client.post(url, data={**LETTER, "received_on": yesterday, "state_on": (TODAY - timedelta(days=2))
                                      .isoformat(), "version": "3"})
    assert response.status_code == 422 and "状态日期不能早于收信日期" in text(response)


def test_stale_letter_edit_is_refused_with_what_was_typed(client, as_deputy, deputy, court):
    record = letter(deputy, court)
    url = f"/voters/mine/letters/{record.id}"
    assert client.post(url, data={**LETTER, "subject": "在手机上改的", "version": "1"}).status_code == 303
    response = client.post(url, data={**LETTER, "subject": "在电脑上改的", "version": "1"})
    page = text(response)
    assert response.status_code == 409
    assert "edit-conflict" in page and "在电脑上改的" in page
    db.session.refresh(record)
    assert record.subject == "在手机上改的"


def test_another_deputys_entries_are_404(client, login_as, make_deputy, deputy, court):
    mine_contact, mine_letter = contact(deputy, court), letter(deputy, court)
    login_as(Role.DEPUTY)
    assert client.get(f"/voters/mine/contacts/{mine_contact.id}").status_code == 404
    assert client.post(f"/voters/mine/contacts/{mine_contact.id}", data=CONTACT).status_code == 404
    assert client.get(f"/voters/mine/letters/{mine_letter.id}").status_code == 404
    assert client.post(f"/voters/mine/letters/{mine_letter.id}", data=LETTER).status_code == 404
    assert "王建国" not in text(client.get("/voters/mine"))


def test_cppcc_member_is_told_the_area_is_for_npc_deputies(client, login_as, make_deputy):
    login_as(Role.DEPUTY, deputy=make_deputy(kind=DeputyKind.CPPCC))
    page = text(client.get("/voters/mine"))
    assert "政协委员没有选民" in page
    response = client.get("/voters/mine/contacts/new")
    assert response.status_code == 403 and "政协委员没有选民" in text(response)


@pytest.mark.parametrize("role", [Role.LIAISON, Role.LEADER, Role.HANDLER])
def test_staff_read_but_never_edit(client, login_as, make_user, deputy, court, role):
    make_user(Role.DEPUTY, deputy=deputy)
    record = contact(deputy, court)
    login_as(role)
    assert deputy.name in text(client.get("/voters/"))
    assert "社区党群服务中心" in text(client.get(f"/voters/deputy/{deputy.id}"))
    assert client.get(f"/voters/mine/contacts/{record.id}").status_code == 403
    assert client.post(f"/voters/mine/contacts/{record.id}", data=CONTACT).status_code == 403


def test_staff_see_every_npc_deputy_of_the_register_with_or_without_an_account(
        client, login_as, make_user, make_court, make_deputy, court):
    """The register is shared by every court and holds no court per person: voter work follows it."""
    basic = make_court(code="b1", name="某某区人民法院", parent=court)
    without = make_deputy(name="无账号代表")
    elsewhere = make_deputy(name="区院账号代表")
    make_user(Role.DEPUTY, deputy=elsewhere, court=basic)
    cppcc = make_deputy(name="政协委员乙", kind=DeputyKind.CPPCC)
    login_as(Role.LIAISON, court=basic)
    page = text(client.get("/voters/"))
    assert "无账号代表" in page and "区院账号代表" in page and "政协委员乙" not in page
    row = page[page.index("无账号代表"):]
    assert "未开通" in row[:row.index("</tr>")] and "少于 2 次" in row[:row.index("</tr>")]
    row = page[page.index("区院账号代表"):]
    assert "某某区人民法院" in row[:row.index("</tr>")]
    assert "未开通账号 1 人" in page and "代表委员名册" in page
    assert "无账号代表" in text(client.get(f"/voters/deputy/{without.id}"))
    assert client.get(f"/voters/deputy/{without.id}/letters.docx").status_code == 200
    assert client.get(f"/voters/deputy/{cppcc.id}").status_code == 404
    assert client.get("/voters/deputy/999999").status_code == 404


def test_staff_list_flags_under_two_first(client, login_as, make_user, make_deputy, court):
    busy, idle, cppcc, retired = (make_deputy(name="勤勉代表"), make_deputy(name="缺少代表"),
                                  make_deputy(name="政协委员甲", kind=DeputyKind.CPPCC),
                                  make_deputy(name="离任代表", status=DeputyStatus.RETIRED))
    for d in (busy, idle, cppcc, retired):
        make_user(Role.DEPUTY, deputy=d)
    contact(busy, court), contact(busy, court, held_on=date(YEAR, 1, 1)), contact(idle, court)
    contact(idle, court, held_on=date(YEAR - 1, 6, 1))  # last year's does not count
    login_as(Role.LEADER)
    page = text(client.get(f"/voters/?year={YEAR}"))
    assert page.index("缺少代表") < page.index("勤勉代表")
    assert "政协委员甲" not in page and "离任代表" not in page
    assert page.count('class="table-warning too-few"') == 1
    assert text(client.get(f"/voters/?year={YEAR - 1}")).count('class="table-warning too-few"') == 2
    assert "too-few" in text(client.get(f"/voters/deputy/{idle.id}?year={YEAR}"))
    assert "少于每年至少" not in text(client.get(f"/voters/deputy/{busy.id}?year={YEAR}"))


def test_quarter_docx_lists_the_quarters_letters(client, as_deputy, login_as, deputy, court):
    letter(deputy, court, received_on=date(YEAR - 1, 2, 3), subject="一季度来信", handling="已转区住建局办理",
           outcome="已整改", state=LetterState.CLOSED)
    letter(deputy, court, received_on=date(YEAR - 1, 1, 5), subject="更早的来信", sender="")
    letter(deputy, court, received_on=date(YEAR - 1, 4, 1), subject="二季度来信")
    response = client.get(f"/voters/mine/letters.docx?year={YEAR - 1}&quarter=1")
    assert response.status_code == 200
    document = docx.Document(io.BytesIO(response.data))
    rows = [[cell.text for cell in row.cells] for row in document.tables[0].rows]
    assert rows[0] == ["序号", "收信日期", "来信人", "来信事由", "办理情况", "办理结果", "状态"]
    assert rows[1][2:] == ["匿名", "更早的来信", "—", "—", "待办理"]
    assert rows[2][2:] == ["张三", "一季度来信", "已转区住建局办理", "已整改", "已办结"]
    assert len(rows) == 3
    body = "\n".join(p.text for p in document.paragraphs)
    assert "第一季度" in body and "收到来信 2 件，已办结 1 件" in body
    client.post("/logout")
    login_as(Role.LIAISON)
    # the deputy's account (made by as_deputy) is of this court: its staff download the deputy's quarter too
    response = client.get(f"/voters/deputy/{deputy.id}/letters.docx?year={YEAR - 1}&quarter=2")
    rows = docx.Document(io.BytesIO(response.data)).tables[0].rows
    assert [row.cells[3].text for row in rows] == ["来信事由", "二季度来信"]


def test_workspace_panel_and_archive_section(app, client, as_deputy, deputy, court):
    contact(deputy, court, place="村民委员会会议室", kind=ContactKind.ASK_ADVICE, voters=31, raised="建议加强交通管理。")
    letter(deputy, court, state=LetterState.CLOSED, outcome="已答复")
    letter(deputy, court)
    with app.test_request_context():
        panel = contributions.deputy_panel(deputy, YEAR)
        assert isinstance(panel, Panel)
        assert panel.archive == [("联系选民活动", 1), ("代表信箱来信", 2), ("已办结", 1)]
        assert panel.extra["too_few"]
        section = contributions.archive_section(deputy, YEAR)
    assert isinstance(section, ArchiveSection) and section.title == "联系选民情况" and section.order == 20
    assert section.rows == [(f"{YEAR}年{TODAY.month}月{TODAY.day}日", "问计", "村民委员会会议室", 31, "建议加强交通管理。")]
    assert "少于每年至少 2 次" in text(client.get(f"/workspace/?year={YEAR}"))
    assert "联系选民情况" in text(client.get(f"/workspace/archive?year={YEAR}"))
    document = docx.Document(io.BytesIO(client.get(f"/workspace/archive.docx?year={YEAR}").data))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert "村民委员会会议室" in cells and "建议加强交通管理。" in cells


def test_no_panel_or_section_for_a_cppcc_member(app, make_deputy):
    member = make_deputy(kind=DeputyKind.CPPCC)
    with app.test_request_context():
        assert contributions.deputy_panel(member, YEAR) is None
        assert contributions.archive_section(member, YEAR) is None


# --- the staff list at a province's scale: paged, searched, a constant number of queries --------------------------

def _staff_queries(client, url: str) -> tuple[int, str]:
    with sql_statements() as sent:
        response = client.get(url)
    assert response.status_code == 200
    return len(sent), text(response)


@pytest.mark.parametrize("app_config", [{"PAGE_SIZE": 3}])
def test_staff_list_pages_with_the_counts_of_every_page_and_a_constant_query_count(
        client, login_as, make_user, make_deputy, court):
    names = [f"代表{chr(0x7532 + n)}" for n in range(8)]  # 代表甲… sorted by pinyin as made
    deputies = [make_deputy(name=name) for name in names]
    for d in deputies[:5]:
        make_user(Role.DEPUTY, deputy=d)
    for d in deputies[5:]:  # three with enough contacts: they come last
        contact(d, court), contact(d, court, held_on=date(YEAR, 1, 2))
    letter(deputies[0], court), letter(deputies[0], court), letter(deputies[0], court, received_on=date(YEAR - 1, 5, 1))
    login_as(Role.LIAISON)

    queries, page = _staff_queries(client, f"/voters/?year={YEAR}")
    assert "在任人大代表 8 人 · 少于 2 次 5 人 · 未开通账号 3 人" in page and "共 <strong>8</strong> 条" in page
    assert page.count("<tr class=") == 3 and "下一页" in page and "上一页" not in page
    row = page[page.index(deputies[0].name):]
    assert "2 件" in row[:row.index("</tr>")]  # this year's letters only
    link = re.search(r'href="(/voters/\?[^"]*page=2[^"]*)"', page).group(1).replace("&amp;", "&")
    second_queries, second = _staff_queries(client, link)
    assert "第 2 页" in second and "在任人大代表 8 人 · 少于 2 次 5 人" in second and "上一页" in second
    last = re.search(r'href="(/voters/\?[^"]*page=3[^"]*)"', second).group(1).replace("&amp;", "&")
    third_queries, third = _staff_queries(client, last)
    shown = [n for p in (page, second, third) for n in names if n in p[p.index("voter-deputies"):]]
    assert sorted(shown) == sorted(names) and len(shown) == 8  # every deputy once, across the pages
    assert third.count('class="table-warning too-few"') == 0 and "下一页" not in third
    assert second_queries == queries and third_queries == queries  # the same on every page

    for n in range(20):  # more deputies, contacts, letters and accounts: no more queries
        d = make_deputy(name=f"新增代表{n}")
        make_user(Role.DEPUTY, deputy=d)
        contact(d, court), letter(d, court)
    assert _staff_queries(client, f"/voters/?year={YEAR}")[0] == queries
    assert _staff_queries(client, link)[0] == queries


def test_staff_list_searches_and_answers_the_results_alone_to_htmx(client, login_as, make_deputy):
    make_deputy(name="张三丰"), make_deputy(name="李四光")
    login_as(Role.LEADER)
    page = text(client.get("/voters/?q=zsf", headers={"HX-Request": "true", "HX-Target": "results"}))
    assert "<html" not in page and "张三丰" in page and "李四光" not in page and "在任人大代表 1 人" in page
    page = text(client.get("/voters/?q=没有这个人"))
    assert "没有找到" in page and "<html" in page
    # a page number past the end (the list shrank) shows the first page
    assert "张三丰" in text(client.get("/voters/?page=50&cursor=50"))
