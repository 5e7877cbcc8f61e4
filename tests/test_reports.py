"""The monthly briefing and the quarterly report (portal/reports): records built by hand in two courts (the
intermediate court A and the basic court B below it) and a third court C that must not leak in; the documents'
sentences carry exactly the dashboard's figures (read back from the .docx), the meeting-day rule, what is still
open by department, the next month's and next quarter's entries, the command line's copy, bad parameters,
what a handler sees, constant queries."""
import io
import re
from datetime import date, datetime, time

import docx
import pytest

from portal import clock
from portal.activities.models import Activity, ActivityDeputy, ActivityKind
from portal.auth.models import CourtLevel, Role
from portal.duty.models import DutySession
from portal.extensions import db
from portal.hearings.models import CaseType, Hearing, HearingInvitation, HearingStatus, InvitationStatus
from portal.items.models import Item, ItemKind, ItemState, Rating
from portal.reception.models import Channel, Reception, ReceptionDeputy
from portal.register.models import DeputyKind, DeputyLevel
from portal.reports.services import Month, Quarter, meeting_day, parse_month, parse_quarter
from tests.conftest import log_in, sql_statements

YEAR = clock.today().year - 1  # a year that is over: March's figures are read "as of" 31 March
MONTH = f"{YEAR}-03"


def at(day: date, hour: int = 10) -> datetime:
    return clock.from_local(datetime.combine(day, time(hour)))


def d(month: int, day: int, year: int = YEAR) -> date:
    return date(year, month, day)


# --- the meeting day and the periods -------------------------------------------------------------------------

@pytest.mark.parametrize(("month", "meeting"), [
    (Month(2025, 3), date(2025, 4, 22)),  # 15 April 2025 is a Tuesday: "after the 15th" is the next one
    (Month(2025, 8), date(2025, 9, 16)),  # 16 September 2025 is a Tuesday: the first day that can be
    (Month(2025, 12), date(2026, 1, 20)),  # December's meeting is in January of the next year
    (Month(2026, 11), date(2026, 12, 22)),
])
def test_the_meeting_is_the_first_tuesday_strictly_after_the_15th_of_the_next_month(month, meeting):
    assert meeting_day(month) == meeting


def test_every_meeting_falls_on_a_tuesday_between_the_16th_and_the_22nd():
    for index in range(2024 * 12, 2030 * 12):
        month = Month(index // 12, index % 12 + 1)
        day = meeting_day(month)
        assert day.weekday() == 1 and 16 <= day.day <= 22 and (day.year, day.month) == (
            month.shift(1).year, month.shift(1).number)


def test_months_and_quarters_parse_or_say_what_is_wrong(app):
    assert parse_month("2025-03") == (Month(2025, 3), "")
    assert parse_month("")[0] == Month(clock.today().year, clock.today().month).shift(-1)
    for bad in ("2025-13", "2025-3", "abc", "2025-03-01", "１２３４-05", "²025-01"):
        month, problem = parse_month(bad)
        assert month is None and "月份应写作" in problem
    assert "2000年" in parse_month("1999-12")[1]
    assert "尚未开始" in parse_month(f"{clock.today().year + 1}-01")[1]
    assert parse_quarter("2025", "4") == (Quarter(2025, 4), "")
    assert parse_quarter("2025", "5")[0] is None and parse_quarter("20x5", "1")[0] is None
    assert Quarter(2025, 1).shift(-1) == Quarter(2024, 4) and Quarter(2025, 4).last == date(2025, 12, 31)


# --- the records ---------------------------------------------------------------------------------------------

@pytest.fixture
def world(app, court, make_court, make_user, make_deputy, make_department):
    """A (intermediate) and B (basic, below it) with March's records and May's plans; C (another city's) with its
    own, which A's staff do not see."""
    b = make_court(code="b", name="某某区人民法院", parent=court, level=CourtLevel.BASIC)
    c = make_court(code="c", name="另一市中级人民法院")
    civil, criminal = make_department("民一庭"), make_department("刑一庭")
    b_civil, c_civil = make_department("民一庭", court=b), make_department("民一庭", court=c)
    judge = make_user(Role.HANDLER, display_name="张法官", department=civil)
    d1, d3 = make_deputy(name="甲代表"), make_deputy(name="丙代表")
    d2 = make_deputy(name="乙委员", kind=DeputyKind.CPPCC, group_name="经济界")
    numbers = iter(range(1, 100))

    def item(court_, title, kind, received, department, *, deadline=None, answered=None, closed=None, rating=None,
             handler=None):
        db.session.add(Item(
            court_id=court_.id, number=f"T-{next(numbers)}", kind=kind, title=title, received_on=received,
            department_id=department.id, deadline=deadline, answered_on=answered,
            answered_at=at(answered) if answered else None, closed_at=at(closed) if closed else None,
            rating=rating, rated_at=at(closed) if rating else None, handler_id=handler.id if handler else None,
            state=ItemState.CLOSED if closed else (ItemState.ANSWERED if answered else ItemState.ASSIGNED)))

    item(court, "甲院三月建议按期", ItemKind.SUGGESTION, d(3, 2), civil, deadline=d(4, 1), answered=d(3, 20),
         closed=d(3, 25), rating=Rating.SATISFIED)
    item(court, "甲院三月来信超期", ItemKind.LETTER, d(3, 5), civil, deadline=d(3, 20), handler=judge)
    item(court, "甲院五月到期案件", ItemKind.CONCERNED_CASE, d(3, 28), civil, deadline=d(5, 10), handler=judge)
    item(court, "甲院二月交办在办", ItemKind.REFERRAL, d(2, 10), criminal, deadline=d(4, 30))
    item(court, "甲院一月已结", ItemKind.PROPOSAL, d(1, 5), criminal, deadline=d(2, 5), answered=d(1, 30),
         closed=d(2, 1))
    item(court, "甲院上年一季度建议", ItemKind.SUGGESTION, d(2, 1, YEAR - 1), civil, answered=d(2, 20, YEAR - 1),
         closed=d(2, 25, YEAR - 1))
    item(b, "乙院三月建议超期", ItemKind.SUGGESTION, d(3, 8), b_civil, deadline=d(3, 15))
    item(c, "丙院三月建议超期", ItemKind.SUGGESTION, d(3, 3), c_civil, deadline=d(3, 10))

    def visit(court_, subject, day, deputies, others=0):
        reception = Reception(court_id=court_.id, received_at=at(day), channel=Channel.VISIT, subject=subject,
                              other_count=others, other_visitors="、".join(["群众"] * others))
        reception.deputy_links = [ReceptionDeputy(deputy_id=p.id) for p in deputies]
        db.session.add(reception)

    visit(court, "甲院三月来访", d(3, 10), [d1, d2], others=1)
    visit(b, "乙院三月来访", d(3, 12), [d3])
    visit(c, "丙院三月来访", d(3, 12), [d1, d3])

    def hearing(court_, number, day, status, invitations=()):
        row = Hearing(court_id=court_.id, case_number=number, cause="民间借贷纠纷", case_type=CaseType.CIVIL,
                      presiding_judge="李明", court_room="第一法庭", starts_at=at(day, 9), ends_at=at(day, 11),
                      status=status)
        row.invitations = [HearingInvitation(deputy_id=p.id, status=s) for p, s in invitations]
        db.session.add(row)

    hearing(court, f"（{YEAR}）某01民初1号", d(3, 15), HearingStatus.HELD,
            [(d1, InvitationStatus.ATTENDED), (d2, InvitationStatus.DECLINED)])
    hearing(court, f"（{YEAR}）某01民初5号", d(5, 20), HearingStatus.SCHEDULED)
    hearing(c, f"（{YEAR}）某02民初6号", d(5, 21), HearingStatus.SCHEDULED)

    def activity(court_, title, day, kind, deputies=()):
        row = Activity(court_id=court_.id, held_on=day, kind=kind, title=title, place="会议室")
        row.deputy_links = [ActivityDeputy(deputy_id=p.id) for p in deputies]
        db.session.add(row)

    activity(court, "甲院三月座谈会", d(3, 20), ActivityKind.FORUM, [d1])
    activity(court, "甲院四月走访", d(4, 10), ActivityKind.VISIT)
    activity(court, "甲院五月视察", d(5, 8), ActivityKind.INSPECTION)
    activity(c, "丙院五月座谈会", d(5, 8), ActivityKind.FORUM)
    db.session.add(DutySession(court_id=b.id, year=YEAR, level=DeputyLevel.CITY, term="第十六届",
                               group_name="城区代表组", held_on=d(5, 15), place="社区活动室"))
    db.session.commit()
    return {"a": court, "b": b, "c": c, "liaison": make_user(Role.LIAISON), "judge": judge,
            "scope": {"court": str(court.id), "scope": "lower"}}


def page(client, url, status=200, **args) -> str:
    response = client.get(url, query_string=args or None)
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    return response.get_data(as_text=True)


def word(client, url, **args) -> docx.document.Document:
    response = client.get(url, query_string=args)
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    assert response.mimetype.endswith("wordprocessingml.document")
    return docx.Document(io.BytesIO(response.data))


def text_of(document) -> str:
    return "\n".join(p.text for p in document.paragraphs)


def table_with(document, header: str) -> list[list[str]]:
    table = next(t for t in document.tables if header in [c.text for c in t.rows[0].cells])
    return [[c.text for c in row.cells] for row in table.rows]


def dashboard_total(html: str, group: str, key: str) -> str:
    section = html.split(f'id="group-{group}"', 1)[1].split("</section>", 1)[0]
    row = re.search(rf'<tr data-figure="{key}">(.*?)</tr>', section, re.S).group(1)
    return re.sub(r"<[^>]+>", "", re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[-1]).strip()


def figure_link(html: str, group: str, key: str) -> str:
    section = html.split(f'id="group-{group}"', 1)[1].split("</section>", 1)[0]
    row = re.search(rf'<tr data-figure="{key}">(.*?)</tr>', section, re.S).group(1)
    return re.findall(r'href="([^"]+)"', row)[-1]


@pytest.fixture
def office(client, world):
    log_in(client, world["liaison"].username)
    return client


@pytest.fixture
def briefing_doc(office, world):
    return word(office, "/reports/briefing.docx", month=MONTH, **world["scope"])


# --- the briefing --------------------------------------------------------------------------------------------

def test_the_briefings_sentences_carry_the_dashboards_figures(office, world, briefing_doc):
    text = text_of(briefing_doc)
    board = page(office, "/", **{"from": f"{YEAR}-03-01", "to": f"{YEAR}-03-31"}, **world["scope"])
    quoted = {(group, key): dashboard_total(board, group, key) for group, key in (
        ("items", "received"), ("items", "closed"), ("items", "closed_rate"), ("items", "open"),
        ("items", "overdue"), ("reception", "persons"), ("reception", "visits"), ("hearings", "attended"),
        ("activities", "activities"))}
    # counted by hand: A's four of March and B's one; A's visit of three and B's of one; one hearing
    assert quoted == {("items", "received"): "4", ("items", "closed"): "1", ("items", "closed_rate"): "25%",
                      ("items", "open"): "3", ("items", "overdue"): "2", ("reception", "persons"): "4",
                      ("reception", "visits"): "2", ("hearings", "attended"): "1", ("activities", "activities"): "1"}
    assert (f"3月，共受理代表建议、委员提案及交办督办件、来信、关注案件{quoted['items', 'received']}件"
            "（其中建议、提案2件，交办督办件、来信、关注案件2件），"
            f"截至{YEAR}年3月31日已办结{quoted['items', 'closed']}件，办结率为{quoted['items', 'closed_rate']}，"
            f"剩余{quoted['items', 'open']}件正在办理") in text
    assert f"超期未答复{quoted['items', 'overdue']}件。" in text
    assert (f"共接待来访的人大代表、政协委员{quoted['reception', 'persons']}人次（{quoted['reception', 'visits']}次），"
            "其中人大代表2人次、政协委员1人次、其他来访人员1人次。") in text
    assert "旁听1起案件的庭审，邀请2人次，实到1人次，出席率为50%，因故谢绝1人次。" in text
    assert "共开展联络活动1次，代表委员参加1人次，其中座谈会1次。" in text
    assert f"例会时间：{YEAR}年4月{meeting_day(Month(YEAR, 3)).day}日（星期二）" in text
    assert "某某市中级人民法院及下级法院" in text and f"（{YEAR}年3月1日至{YEAR}年3月31日）" in text
    figures = table_with(briefing_doc, "类别")
    assert figures[0] == ["类别", "项目", "某某市中级", "某某区", "合计"]
    assert ["交办督办件", "受理", "3", "1", "4"] in figures


def test_the_other_court_does_not_leak(briefing_doc):
    everything = text_of(briefing_doc) + "".join(c.text for t in briefing_doc.tables for r in t.rows for c in r.cells)
    assert "甲院三月来信超期" in everything and "乙院三月建议超期" in everything
    assert "丙院" not in everything and "另一市" not in everything and "某02民初6号" not in everything


def test_what_is_still_open_is_listed_by_department_with_deadline_and_handler(briefing_doc):
    assert f"截至{YEAR}年3月31日，受理的件中尚未办结4件，其中超期未答复2件。" in text_of(briefing_doc)
    assert table_with(briefing_doc, "尚未办结（件）") == [
        ["承办部门", "尚未办结（件）", "其中超期（件）"], ["某某市中级 · 民一庭", "2", "1"],
        ["某某市中级 · 刑一庭", "1", "0"], ["某某区 · 民一庭", "1", "1"], ["合计", "4", "2"]]
    rows = table_with(briefing_doc, "承办人")
    assert [(r[1], r[3], r[4], r[5], r[6]) for r in rows[1:]] == [
        ("某某市中级 · 民一庭", "来信《甲院三月来信超期》", "张法官", f"{YEAR}年3月20日", "超期"),
        ("某某市中级 · 民一庭", "关注案件《甲院五月到期案件》", "张法官", f"{YEAR}年5月10日", "在办"),
        ("某某市中级 · 刑一庭", "交办件《甲院二月交办在办》", "未指定", f"{YEAR}年4月30日", "在办"),
        ("某某区 · 民一庭", "代表建议《乙院三月建议超期》", "未指定", f"{YEAR}年3月15日", "超期")]


def test_the_meeting_plans_the_month_after_its_own(briefing_doc):
    """The March briefing is heard in April and plans May: April's activity is not in it, May's entries are."""
    assert f"三、{YEAR}年5月工作安排" in text_of(briefing_doc)
    rows = table_with(briefing_doc, "地点")
    assert [(r[0], r[2], r[3]) for r in rows[1:]] == [
        ("5月8日", "视察", "甲院五月视察"), ("5月10日", "办理期限", "T-3《甲院五月到期案件》"),
        ("5月15日", "述职会", "城区代表组代表述职会（计划中）"), ("5月20日", "庭审", f"（{YEAR}）某01民初5号 民间借贷纠纷")]
    assert rows[4][1] == "09:00" and rows[2][1] == "全天" and rows[3][5] == "某某区"


def test_the_page_shows_the_meeting_and_links_each_figure_like_the_dashboard(office, world):
    html = page(office, "/reports/briefing", month=MONTH, **world["scope"])
    board = page(office, "/", **{"from": f"{YEAR}-03-01", "to": f"{YEAR}-03-31"}, **world["scope"])
    assert f"{YEAR}年4月{meeting_day(Month(YEAR, 3)).day}日（星期二）" in html
    assert "某某市中级人民法院（含下级法院）" in html and f"{YEAR}年3月1日至{YEAR}年3月31日" in html
    for group, key in (("items", "received"), ("items", "overdue"), ("reception", "persons"), ("hearings", "held")):
        assert figure_link(html, group, key) == figure_link(board, group, key)
    open_list = page(office, re.search(r'id="departments".*?<tfoot>.*?href="([^"]+)"', html, re.S).group(1)
                     .replace("&amp;", "&"))
    assert {t for t in ("甲院三月来信超期", "甲院五月到期案件", "甲院二月交办在办", "乙院三月建议超期", "甲院一月已结")
            if t in open_list} == {"甲院三月来信超期", "甲院五月到期案件", "甲院二月交办在办", "乙院三月建议超期"}
    assert "甲院五月视察" in html and "丙院" not in html
    assert "style=" not in html.split('id="report"', 1)[1]


def test_the_page_defaults_to_last_month_and_htmx_swaps_the_report(office, world):
    last = Month(clock.today().year, clock.today().month).shift(-1)
    assert f"{last.label}代表委员联络工作通报" in page(office, "/reports/briefing")
    response = office.get("/reports/briefing", query_string={"month": MONTH},
                          headers={"HX-Request": "true", "HX-Target": "report"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html and f"{YEAR}年3月代表委员联络工作通报" in html


def test_a_handler_sees_only_what_their_board_shows(app, world):
    client = app.test_client()
    log_in(client, world["judge"].username)
    document = word(client, "/reports/briefing.docx", month=MONTH)
    text = text_of(document)
    assert "受理代表建议、委员提案及交办督办件、来信、关注案件3件" in text  # 民一庭's three of March
    listed = [r[3] for r in table_with(document, "承办人")[1:]]
    assert listed == ["来信《甲院三月来信超期》", "关注案件《甲院五月到期案件》"]
    assert "甲院二月交办在办" not in text + "".join(c.text for t in document.tables for r in t.rows for c in r.cells)


def test_a_deputy_gets_no_report(client, login_as):
    login_as(Role.DEPUTY)
    for url in ("/reports/briefing", "/reports/briefing.docx", "/reports/quarterly", "/reports/quarterly.docx"):
        assert client.get(url).status_code == 403


def test_bad_parameters_are_said_not_answered_500(office):
    for month in ("2025-13", "abc", "1999-12", f"{clock.today().year + 1}-01"):
        html = page(office, "/reports/briefing", status=422, month=month)
        assert 'class="alert alert-danger' in html
        assert office.get("/reports/briefing.docx", query_string={"month": month}).status_code == 400
    for args in ({"year": "abcd"}, {"quarter": "5"}, {"year": "1999", "quarter": "1"}, {"year": "99999"}):
        assert "alert-danger" in page(office, "/reports/quarterly", status=422, **args)
        assert office.get("/reports/quarterly.docx", query_string=args).status_code == 400


# --- the command line ----------------------------------------------------------------------------------------

def everything(document) -> list[str]:
    return [p.text for p in document.paragraphs] + [c.text for t in document.tables for r in t.rows for c in r.cells]


def test_the_command_line_writes_the_same_briefing(app, world, briefing_doc, tmp_path):
    path = tmp_path / "通报.docx"
    result = app.test_cli_runner().invoke(args=["export", "briefing", "--month", MONTH, "--court", "main",
                                                "--with-lower", "-o", str(path)])
    assert result.exit_code == 0, result.output
    assert "例会" in result.output and everything(docx.Document(str(path))) == everything(briefing_doc)


def test_the_command_line_says_what_is_wrong(app, world, tmp_path):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["export", "briefing", "--month", "2025-13", "-o", str(tmp_path / "x.docx")])
    assert result.exit_code != 0 and "月份应写作" in result.output
    result = runner.invoke(args=["export", "quarterly", "--year", str(YEAR), "--quarter", "5",
                                 "-o", str(tmp_path / "x.docx")])
    assert result.exit_code != 0 and "季度应为" in result.output
    result = runner.invoke(args=["export", "briefing", "--month", MONTH, "-o", str(tmp_path / "x.txt")])
    assert result.exit_code != 0 and ".docx" in result.output


# --- the quarterly report ------------------------------------------------------------------------------------

@pytest.fixture
def quarterly_doc(office, world):
    return word(office, "/reports/quarterly.docx", year=str(YEAR), quarter="1", **world["scope"])


def test_the_quarterly_report_compares_with_last_year_and_the_year_to_date(office, world, quarterly_doc):
    text = text_of(quarterly_doc)
    board = page(office, "/", **{"from": f"{YEAR}-01-01", "to": f"{YEAR}-03-31"}, **world["scope"])
    received = dashboard_total(board, "items", "received")
    assert received == "6"  # A's five of the quarter and B's one
    assert f"本季度，共受理代表建议、委员提案及交办督办件、来信、关注案件{received}件" in text
    assert "受理件数较上年同期增加5件，年初至今累计6件。" in text  # one in the first quarter of last year
    rows = table_with(quarterly_doc, "上年同期")
    assert ["交办督办件", "受理", "6", "1", "增加5", "6"] in rows
    assert "院代表委员联络工作领导小组：" in text and f"{YEAR}年第一季度代表委员联络工作情况汇报" in text


def test_the_quarterly_report_names_the_overdue_by_department_and_plans_the_next_quarter(quarterly_doc, world):
    text = text_of(quarterly_doc)
    assert f"截至{YEAR}年3月31日，尚有2件超期未答复（某某市中级 · 民一庭1件、某某区 · 民一庭1件）" in text
    listed = [r[3] for r in table_with(quarterly_doc, "承办人")[1:]]
    assert listed == ["来信《甲院三月来信超期》", "代表建议《乙院三月建议超期》"]
    assert f"三、{YEAR}年第二季度工作安排" in text
    planned = [r[3] for r in table_with(quarterly_doc, "地点")[1:]]
    assert planned[:2] == ["甲院四月走访", "T-4《甲院二月交办在办》"] and "甲院五月视察" in planned
    assert not any("丙院" in t for t in everything(quarterly_doc))


def test_the_quarterly_page_and_the_command_line(app, office, world, quarterly_doc, tmp_path):
    html = page(office, "/reports/quarterly", year=str(YEAR), quarter="1", **world["scope"])
    assert f"{YEAR}年第一季度" in html and "增加5" in html and "某某市中级人民法院（含下级法院）" in html
    path = tmp_path / "季度.docx"
    result = app.test_cli_runner().invoke(args=["export", "quarterly", "--year", str(YEAR), "--quarter", "1",
                                                "--court", "main", "--with-lower", "-o", str(path)])
    assert result.exit_code == 0, result.output
    assert everything(docx.Document(str(path))) == everything(quarterly_doc)


# --- constant queries --------------------------------------------------------------------------------------------

def test_the_reports_take_constant_queries(office, world, make_deputy):
    def count(url, **args) -> int:
        with sql_statements() as sent:
            page(office, url, **args)
        return len(sent)

    urls = [("/reports/briefing", {"month": MONTH, **world["scope"]}),
            ("/reports/quarterly", {"year": str(YEAR), "quarter": "1", **world["scope"]})]
    before = [count(url, **args) for url, args in urls]
    deputy = make_deputy(name="戊代表")
    for n in range(6):  # more of everything, in both courts, and more of it open and planned
        for court in (world["a"], world["b"]):
            reception = Reception(court_id=court.id, received_at=at(d(3, n + 1)), channel=Channel.VISIT,
                                  subject=f"加{n}")
            reception.deputy_links = [ReceptionDeputy(deputy_id=deputy.id)]
            db.session.add(reception)
            db.session.add(Item(court_id=court.id, number=f"X-{court.id}-{n}", kind=ItemKind.LETTER,
                                title=f"加{n}", received_on=d(3, n + 1), deadline=d(5, n + 1),
                                state=ItemState.ASSIGNED, handler_id=world["judge"].id))
            db.session.add(Activity(court_id=court.id, held_on=d(5, n + 1), kind=ActivityKind.REVIEW,
                                    title="评议", place="会议室"))
    db.session.commit()
    assert [count(url, **args) for url, args in urls] == before
