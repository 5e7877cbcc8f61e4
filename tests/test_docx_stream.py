"""Streamed Word tables (gbt9704 `table(..., stream=True)`): the streamed document is the tree-built one, byte for
byte in word/document.xml, for the engine and for every export wired to it; stored text of any kind survives."""

from __future__ import annotations

import datetime
import io
import zipfile

import docx
import pytest
from docx.oxml.ns import qn

from portal.documents.gbt9704 import OfficialDocument, clean_text
from portal.items.documents import FigureLine, ItemTable, TableRow, item_table_docx
from portal.reception.documents import ReceptionRegister, RegisterLine
from portal.reception.documents import register_docx as reception_docx
from portal.register.documents import RegisterDocument, RegisterRow, register_docx

NASTY = [
    "张 & <伟> \"引号\" 'single'",
    "\x00控制\x01字符\x0b\x0c\x1f\ufffe\uffff",
    "孤立\ud800代理\udfff项",
    "第一行\n第二行\r\n第三行\r第四行",
    "\n开头换行", "结尾换行\n", "\n",
    "  前后空格  ",
    "制表\t符",
    "长" * 5000,
    "",
    "\ue000看似占位符\ue001",
    "]]> <![CDATA[ x ]]>",
    "<w:t>注入</w:t>",
]


def parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        return {name: archive.read(name) for name in archive.namelist()}


def assert_same(streamed: bytes, tree: bytes) -> None:
    """The same package: every part equal (the core properties' timestamps aside), document.xml byte for byte."""
    a, b = parts(streamed), parts(tree)
    assert list(a) == list(b)
    assert a["word/document.xml"] == b["word/document.xml"]
    for name in a:
        if name != "docProps/core.xml":
            assert a[name] == b[name], name


def table_texts(data: bytes, index: int = 0) -> list[list[str]]:
    table = docx.Document(io.BytesIO(data)).tables[index]
    return [[cell.text for cell in row.cells] for row in table.rows]


def generator(items):
    """A one-shot iterator, as a query's streamed result is."""
    yield from items


# --- the engine -----------------------------------------------------------------------------------------------------

def build(stream: bool, rows, *, total: bool = True) -> bytes:
    document = OfficialDocument(landscape=True)
    document.title("标题")
    counted = [0]

    def counting():
        for row in rows:
            counted[0] += 1
            yield row

    count = document.later(lambda: counted[0])
    document.table(["甲", "乙", "丙"], counting(), widths_mm=[50, 100, 75], aligns=["center", "left", "right"],
                   total_row=["合计", f"{count} 行", ""] if total else None, stream=stream)
    document.split_line(f"共 {count} 行", "制表日期")
    document.table(["小表"], [["1"], ["2"]])  # a tree table after the streamed one
    return document.to_bytes()


def test_streamed_table_is_the_tree_table_with_nasty_text() -> None:
    rows = [(i, text, text[::-1]) for i, text in enumerate(NASTY, start=1)]
    streamed, tree = build(True, generator(rows)), build(False, rows)
    assert_same(streamed, tree)
    cells = table_texts(streamed)
    assert cells[0] == ["甲", "乙", "丙"]
    assert [row[1] for row in cells[1:-1]] == [clean_text(t) for t in NASTY]
    assert cells[-1] == ["合计", f"{len(NASTY)} 行", ""]
    assert cells[4][1] == "第一行\n第二行\n第三行\n第四行"  # python-docx reads <w:br/> back as "\n"
    assert cells[8][1] == "  前后空格  "
    assert cells[9][1] == "制表\t符"
    texts = [p.text for p in docx.Document(io.BytesIO(streamed)).paragraphs]
    assert f"共 {len(NASTY)} 行\t制表日期" in texts
    assert table_texts(streamed, 1) == [["小表"], ["1"], ["2"]]


def test_streamed_cells_keep_spaces_and_line_breaks_as_the_tree_writes_them() -> None:
    xml = parts(build(True, generator([("a", " x\ny ", "p\tq")])))["word/document.xml"].decode()
    assert '<w:t xml:space="preserve"> x</w:t><w:br/><w:t xml:space="preserve">y </w:t>' in xml
    assert '<w:t xml:space="preserve">p</w:t><w:tab/><w:t xml:space="preserve">q</w:t>' in xml
    assert "\ue000" not in xml  # no placeholder left


def test_streamed_table_properties_and_widths() -> None:
    streamed = docx.Document(io.BytesIO(build(True, generator([(1, 2, 3)] * 3))))
    table = streamed.tables[0]
    tbl = table._tbl
    assert tbl.tblPr.find(qn("w:tblStyle")).get(qn("w:val")) == "TableGrid"
    assert tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
    grid = [int(w) for w in tbl.xpath("./w:tblGrid/w:gridCol/@w:w")]
    assert grid == [round(mm * 1440 / 25.4) for mm in (50, 100, 75)]
    for row in tbl.tr_lst:
        assert [int(w) for w in row.xpath("./w:tc/w:tcPr/w:tcW/@w:w")] == grid
        assert row.trPr.find(qn("w:cantSplit")) is not None
    assert tbl.tr_lst[0].trPr.find(qn("w:tblHeader")) is not None
    assert [tr.trPr.find(qn("w:tblHeader")) for tr in tbl.tr_lst[1:]] == [None] * 4


def test_empty_streamed_table_keeps_its_header() -> None:
    streamed, tree = build(True, generator([])), build(False, [])
    assert_same(streamed, tree)
    assert table_texts(streamed) == [["甲", "乙", "丙"], ["合计", "0 行", ""]]
    streamed, tree = build(True, generator([]), total=False), build(False, [], total=False)
    assert_same(streamed, tree)
    assert table_texts(streamed) == [["甲", "乙", "丙"]]


def test_many_rows_are_written_in_batches() -> None:
    rows = [(i, f"名称{i}", "x\ny") for i in range(1234)]
    streamed, tree = build(True, generator(rows)), build(False, rows)
    assert_same(streamed, tree)
    assert len(table_texts(streamed)) == 1 + 1234 + 1


def test_a_row_of_the_wrong_length_is_refused() -> None:
    with pytest.raises(ValueError, match="needs 3 values"):
        build(True, generator([(1, 2)]))


def test_later_text_must_be_one_line() -> None:
    document = OfficialDocument()
    document.paragraph(document.later(lambda: "两\n行"))
    with pytest.raises(ValueError, match="one line"):
        document.to_bytes()


# --- the exports ----------------------------------------------------------------------------------------------------

def register_rows() -> list[RegisterRow]:
    return [RegisterRow(name=name, gender="女", kind="人大代表", level="市级", term="第十四届", group=text,
                        work_unit_post=text, mobile="13800138000", status="在任", person=i // 2)
            for i, (name, text) in enumerate(zip(["王芳", "李娜", "张伟"] * 5, NASTY))]


def test_register_streamed_is_the_tree() -> None:
    def data(rows):
        return RegisterDocument(court_name="某某市中级人民法院", filter_summary="人大代表 · <在任>",
                                generated_on=datetime.date(2025, 3, 1), rows=rows)

    streamed = register_docx(data(generator(register_rows()))).to_bytes()
    tree = register_docx(data(register_rows()), stream=False).to_bytes()
    assert_same(streamed, tree)
    cells = table_texts(streamed)
    assert len(cells) == 1 + len(NASTY)
    assert "共 7 人\t制表日期：2025年3月1日" in [p.text for p in docx.Document(io.BytesIO(streamed)).paragraphs]
    empty = RegisterDocument(court_name="", filter_summary="", generated_on=datetime.date(2025, 1, 2), rows=[])
    streamed = register_docx(empty).to_bytes()
    assert_same(streamed, register_docx(empty, stream=False).to_bytes())
    assert len(table_texts(streamed)) == 1
    assert "共 0 人\t制表日期：2025年1月2日" in [p.text for p in docx.Document(io.BytesIO(streamed)).paragraphs]


def item_rows(courts: list[str]) -> list[TableRow]:
    return [TableRow(court=courts[i % len(courts)], number=f"YLZY-2025-{i:04d}", kind="代表建议", source=text,
                     title=text, department="民一庭", deadline="2025-03-01", state="办理中", answered="",
                     rating="") for i, text in enumerate(NASTY)]


@pytest.mark.parametrize("courts", [["某某中级人民法院"], ["某某中级人民法院", "某某区人民法院"]])
def test_item_table_streamed_is_the_tree(courts) -> None:
    line = FigureLine("代表建议", 14, 3, 21, None, 100)

    def data(rows, several):
        return ItemTable(court_name="某某市", date_from=datetime.date(2025, 1, 1),
                         date_to=datetime.date(2025, 12, 31), rows=rows, total=line, by_kind=[line],
                         by_department=[line], dated=datetime.date(2025, 12, 31), several_courts=several)

    streamed = item_table_docx(data(generator(item_rows(courts)), len(courts) > 1)).to_bytes()
    tree = item_table_docx(data(item_rows(courts), None), stream=False).to_bytes()
    assert_same(streamed, tree)
    cells = table_texts(streamed)
    assert cells[-1][:2] == ["合计", "14件"]
    assert cells[1][1] == ("YLZY-2025-0000\n某某中级" if len(courts) > 1 else "YLZY-2025-0000")
    assert f"共 {len(NASTY)} 件\t制表日期：2025年12月31日" in [
        p.text for p in docx.Document(io.BytesIO(streamed)).paragraphs]
    empty = item_table_docx(data(generator([]), False)).to_bytes()
    assert_same(empty, item_table_docx(data([], None), stream=False).to_bytes())
    assert [row[0] for row in table_texts(empty)] == ["序号", "合计"]


def reception_lines() -> list[RegisterLine]:
    return [RegisterLine(received_at=datetime.datetime(2025, 3, 1, 9, i), channel="来访", visitors=text,
                         persons=i % 3 + 1, hosts="李四", subject=text, handling=text) for i, text in enumerate(NASTY)]


def test_reception_register_streamed_is_the_tree() -> None:
    def data(lines):
        return ReceptionRegister(court_name="某某市中级人民法院", period="2025年1月1日至2025年12月31日",
                                 generated_on=datetime.date(2025, 12, 31), lines=lines, items=3, answered=1)

    streamed = reception_docx(data(generator(reception_lines()))).to_bytes()
    tree = reception_docx(data(reception_lines()), stream=False).to_bytes()
    assert_same(streamed, tree)
    persons = sum(line.persons for line in reception_lines())
    cells = table_texts(streamed)
    assert cells[-1][:2] == ["合计", f"{len(NASTY)} 次"] and cells[-1][4] == str(persons)
    assert cells[1][1] == "2025年3月1日\n09:00"
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(streamed)).paragraphs)
    assert f"共接待 {len(NASTY)} 次、{persons} 人次；跟踪事项 3 件，已答复 1 件" in text
    empty = reception_docx(data(generator([]))).to_bytes()
    assert_same(empty, reception_docx(data([]), stream=False).to_bytes())
    assert [row[0] for row in table_texts(empty)] == ["序号", "合计"]


# --- the routes: what they stream is what the tree path builds from the same query --------------------------------

def test_register_route_streams_the_tree_document(app, client, login_as, make_deputy) -> None:
    from flask_login import login_user

    from portal.auth.models import Role
    from portal.register.documents import register_document
    from portal.register.services import RegisterFilters, all_filtered

    # a database cannot hold lone surrogates, nor PostgreSQL a NUL (the forms strip both before they are stored)
    storable = [t for t in NASTY if "\ud800" not in t and "\x00" not in t]
    for i, text in enumerate(storable[:9]):
        make_deputy(name=f"代表{i}{text[:20]}", work_unit=text[:100], post=text[:50])
    user = login_as(Role.LIAISON)
    response = client.get("/register/export.docx?status=")
    assert response.status_code == 200
    assert response.content_length == len(response.data)
    with app.test_request_context("/register/export.docx?status="):
        login_user(user)
        filters = RegisterFilters.from_args({"status": ""})
        tree = register_docx(register_document(all_filtered(filters), filters.summary(), user.court.name),
                             stream=False).to_bytes()
    assert_same(response.data, tree)
    assert len(table_texts(response.data)) == 1 + 9


def test_items_route_streams_the_tree_document(app, client, login_as) -> None:
    from flask_login import login_user

    from portal import clock
    from portal.access import court_scope
    from portal.auth.models import Role
    from portal.items import queries
    from portal.items.documents import item_table

    user = login_as(Role.LIAISON)
    year = clock.today().year
    with app.test_request_context():
        login_user(user)
        scope, start, end = court_scope(user), datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        empty = item_table_docx(item_table(scope.title, start, end, queries.period_items(scope.court_ids, start, end,
                                                                                         user=user),
                                           queries.figures(scope.court_ids, start, end, user=user)),
                                stream=False).to_bytes()
    response = client.get(f"/items/export.docx?from={year}-01-01&to={year}-12-31")
    assert response.status_code == 200
    assert_same(response.data, empty)
    assert [row[0] for row in table_texts(response.data)] == ["序号", "合计"]


# --- the other list exports: the big table streamed from the data's lists ---------------------------------------

@pytest.mark.parametrize("size", [0, len(NASTY)])
def test_activity_register_streamed_is_the_tree(size) -> None:
    from portal.activities.documents import ActivityRegister
    from portal.activities.documents import RegisterLine as ActivityLine
    from portal.activities.documents import register_docx as activity_docx

    lines = [ActivityLine(held_on=datetime.date(2025, 3, i % 27 + 1), court="某某法院", kind="座谈", title=text,
                          place=text, deputies=text, others="", persons=i + 1, staff="李四", content=text,
                          opinions=text, items=i % 2) for i, text in enumerate(NASTY[:size])]
    data = ActivityRegister(court_name="某某法院", period="2025年", generated_on=datetime.date(2025, 12, 31),
                            lines=lines)
    streamed = activity_docx(data).to_bytes()
    assert_same(streamed, activity_docx(data, stream=False).to_bytes())
    assert len(table_texts(streamed)) == 1 + size + 1


@pytest.mark.parametrize("size", [0, len(NASTY)])
def test_duty_overview_streamed_is_the_tree(size) -> None:
    from portal.duty.documents import OverviewDeputyLine, OverviewDocument, OverviewGroupLine, overview_docx

    data = OverviewDocument(court_name="某某法院", court_scope="某某法院", year=2025, scope="",
                            generated_on=datetime.date(2025, 12, 31),
                            groups=[OverviewGroupLine("城区代表组", 10, 3, "30%", 2, 1, NASTY[0])],
                            deputies=[OverviewDeputyLine(text, text, "当面述职", "已备案", "2025-06-01", text)
                                      for text in NASTY[:size]])
    streamed = overview_docx(data).to_bytes()
    assert_same(streamed, overview_docx(data, stream=False).to_bytes())
    texts = [p.text for p in docx.Document(io.BytesIO(streamed)).paragraphs]
    assert f"共 {size} 人\t制表日期：2025年12月31日" in texts
    assert ("本年度尚无代表述职。" in texts) == (size == 0)


@pytest.mark.parametrize("size", [0, len(NASTY)])
def test_hearing_period_report_streamed_is_the_tree(size) -> None:
    from portal.hearings.documents import HearingPeriodReport, PeriodDeputyRow, PeriodHearingRow, period_docx

    report = HearingPeriodReport(
        court_name="某某法院", signer="某某法院", period="2025年", filter_line="范围：某某法院",
        hearings=[PeriodHearingRow("2025年3月1日\n09:00", text, text, "民一庭", "王法官", 3, 2, text)
                  for text in NASTY[:size]],
        deputies=[PeriodDeputyRow(text, "人大代表", "市级", text, 2, 1) for text in NASTY[:size]],
        generated_on=datetime.date(2025, 12, 31))
    streamed = period_docx(report).to_bytes()
    assert_same(streamed, period_docx(report, stream=False).to_bytes())
    document = docx.Document(io.BytesIO(streamed))
    assert len(document.tables[0].rows) == 1 + size + 1
    assert ("本期没有邀请代表委员旁听庭审。" in [p.text for p in document.paragraphs]) == (size == 0)
