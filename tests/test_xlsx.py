"""Every list's Excel export, read back with openpyxl: the shared writer (portal.documents.xlsx), then each list's
download with its filters, court scope and roles, and the command line writing .xlsx by the file's suffix."""
import io
import zipfile
from datetime import date, datetime, timezone

import pytest
from openpyxl import load_workbook

from portal.auth.models import CourtLevel, Role
from portal.documents.xlsx import MAX_CELL, PERCENT, WIDTH_SAMPLE, Sheet, build_workbook
from portal.duty.models import DutyReport, ReportKind, ReportState
from portal.extensions import db
from portal.hearings.models import CaseType, Hearing, HearingInvitation, HearingStatus, InvitationStatus
from portal.items.models import ItemKind, ItemOrigin, ItemState, Rating
from portal.items.services import create_item
from portal.reception.models import Channel, Reception, ReceptionDeputy

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FIRST_HALF = "from=2025-01-01&to=2025-06-30"
PERIOD_TITLE = "2025年1月1日至2025年6月30日"


def reopen(data: bytes):
    return load_workbook(io.BytesIO(data))


def sheet_xml(data: bytes, number: int = 1) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(f"xl/worksheets/sheet{number}.xml").decode()


def by_header(sheet, header_row: int = 2) -> list[dict]:
    """The data rows as {header: cell}."""
    headers = [c.value for c in sheet[header_row]]
    return [dict(zip(headers, row)) for row in sheet.iter_rows(min_row=header_row + 1)]


def download(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    assert response.mimetype == XLSX_TYPE
    assert ".xlsx" in response.headers["Content-Disposition"]
    return reopen(response.data), response.data


def assert_layout(sheet, title_words: list[str]) -> None:
    """A title row naming the court(s) and period, a frozen header and an autofilter over header and data."""
    title = sheet["A1"].value
    assert all(word in title for word in title_words), title
    assert sheet["A1"].font.b and all(c.font.b for c in sheet[2] if c.value)
    assert sheet.freeze_panes == "A3"
    last = sheet.max_column
    assert sheet.auto_filter.ref.startswith("A2:") and sheet.auto_filter.ref.endswith(str(sheet.max_row))
    assert sheet[2][last - 1].value  # the filter spans every header
    assert sheet.print_title_rows == "$2:$2"


# --- the shared writer ----------------------------------------------------------------------------------------------

def test_writer_keeps_text_as_text_and_formulas_unevaluated():
    rows = [["13900000001", "（2025）某01民初1号", "=1+1", 3, date(2025, 3, 1)],
            ["+8613900000001", "@SUM(A1)", "-1", 0.5, datetime(2025, 3, 1, 14, 30)],
            ["\t=cmd", "备注\x01\x0b完\ufffe", "", None, True]]
    data = build_workbook([Sheet("名单", ["手机", "案号", "备注", "人次", "日期"], rows, formats={"人次": PERCENT})],
                          title="某某市中级人民法院 名单（2025年）")
    sheet = reopen(data).active

    assert sheet["A1"].value == "某某市中级人民法院 名单（2025年）"
    assert [c.value for c in sheet[2]] == ["手机", "案号", "备注", "人次", "日期"]
    assert sheet.freeze_panes == "A3" and sheet.auto_filter.ref == "A2:E5"
    mobile, case_number, formula = sheet["A3"], sheet["B3"], sheet["C3"]
    assert (mobile.value, mobile.data_type, mobile.number_format) == ("13900000001", "s", "@")
    assert (case_number.value, case_number.data_type) == ("（2025）某01民初1号", "s")
    for cell, text in ((formula, "=1+1"), (sheet["B4"], "@SUM(A1)"), (sheet["A4"], "+8613900000001"),
                       (sheet["C4"], "-1"), (sheet["A5"], "\t=cmd")):
        assert (cell.value, cell.data_type) == (text, "s"), cell.coordinate
        assert cell.quotePrefix  # as Excel stores '=1+1: editing the cell does not evaluate it either
    assert "<f>" not in sheet_xml(data)  # no formula anywhere in the file
    assert not sheet["A3"].quotePrefix
    assert sheet["B5"].value == "备注完"  # control characters dropped, the rest kept
    assert (sheet["D3"].value, sheet["D3"].data_type) == (3, "n") and sheet["D4"].number_format == PERCENT
    assert sheet["E3"].value == datetime(2025, 3, 1) and sheet["E3"].number_format == "yyyy-mm-dd"
    assert sheet["E4"].value == datetime(2025, 3, 1, 14, 30) and sheet["E4"].number_format == "yyyy-mm-dd hh:mm"
    assert sheet["E5"].value == "是"
    assert sheet["C5"].value is None and sheet["C5"].number_format == "@"  # blank, typed into later as text
    widths = {letter: d.width for letter, d in sheet.column_dimensions.items()}
    assert all(8 <= w <= 40 for w in widths.values()) and widths["B"] > widths["D"]


def test_writer_without_title_starts_with_the_header_and_cuts_overlong_text():
    data = build_workbook([Sheet("甲", ["内容"], [["长" * (MAX_CELL + 10)]]), Sheet("乙", ["空"], [])])
    workbook = reopen(data)
    first, second = workbook.worksheets
    assert first["A1"].value == "内容" and first.freeze_panes == "A2" and first.auto_filter.ref == "A1:A2"
    assert len(first["A2"].value) == MAX_CELL and first["A2"].value.endswith("…")
    assert second.title == "乙" and second.max_row == 1 and second.auto_filter.ref == "A1:A1"


def test_writer_takes_rows_as_they_are_made_and_fits_the_columns_to_the_first_thousand():
    def rows():  # a generator: the writer holds the first WIDTH_SAMPLE rows, and writes the rest as they come
        for n in range(WIDTH_SAMPLE + 1500):
            yield [n, "窄" if n < WIDTH_SAMPLE else "很宽的说明文字" * 5]

    sheet = reopen(build_workbook([Sheet("长表", ["序号", "说明"], rows())])).worksheets[0]
    assert sheet.max_row == WIDTH_SAMPLE + 1501 and sheet.auto_filter.ref == f"A1:B{WIDTH_SAMPLE + 1501}"
    assert sheet[f"B{WIDTH_SAMPLE + 1501}"].value == "很宽的说明文字" * 5
    assert sheet.column_dimensions["B"].width == 8  # the header's width: the wide rows came after the sample


# --- the lists ------------------------------------------------------------------------------------------------------

@pytest.fixture
def two_courts(app, court, make_court, make_user, make_deputy, make_department):
    """The intermediate court and a basic court below it; a deputy with a mobile; a liaison and a handler."""
    basic = make_court(code="basic", name="某某区人民法院", parent=court, level=CourtLevel.BASIC)
    civil, criminal = make_department("民一庭"), make_department("刑一庭")
    deputy = make_deputy(name="张三", mobile="13900000001")
    other = make_deputy(name="李四", mobile="13900000002")
    return {"court": court, "basic": basic, "civil": civil, "criminal": criminal, "deputy": deputy, "other": other,
            "liaison": make_user(Role.LIAISON), "handler": make_user(Role.HANDLER, department=civil)}


def _log_in(client, user):
    from tests.conftest import log_in

    assert log_in(client, user.username).status_code == 302


def _reception(court_id, at, subject, deputies, **kw):
    reception = Reception(court_id=court_id, received_at=at, channel=kw.pop("channel", Channel.VISIT), place="联络之家",
                          subject=subject, **kw)
    reception.deputy_links = [ReceptionDeputy(deputy_id=d.id) for d in deputies]
    db.session.add(reception)
    return reception


def test_reception_log_export(client, two_courts):
    c = two_courts
    _reception(c["court"].id, datetime(2025, 3, 1, 6, 30, tzinfo=timezone.utc), "=1+1", [c["deputy"]],
               content="谈话\x02内容", requests="@SUM(A1)", other_visitors="王五", other_count=1)
    _reception(c["court"].id, datetime(2025, 8, 1, 6, 30, tzinfo=timezone.utc), "下半年来访", [c["deputy"]])
    _reception(c["basic"].id, datetime(2025, 4, 1, 6, 30, tzinfo=timezone.utc), "区院来访", [c["other"]])
    db.session.commit()
    _log_in(client, c["liaison"])

    page = client.get(f"/reception/?{FIRST_HALF}").get_data(as_text=True)
    assert "导出 Excel" in page and "/reception/export.xlsx?" in page
    workbook, data = download(client, f"/reception/export.xlsx?{FIRST_HALF}&court={c['court'].id}&scope=own")
    sheet = workbook.active
    assert_layout(sheet, ["某某市中级人民法院", "来访接待", PERIOD_TITLE])
    rows = by_header(sheet)
    assert [r["事由"].value for r in rows] == ["=1+1"]  # the second half and the basic court's visit are absent
    row = rows[0]
    assert row["事由"].data_type == "s" and "<f>" not in sheet_xml(data)
    assert (row["反映诉求"].value, row["反映诉求"].data_type) == ("@SUM(A1)", "s")
    assert (row["手机号码"].value, row["手机号码"].data_type, row["手机号码"].number_format) == ("13900000001", "s", "@")
    assert row["谈话内容"].value == "谈话内容"  # the control character is dropped, the text exported
    assert row["接待时间"].value == datetime(2025, 3, 1, 14, 30)  # Beijing time
    assert (row["来访代表委员"].value, row["其他来访人员"].value, row["人次"].value) == ("张三", "王五", 2)

    both = by_header(download(client, f"/reception/export.xlsx?{FIRST_HALF}&scope=lower")[0].active)
    assert sorted(r["事由"].value for r in both) == ["=1+1", "区院来访"]
    assert {r["法院"].value for r in both} == {"某某市中级人民法院", "某某区人民法院"}


def test_reception_filters_are_those_of_the_list(client, two_courts):
    c = two_courts
    _reception(c["court"].id, datetime(2025, 3, 1, 6, 30, tzinfo=timezone.utc), "张三来访", [c["deputy"]])
    _reception(c["court"].id, datetime(2025, 3, 2, 6, 30, tzinfo=timezone.utc), "李四来访", [c["other"]],
               channel=Channel.PHONE)
    db.session.commit()
    _log_in(client, c["liaison"])
    rows = by_header(download(client, f"/reception/export.xlsx?{FIRST_HALF}&deputy={c['deputy'].id}")[0].active)
    assert [r["事由"].value for r in rows] == ["张三来访"]
    rows = by_header(download(client, f"/reception/export.xlsx?{FIRST_HALF}&channel=phone")[0].active)
    assert [(r["事由"].value, r["方式"].value) for r in rows] == [("李四来访", "来电")]
    assert client.get("/reception/export.xlsx?from=2025-12-31&to=2025-01-01").status_code == 400


def _hearing(court_id, starts, number, **kw):
    hearing = Hearing(court_id=court_id, case_number=number, cause="民间借贷纠纷", case_type=CaseType.CIVIL,
                      presiding_judge="李明", court_room="第一法庭", starts_at=starts,
                      ends_at=starts.replace(hour=starts.hour + 2), invite_reason="群众关注",
                      status=kw.pop("status", HearingStatus.HELD), **kw)
    db.session.add(hearing)
    db.session.flush()
    return hearing


def test_hearings_and_invitations_export(client, two_courts):
    c = two_courts
    held = _hearing(c["court"].id, datetime(2025, 3, 3, 1, 30, tzinfo=timezone.utc), "（2025）某01民初1号",
                    department_id=c["civil"].id)
    db.session.add_all([
        HearingInvitation(hearing_id=held.id, deputy_id=c["deputy"].id, status=InvitationStatus.ATTENDED,
                          checked_in_at=datetime(2025, 3, 3, 1, 20, tzinfo=timezone.utc)),
        HearingInvitation(hearing_id=held.id, deputy_id=c["other"].id, status=InvitationStatus.DECLINED,
                          decline_reason="=出差"),
    ])
    _hearing(c["court"].id, datetime(2025, 9, 3, 1, 30, tzinfo=timezone.utc), "（2025）某01民初9号")
    lower = _hearing(c["basic"].id, datetime(2025, 3, 4, 1, 30, tzinfo=timezone.utc), "（2025）某0102民初2号")
    db.session.add(HearingInvitation(hearing_id=lower.id, deputy_id=c["other"].id, status=InvitationStatus.ACCEPTED))
    db.session.commit()
    _log_in(client, c["liaison"])

    page = client.get(f"/hearings/?when=all&{FIRST_HALF}").get_data(as_text=True)
    assert "导出 Excel" in page and "/hearings/export.xlsx?" in page
    workbook, data = download(client, f"/hearings/export.xlsx?when=all&{FIRST_HALF}&court={c['court'].id}&scope=own")
    hearings, invitations = workbook.worksheets
    assert (hearings.title, invitations.title) == ("庭审", "邀请与出席")
    for sheet in workbook.worksheets:
        assert_layout(sheet, ["某某市中级人民法院", PERIOD_TITLE])
    rows = by_header(hearings)
    assert [r["案号"].value for r in rows] == ["（2025）某01民初1号"]  # not September's, not the basic court's
    row = rows[0]
    assert row["案号"].data_type == "s" and row["案号"].number_format == "@"
    assert (row["承办部门"].value, row["状态"].value, row["邀请人数"].value, row["已出席"].value, row["已谢绝"].value) == \
        ("民一庭", "已开庭", 2, 1, 1)
    answers = {r["代表委员"].value: r for r in by_header(invitations)}
    assert set(answers) == {"张三", "李四"}
    assert answers["张三"]["答复"].value == "已出席" and answers["张三"]["签到时间"].value == datetime(2025, 3, 3, 9, 20)
    assert answers["李四"]["答复"].value == "已谢绝" and answers["李四"]["谢绝原因"].value == "=出差"
    assert answers["李四"]["谢绝原因"].data_type == "s" and "<f>" not in sheet_xml(data, 2)
    assert answers["张三"]["手机号码"].value == "13900000001" and answers["张三"]["手机号码"].data_type == "s"

    both = download(client, f"/hearings/export.xlsx?when=all&{FIRST_HALF}&scope=lower")[0]
    assert "及下级法院" in both.active["A1"].value
    assert {r["案号"].value for r in by_header(both.worksheets[0])} == {"（2025）某01民初1号", "（2025）某0102民初2号"}
    assert len(by_header(both.worksheets[1])) == 3


def test_items_export_with_figures_shows_what_the_board_shows(client, app, two_courts):
    c = two_courts
    suggestion = create_item(court_id=c["court"].id, kind=ItemKind.SUGGESTION, title="=民事建议", content="内容",
                             deputies=[c["deputy"]], origin=ItemOrigin.PORTAL, received_on=date(2025, 2, 1),
                             case_number="（2025）某01民初1号")
    suggestion.department_id, suggestion.state = c["civil"].id, ItemState.CLOSED
    suggestion.deadline, suggestion.answered_on = date(2025, 3, 1), date(2025, 2, 20)
    suggestion.closed_at = datetime(2025, 2, 25, 2, 0, tzinfo=timezone.utc)
    suggestion.rating, suggestion.rated_at = Rating.SATISFIED, datetime(2025, 2, 24, 2, 0, tzinfo=timezone.utc)
    criminal = create_item(court_id=c["court"].id, kind=ItemKind.SUGGESTION, title="刑事建议", content="内容",
                           deputies=[c["deputy"]], origin=ItemOrigin.PORTAL, received_on=date(2025, 3, 1))
    criminal.department_id, criminal.state = c["criminal"].id, ItemState.INSTRUCTED
    create_item(court_id=c["court"].id, kind=ItemKind.SUGGESTION, title="下半年建议", received_on=date(2025, 8, 1))
    create_item(court_id=c["basic"].id, kind=ItemKind.SUGGESTION, title="区院建议", received_on=date(2025, 2, 1))
    db.session.commit()
    _log_in(client, c["liaison"])

    page = client.get(f"/items/figures?{FIRST_HALF}").get_data(as_text=True)
    assert "导出 Excel" in page and "/items/export.xlsx?" in page
    workbook, data = download(client, f"/items/export.xlsx?{FIRST_HALF}&court={c['court'].id}&scope=own")
    items, figures = workbook.worksheets
    assert_layout(items, ["某某市中级人民法院", "交办督办件", PERIOD_TITLE])
    rows = {r["标题"].value: r for r in by_header(items)}
    assert set(rows) == {"=民事建议", "刑事建议"}
    row = rows["=民事建议"]
    assert row["标题"].data_type == "s" and "<f>" not in sheet_xml(data)
    assert row["相关案号"].value == "（2025）某01民初1号" and row["相关案号"].data_type == "s"
    assert row["登记编号"].data_type == "s" and "2025-" in row["登记编号"].value
    assert (row["承办部门"].value, row["评价"].value, row["收件日期"].value) == ("民一庭", "满意", datetime(2025, 2, 1))
    lines = {(r["统计口径"].value, r["名称"].value): r for r in by_header(figures)}
    total = lines[("合计", "合计")]
    assert (total["收件（件）"].value, total["办结（件）"].value, total["在办（件）"].value) == (2, 1, 1)
    assert total["办结率"].value == 0.5 and total["办结率"].number_format == "0%"
    assert total["按期办结率"].value == 1 and total["满意率"].value == 1
    assert lines[("按承办部门", "刑一庭")]["按期办结率"].value == "—"  # nothing closed: no rate
    assert lines[("按类别", "代表建议")]["收件（件）"].value == 2

    client.post("/logout")
    _log_in(client, c["handler"])  # a handler: their department's items, as on their board and the Word table
    handler = download(client, f"/items/export.xlsx?{FIRST_HALF}&court={c['court'].id}&scope=own")[0]
    assert [r["标题"].value for r in by_header(handler.worksheets[0])] == ["=民事建议"]
    assert by_header(handler.worksheets[1])[-1]["收件（件）"].value == 1


def test_duty_reports_export(client, two_courts, make_deputy):
    c = two_courts
    third = make_deputy(name="王五", mobile="13900000003")
    db.session.add_all([
        DutyReport(court_id=c["court"].id, deputy_id=c["deputy"].id, year=2025, state=ReportState.SUBMITTED,
                   kind=ReportKind.WRITTEN, congress="=出席会议", deeds="办实事\x07"),
        DutyReport(court_id=c["court"].id, deputy_id=c["other"].id, year=2025, state=ReportState.DRAFT),
        DutyReport(court_id=c["court"].id, deputy_id=third.id, year=2024, state=ReportState.SUBMITTED),
        DutyReport(court_id=c["basic"].id, deputy_id=third.id, year=2025, state=ReportState.SUBMITTED),
    ])
    db.session.commit()
    _log_in(client, c["liaison"])

    page = client.get("/duty/?year=2025").get_data(as_text=True)
    assert "导出 Excel" in page and "/duty/export.xlsx?" in page
    workbook, data = download(client, f"/duty/export.xlsx?year=2025&court={c['court'].id}&scope=own")
    sheet = workbook.active
    assert_layout(sheet, ["某某市中级人民法院", "述职", "2025年度", "待审查"])  # the list's default state
    rows = by_header(sheet)
    assert [r["代表"].value for r in rows] == ["张三"]  # not the draft, not 2024, not the basic court's
    row = rows[0]
    assert (row["手机号码"].value, row["手机号码"].data_type) == ("13900000001", "s")
    assert row["出席会议和行使职权"].value == "=出席会议" and row["出席会议和行使职权"].data_type == "s"
    assert row["为选民办实事"].value == "办实事" and "<f>" not in sheet_xml(data)
    every = by_header(download(client, "/duty/export.xlsx?year=2025&state=all&scope=lower")[0].active)
    assert sorted(r["代表"].value for r in every) == ["张三", "李四", "王五"]


@pytest.mark.parametrize("url", ["/reception/export.xlsx", "/hearings/export.xlsx", "/items/export.xlsx",
                                 "/duty/export.xlsx", "/activities/export.xlsx"])
def test_a_deputy_gets_no_staff_list(client, login_as, url):
    login_as(Role.DEPUTY)
    assert client.get(url).status_code == 403


# --- the command line -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("command", "args", "column", "expected"), [
    ("receptions", ["--from", "2025-01-01", "--to", "2025-06-30"], "事由", ["=1+1"]),
    ("hearings", ["--from", "2025-01-01", "--to", "2025-06-30"], "案号", ["（2025）某01民初1号"]),
    ("items", ["--from", "2025-01-01", "--to", "2025-06-30"], "标题", ["民事建议"]),
    ("duty-reports", ["--year", "2025"], "代表", ["张三"]),
])
def test_cli_writes_excel_by_the_suffix(runner, two_courts, tmp_path, command, args, column, expected):
    c = two_courts
    _reception(c["court"].id, datetime(2025, 3, 1, 6, 30, tzinfo=timezone.utc), "=1+1", [c["deputy"]])
    _hearing(c["court"].id, datetime(2025, 3, 3, 1, 30, tzinfo=timezone.utc), "（2025）某01民初1号")
    create_item(court_id=c["court"].id, kind=ItemKind.SUGGESTION, title="民事建议", received_on=date(2025, 2, 1))
    db.session.add(DutyReport(court_id=c["court"].id, deputy_id=c["deputy"].id, year=2025,
                              state=ReportState.SUBMITTED))
    _reception(c["basic"].id, datetime(2025, 3, 1, 6, 30, tzinfo=timezone.utc), "区院来访", [c["other"]])
    db.session.commit()
    out = tmp_path / "导出.XLSX"
    result = runner.invoke(args=["export", command, *args, "-o", str(out)])
    assert result.exit_code == 0, result.output
    sheet = reopen(out.read_bytes()).worksheets[0]
    assert "某某市中级人民法院" in sheet["A1"].value and sheet.freeze_panes == "A3"
    assert [r[column].value for r in by_header(sheet)] == expected
    assert runner.invoke(args=["export", command, *args, "-o", str(tmp_path / "x.csv")]).exit_code != 0
