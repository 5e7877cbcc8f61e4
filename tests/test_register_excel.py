"""The register's Excel export, import template and import: files built in memory, read back with openpyxl."""
import io
import re
import zipfile

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from portal.auth.models import Role
from portal.extensions import db
from portal.register import excel
from portal.register.excel import (
    COLUMNS,
    RowError,
    column_help,
    export_xlsx,
    parse_import,
    template_xlsx,
)
from portal.register.models import Deputy, DeputyKind, DeputyLevel, DeputyStatus, Gender, Mandate
from portal.register.services import EDITABLE_FIELDS, RegisterFilters, stream_with_leaders
from tests.conftest import sql_statements

HEADERS = [header for _, header in COLUMNS]
GOOD = {"姓名": "张三", "性别": "男", "类别": "人大代表", "层级": "市级", "届次": "第十六届", "代表组/界别": "城区代表组",
        "工作单位": "某某科技有限公司", "手机号码": "13812345678"}


def workbook_bytes(rows: list[dict], headers: list[str] = HEADERS) -> bytes:
    """A workbook with ``headers`` in row 1 and one row per dict (keys are headers; None leaves a blank row)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append([] if row is None else [row.get(h) for h in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def person(**overrides) -> dict:
    return {**GOOD, **overrides}


def reopen(data: bytes):
    return load_workbook(io.BytesIO(data))


def deputy_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Deputy))


def upload(client, data: bytes, filename: str = "名册.xlsx"):
    return client.post("/register/import", data={"file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


# ------------------------------------------------------------------------------------------------ export


def with_leaders(mandates) -> list[tuple[Mandate, list[str]]]:
    """The export's rows: each mandate with the names of its person's leaders paired today."""
    return [(m, [u.display_name for u in m.deputy.paired_leaders]) for m in mandates]


def test_export_layout_and_values(app, make_user, make_deputy):
    leader = make_user(Role.LEADER, display_name="李院长")
    make_deputy(name="王芳", gender=Gender.FEMALE, kind=DeputyKind.CPPCC, level=DeputyLevel.COUNTY, mobile="13900001111",
                court_roles="廉政监督员、人民陪审员", paired_with=leader, status=DeputyStatus.RETIRED)

    streamed = list(stream_with_leaders(RegisterFilters(status="")))  # what the download writes
    assert streamed == with_leaders(db.session.scalars(select(Mandate))) and streamed[0][1] == ["李院长"]
    sheet = reopen(export_xlsx(streamed)).active

    assert [c.value for c in sheet[1]] == HEADERS + ["结对院领导", "状态"]
    assert all(c.font.b for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:P2"
    row = {header: cell for header, cell in zip(HEADERS + ["结对院领导", "状态"], sheet[2])}
    assert (row["姓名"].value, row["性别"].value, row["类别"].value, row["层级"].value) == ("王芳", "女", "政协委员", "县（区）级")
    assert row["结对院领导"].value == "李院长"
    assert row["在本院担任"].value == "廉政监督员、人民陪审员"
    assert row["状态"].value == "离任"
    assert row["手机号码"].value == "13900001111" and row["手机号码"].data_type == "s"
    assert row["手机号码"].number_format == "@"
    widths = {letter: dim.width for letter, dim in sheet.column_dimensions.items()}
    assert all(8 <= width <= 40 for width in widths.values()) and widths["H"] > widths["B"]


def test_export_cleans_control_characters_and_keeps_formulas_as_text(app, make_deputy):
    make_deputy(name="赵\x01六", note="=HYPERLINK(\"http://x\")\x02\x0b备注\ufffe", address="某路\x1f1号\n二单元")

    sheet = reopen(export_xlsx(with_leaders(db.session.scalars(select(Mandate))))).active

    row = {header: cell for header, cell in zip(HEADERS, sheet[2])}
    assert row["姓名"].value == "赵六"
    assert row["备注"].value == "=HYPERLINK(\"http://x\")备注" and row["备注"].data_type == "s"
    assert row["通讯地址"].value == "某路1号\n二单元"


def test_export_of_nothing_is_a_header_row(app):
    sheet = reopen(export_xlsx([])).active
    assert sheet.max_row == 1 and sheet["A1"].value == "姓名"


def test_export_then_import_round_trip(app, make_user, make_deputy):
    leader = make_user(Role.LEADER, display_name="李院长")
    make_deputy(name="王芳", gender=Gender.FEMALE, kind=DeputyKind.CPPCC, level=DeputyLevel.TOWNSHIP,
                court_roles="特约监督员", paired_with=leader, email="wf@example.cn", note="多行\n备注")
    for _ in range(4):
        make_deputy()
    deputies = list(db.session.scalars(select(Deputy).order_by(Deputy.id)))
    before = [{key: getattr(d, key) for key in EDITABLE_FIELDS} for d in deputies]
    data = export_xlsx(with_leaders(d.mandates[0] for d in deputies))

    again = parse_import(data)  # everyone is already in the register
    assert [(e.row, e.column) for e in again.errors] == [(n, "手机号码") for n in range(2, 7)]
    assert all("请勿重复登记" in e.reason for e in again.errors)

    for deputy in deputies:
        db.session.delete(deputy)  # with its mandate
    db.session.commit()
    result = parse_import(data)

    assert result.errors == [] and result.total == 5
    assert result.rows == before


# ---------------------------------------------------------------------------------------------- template


def test_template_has_headers_and_instructions(app):
    workbook = reopen(template_xlsx())

    assert workbook.sheetnames == ["代表委员名册", "说明"]
    assert [c.value for c in workbook.worksheets[0][1]] == HEADERS
    assert workbook.worksheets[0]["J2"].number_format == "@"
    notes = "\n".join(str(c.value) for row in workbook["说明"].iter_rows() for c in row if c.value)
    for text in ("男/女", "人大代表/政协委员", "全国/省级/市级/县（区）级/乡（镇）级", "廉政监督员、特约监督员、人民陪审员"):
        assert text in notes
    assert parse_import(template_xlsx()).errors == [RowError(0, "", "文件中没有数据：请从第 2 行起每行填写一名代表委员。")]


def test_filled_template_imports(app):
    workbook = reopen(template_xlsx())
    for column, header in enumerate(HEADERS, start=1):  # from row 2, as the 说明 sheet says
        workbook.active.cell(row=2, column=column, value=GOOD.get(header))
    buffer = io.BytesIO()
    workbook.save(buffer)

    result = parse_import(buffer.getvalue())

    assert result.errors == [] and [r["name"] for r in result.rows] == ["张三"]


# ------------------------------------------------------------------------------------------ parse rules


def test_every_bad_row_is_reported_with_row_column_and_reason(app, make_deputy):
    make_deputy(name="钱七", mobile="13700000000")
    data = workbook_bytes([
        person(),                                       # 2 good
        person(姓名="李四", 手机号码="1381234"),         # 3 bad mobile
        person(姓名="周五", 类别="人民代表"),             # 4 unknown 类别
        None,                                           # 5 empty, skipped
        person(姓名=None, 手机号码="13811112222"),       # 6 missing name
        person(手机号码="138 1234 5678"),                # 7 same as row 2 once spaces go
        person(姓名="钱七", 手机号码="13700000000"),      # 8 already in the register
        person(姓名="孙八", 手机号码="13822223333", 在本院担任="监督员"),  # 9
    ])

    result = parse_import(data)

    assert [(e.row, e.column) for e in result.errors] == [
        (3, "手机号码"), (4, "类别"), (6, "姓名"), (7, "手机号码"), (8, "手机号码"), (9, "在本院担任")]
    reasons = {(e.row, e.column): e.reason for e in result.errors}
    assert "11 位" in reasons[3, "手机号码"]
    assert "人大代表、政协委员" in reasons[4, "类别"]
    assert "请填写姓名" in reasons[6, "姓名"]
    assert "与第 2 行重复" in reasons[7, "手机号码"]
    assert "请勿重复登记" in reasons[8, "手机号码"]
    assert "监督员" in reasons[9, "在本院担任"]
    assert result.total == 7


def test_file_with_errors_imports_nothing_over_http(app, client, login_as):
    login_as("liaison")
    data = workbook_bytes([person(), person(姓名="李四", 手机号码="12345"), person(姓名="王五", 性别="未知", 手机号码="13812345670")])

    response = upload(client, data)

    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "文件中有 2 处问题，未导入任何记录。请修改后重新上传。" in page
    assert "手机号码应为 11 位" in page and "性别应为：男、女" in page
    assert "确认导入" not in page
    assert deputy_count() == 0


def test_missing_required_headers(app):
    data = workbook_bytes([{"姓名": "张三"}], headers=["姓名", "类别", "层级", "备注"])

    result = parse_import(data)

    assert result.errors == [RowError(1, "性别", "缺少此列"), RowError(1, "届次", "缺少此列"),
                             RowError(1, "手机号码", "缺少此列")]
    assert result.rows == []


def test_header_aliases_spaces_and_ignored_columns(app):
    headers = ["序号", " 姓 名 ", "性别", "类别", "层级", "届次", "界别", "联系电话", "状态"]
    data = workbook_bytes([{"序号": 1, " 姓 名 ": "张三", "性别": "男", "类别": "政协委员", "层级": "省级",
                            "届次": "第十三届", "界别": "经济界", "联系电话": "13812345678", "状态": "离任"},
                           {"序号": 2}], headers=headers)

    result = parse_import(data)

    assert result.errors == [] and result.total == 1
    assert result.rows[0]["group_name"] == "经济界" and result.rows[0]["mobile"] == "13812345678"


def test_numbers_become_digit_strings_and_ascii_brackets_are_accepted(app):
    data = workbook_bytes([person(手机号码=13812345678),
                           person(姓名="李四", 手机号码=1.3812345679e10, 届次=16, 层级="县(区)级")])

    result = parse_import(data)

    assert result.errors == []
    assert [r["mobile"] for r in result.rows] == ["13812345678", "13812345679"]
    assert result.rows[1]["term"] == "16" and result.rows[1]["level"] == DeputyLevel.COUNTY


def test_the_paired_leaders_column_is_export_only(app, make_user):
    """Pairings have dates and are kept on the pairing pages: an exported sheet imports back without them."""
    make_user(Role.LEADER, display_name="李院长")
    result = parse_import(workbook_bytes([person(结对院领导="李院长")], HEADERS + ["结对院领导"]))
    assert result.errors == [] and "paired_leader_id" not in result.rows[0]
    assert "结对院领导" not in [header for header, _, _ in column_help()]


def test_row_limit(app, monkeypatch):
    monkeypatch.setattr(excel, "MAX_ROWS", 3)
    rows = [person(姓名=f"人{n}", 手机号码=f"1381234560{n}") for n in range(5)]

    result = parse_import(workbook_bytes(rows))

    assert result.total == 3
    assert [(e.row, e.column) for e in result.errors] == [(5, "")]
    assert result.errors[0].reason.startswith("单次最多导入 3 行")


def blank_rows_at_xfd(rows: int) -> bytes:
    """The import headers, then ``rows`` rows holding one cell at column XFD (the last of 16,384) each: 2 MB
    for 400,000 rows, written as XML directly since openpyxl would take a minute."""
    workbook = Workbook()
    workbook.active.append(HEADERS)
    buffer = io.BytesIO()
    workbook.save(buffer)
    source = zipfile.ZipFile(buffer)
    header = "".join(f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{h}</t></is></c>' for i, h in enumerate(HEADERS))
    body = "".join(f'<row r="{n}"><c r="XFD{n}" t="inlineStr"><is><t>x</t></is></c></row>' for n in range(2, rows + 2))
    sheet = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet '
             'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
             f'<row r="1">{header}</row>{body}</sheetData></worksheet>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            archive.writestr(info.filename, sheet if info.filename == "xl/worksheets/sheet1.xml"
                             else source.read(info.filename))
    return out.getvalue()


def test_blank_rows_count_against_the_limit_and_the_read_is_bounded(app, monkeypatch):
    """400,000 rows with a single cell at column XFD: refused at the first row past the limit, having read
    only the template's columns of at most MAX_ROWS + 2 rows."""
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    read = []
    original = ReadOnlyWorksheet._cells_by_row

    def spy(self, *args, **kwargs):
        for row in original(self, *args, **kwargs):
            read.append(len(row))
            yield row

    monkeypatch.setattr(ReadOnlyWorksheet, "_cells_by_row", spy)
    result = parse_import(blank_rows_at_xfd(400_000))

    limit = excel.MAX_ROWS
    assert [(e.row, e.column) for e in result.errors] == [(limit + 2, "")]
    assert result.errors[0].reason.startswith(f"单次最多导入 {limit} 行（空白行也计算在内）")
    assert result.total == 0
    assert len(read) <= limit + 3  # the header, the data rows, the first row beyond
    assert max(read[1:]) <= len(COLUMNS)  # data rows: no further than the last column the header names


def test_blank_rows_between_data_rows_are_counted(app, monkeypatch):
    monkeypatch.setattr(excel, "MAX_ROWS", 4)
    rows = [person(), None, None, person(姓名="李四", 手机号码="13812345679"), person(姓名="王五", 手机号码="13812345670")]

    result = parse_import(workbook_bytes(rows))

    assert [(e.row, e.column) for e in result.errors] == [(6, "")]  # rows 2–5 are four rows, two of them blank


@pytest.mark.parametrize("data", [b"", b"just some text", b"PK\x03\x04 not really a zip"])
def test_unreadable_bytes(app, data):
    assert parse_import(data).errors == [RowError(0, "", "无法读取文件：请上传 Excel 2007 及以上版本的 .xlsx 文件。")]


def test_two_thousand_rows_parse_with_the_register_looked_up_once(app, make_deputy):
    """(How fast is measured by ``make bench``, never by a timed assertion here.)"""
    for n in range(50):
        make_deputy(mobile=f"137{n:08d}")
    data = workbook_bytes([person(姓名=f"代表{n}", 手机号码=f"138{n:08d}") for n in range(2000)])

    with sql_statements() as queries:
        result = parse_import(data)

    assert result.errors == [] and len(result.rows) == 2000
    assert len(queries) <= 10, queries


# -------------------------------------------------------------------------------------------- HTTP flow


def test_good_file_imports_through_preview_and_confirm(app, client, login_as, make_user):
    login_as("liaison")
    make_user(Role.LEADER, display_name="李院长")
    data = workbook_bytes([person(), person(姓名="李四", 性别="女", 类别="政协委员", 手机号码="13987654321",
                                            结对院领导="李院长", 在本院担任="人民陪审员")])

    page = client.get("/register/import").get_data(as_text=True)
    assert "导入代表委员名册" in page and "/register/import/template.xlsx" in page

    response = upload(client, data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "张三" in page and "李四" in page and "政协委员" in page and "共 2 条，确认导入？" in page
    assert deputy_count() == 0
    confirm_url = re.search(r'action="(/register/import/[0-9a-f]{32})"', page).group(1)

    response = client.post(confirm_url)
    assert response.status_code == 303 and response.headers["Location"].endswith("/register/")
    deputies = {d.name: d for d in db.session.scalars(select(Deputy))}
    assert sorted(deputies) == ["张三", "李四"]
    assert deputies["李四"].pairings == [] and deputies["李四"].court_roles == "人民陪审员"
    assert deputies["李四"].name_pinyin == "lisi"

    assert client.post(confirm_url).status_code == 303  # the upload is gone: no second import
    assert deputy_count() == 2


def test_the_confirmed_import_flushes_once(app, client, login_as):
    """A flush per row made 5,000 rows take 13 s: the confirmed rows are written in one flush."""
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    login_as("liaison")
    page = upload(client, workbook_bytes([person(姓名=f"代表{n}", 手机号码=f"138{n:08d}") for n in range(300)]))
    confirm_url = re.search(r'action="(/register/import/[0-9a-f]{32})"', page.get_data(as_text=True)).group(1)
    flushes = []

    def count(session, context, instances):
        if session.new:
            flushes.append(len(session.new))

    event.listen(Session, "before_flush", count)
    try:
        response = client.post(confirm_url)
    finally:
        event.remove(Session, "before_flush", count)

    assert response.status_code == 303 and deputy_count() == 300
    assert len(flushes) == 1, f"{len(flushes)} flushes for 300 rows"


def test_template_download(app, client, login_as):
    login_as("liaison")
    response = client.get("/register/import/template.xlsx")
    assert response.status_code == 200
    assert reopen(response.data).sheetnames == ["代表委员名册", "说明"]


def _zip_of_text() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    return buffer.getvalue()


@pytest.mark.parametrize(("data", "filename", "message"), [
    (b"name,mobile\n", "名册.txt", "不支持的文件类型"),
    (b"this is text, not a spreadsheet", "名册.xlsx", "文件内容与扩展名"),
    (_zip_of_text(), "名册.xlsx", "无法读取文件：请上传 Excel 2007 及以上版本的 .xlsx 文件。"),
])
def test_non_xlsx_upload_gets_a_clear_message(app, client, login_as, data, filename, message):
    login_as("liaison")
    response = upload(client, data, filename)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert deputy_count() == 0


@pytest.mark.parametrize("role", ["deputy", "leader", "handler"])
@pytest.mark.parametrize(("method", "url"), [("get", "/register/import"), ("post", "/register/import"),
                                              ("get", "/register/import/template.xlsx"),
                                              ("post", "/register/import/" + "0" * 32)])
def test_only_editors_may_import(app, client, login_as, role, method, url):
    login_as(role)
    assert getattr(client, method)(url).status_code == 403


@pytest.mark.parametrize("role", ["liaison"])
def test_editors_see_the_import_page(app, client, login_as, role):
    login_as(role)
    assert client.get("/register/import").status_code == 200


def test_a_column_given_twice_is_reported(app):
    data = workbook_bytes([person()], headers=HEADERS + ["联系电话"])

    assert parse_import(data).errors == [RowError(1, "联系电话", "与 J 列的“手机号码”重复，请只保留一列。")]
