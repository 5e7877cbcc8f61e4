"""The register as an Excel workbook: export, the import template, and reading an uploaded file.

The import never writes: ``parse_import`` turns a workbook into checked values (through
``services.validate_deputy``, the same rules as the form) and a list of problems, each with the row and
column as Excel shows them. The route creates the records only when there is no problem at all.
"""
import logging
import re
import warnings
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from io import BytesIO

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from portal.documents.xlsx import Sheet, build_workbook
from portal.privacy import mask_address, mask_mobile, sees_personal_info
from portal.register.models import COURT_ROLES, DeputyKind, DeputyLevel, Gender, Mandate
from portal.register.services import mandate_key, mobile_owners, mobile_taken, normalise_mobile, validate_deputy

logger = logging.getLogger(__name__)

# (field, header) in sheet order; the same fields as services.EDITABLE_FIELDS, with the leader by name.
COLUMNS: list[tuple[str, str]] = [
    ("name", "姓名"),
    ("gender", "性别"),
    ("kind", "类别"),
    ("level", "层级"),
    ("term", "届次"),
    ("group_name", "代表组/界别"),
    ("constituency", "选区"),
    ("work_unit", "工作单位"),
    ("post", "职务"),
    ("mobile", "手机号码"),
    ("email", "电子邮箱"),
    ("address", "通讯地址"),
    ("court_roles", "在本院担任"),
    ("note", "备注"),
]
STATUS_HEADER = "状态"  # export only; the import ignores it
LEADERS_HEADER = "结对院领导"  # export only: pairings are kept on the pairing pages (they have dates)
HEADERS = dict(COLUMNS)
REQUIRED = ("name", "gender", "kind", "level", "term", "mobile")
# Other spellings of a header that the import accepts, after spaces are removed.
HEADER_ALIASES = {"代表组": "group_name", "界别": "group_name", "手机": "mobile", "联系电话": "mobile"}

MAX_ROWS = 5000
MAX_HEADER_COLUMNS = 100  # the header is looked for in the first 100 columns (the template has 14)
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024  # a 5 MB upload that inflates beyond this is not a register
UNREADABLE = "无法读取文件：请上传 Excel 2007 及以上版本的 .xlsx 文件。"

HEADER_FONT = Font(bold=True)
REQUIRED_FONT = Font(bold=True, color="C00000")
HEADER_FILL = PatternFill("solid", fgColor="F2F2F2")
TEXT_FORMAT = "@"


@dataclass
class RowError:
    """A problem in the uploaded file. ``row`` is Excel's row number (header = 1, 0 = the whole file)."""

    row: int
    column: str
    reason: str


@dataclass
class ImportResult:
    rows: list[dict] = field(default_factory=list)  # values from validate_deputy, for services.create_deputy
    errors: list[RowError] = field(default_factory=list)
    total: int = 0  # data rows read (empty rows not counted)


# ---------------------------------------------------------------------------------------------- export


def _mandate_cells(mandate: Mandate, leaders: list[str], full: bool) -> list[str]:
    """A mandate's row: the person's fields (the mobile and address in full when ``full``, else masked), the
    leaders paired with the person today and the mandate's status."""
    deputy = mandate.deputy
    values = {
        "name": deputy.name,
        "gender": deputy.gender.label,
        "kind": mandate.kind.label,
        "level": mandate.level.label,
        "term": mandate.term,
        "group_name": mandate.group_name,
        "constituency": mandate.constituency,
        "work_unit": deputy.work_unit,
        "post": deputy.post,
        "mobile": (deputy.mobile or "") if full else mask_mobile(deputy.mobile),
        "email": deputy.email,
        "address": (deputy.address or "") if full else mask_address(deputy.address),
        "court_roles": deputy.court_roles,
        "note": deputy.note,
    }
    return [values[key] for key, _ in COLUMNS] + ["、".join(leaders), mandate.status.label]


def export_xlsx(mandates: Iterable[tuple[Mandate, list[str]]]) -> bytes:
    """The given mandates (with their paired leaders' names: ``services.stream_with_leaders``), a row each with
    the person's fields, as a workbook whose columns the import reads back, plus the current paired leaders (not
    read back: pairing is done on the pairing pages) and the mandate's status. No title row: the header is row 1,
    as the import expects."""
    headers = [header for _, header in COLUMNS] + [LEADERS_HEADER, STATUS_HEADER]
    full = sees_personal_info()  # once, not per row
    return build_workbook([Sheet("代表委员名册", headers,
                                 (_mandate_cells(m, leaders, full) for m, leaders in mandates))])


def _save(workbook: Workbook) -> bytes:
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# -------------------------------------------------------------------------------------------- template


def _choices(enum_cls) -> str:
    return "/".join(m.label for m in enum_cls)


def column_help() -> list[tuple[str, str, str]]:
    """(header, required, how to fill it) for each import column; shown in the template and on the page."""
    notes = {
        "name": "代表委员姓名。",
        "gender": f"填写：{_choices(Gender)}。",
        "kind": f"填写：{_choices(DeputyKind)}。",
        "level": f"填写：{_choices(DeputyLevel)}。",
        "term": "如：第十四届。",
        "group_name": "人大代表填所在代表组，政协委员填所在界别。表头也可写作“代表组”或“界别”。",
        "constituency": "选举单位或选区。",
        "work_unit": "",
        "post": "",
        "mobile": "11 位手机号码，以 13–19 开头。请将此列设为文本格式，以免 Excel 改成科学计数法。"
                  "表头也可写作“手机”或“联系电话”。",
        "email": "",
        "address": "",
        "court_roles": f"可填：{'、'.join(COURT_ROLES)}，多项之间用“、”分隔；没有则留空。",
        "note": "",
    }
    return [(header, "必填" if key in REQUIRED else "选填", notes[key]) for key, header in COLUMNS]


def template_xlsx() -> bytes:
    """An empty sheet with the import headers, drop-down lists for the coded columns, and a 说明 sheet."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "代表委员名册"
    keys = [key for key, _ in COLUMNS]
    for index, (key, header) in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index, value=header)
        cell.font = REQUIRED_FONT if key in REQUIRED else HEADER_FONT
        cell.fill = HEADER_FILL
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = {"work_unit": 28, "address": 30, "note": 30, "email": 22,
                                                 "court_roles": 22}.get(key, 14)
    mobile_letter = get_column_letter(keys.index("mobile") + 1)
    sheet.column_dimensions[mobile_letter].number_format = TEXT_FORMAT
    for row in range(2, MAX_ROWS + 2):  # a column style alone does not reach cells Excel creates later
        sheet[f"{mobile_letter}{row}"].number_format = TEXT_FORMAT
    sheet.freeze_panes = "A2"
    for key, enum_cls in (("gender", Gender), ("kind", DeputyKind), ("level", DeputyLevel)):
        letter = get_column_letter(keys.index(key) + 1)
        validation = DataValidation(type="list", formula1='"' + ",".join(m.label for m in enum_cls) + '"',
                                    allow_blank=True, showErrorMessage=True, errorTitle="取值不正确",
                                    error=f"请选择：{_choices(enum_cls)}")
        validation.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
        sheet.add_data_validation(validation)

    notes = workbook.create_sheet("说明")
    notes.append(["代表委员名册导入说明"])
    notes["A1"].font = Font(bold=True, size=14)
    notes.append([f"在“代表委员名册”工作表中从第 2 行起每行填写一人，不要修改第 1 行的表头；红色表头为必填列。"
                  f"一次最多 {MAX_ROWS} 行。文件中有任何错误时不会导入任何记录，系统会列出每处问题。"])
    notes.append([])
    notes.append(["列名", "是否必填", "填写说明"])
    for cell in notes[4]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    for row in column_help():
        notes.append(list(row))
    notes.column_dimensions["A"].width = 14
    notes.column_dimensions["B"].width = 10
    notes.column_dimensions["C"].width = 90
    for row in notes.iter_rows(min_row=5):
        row[2].alignment = Alignment(wrap_text=True, vertical="top")
    return _save(workbook)


# ---------------------------------------------------------------------------------------------- import


def _header_key(value) -> str | None:
    """The field a header cell names, ignoring spaces and a required-marker asterisk."""
    text = re.sub(r"[\s*＊]+", "", str(value or ""))
    by_header = {header: key for key, header in COLUMNS}
    return by_header.get(text) or HEADER_ALIASES.get(text)


def _cell_text(value) -> str:
    """A cell's value as stripped text; whole numbers (a mobile read as 1.3812345678E10) lose the ".0"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _read_sheet(data: bytes) -> tuple[list[RowError], list[tuple[int, dict[str, str]]]]:
    """The header problems and the non-empty data rows, as (Excel row number, {field: text}), of the first
    sheet. Raises when the file is not a workbook openpyxl can read.

    The read is bounded both ways, whatever the file holds: only up to the last column the header names (a row
    with a cell at column XFD would otherwise come back as 16,384 values), and only MAX_ROWS data rows. Every
    row counts against the limit, blank or not, so a sheet of blank rows is refused at row MAX_ROWS + 2 instead
    of being read to its end."""
    with zipfile.ZipFile(BytesIO(data)) as archive:
        if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED_BYTES:
            raise ValueError("uncompressed size over the limit")
    with warnings.catch_warnings():
        # "Workbook contains no default style", unsupported extensions: nothing the user needs to know
        warnings.simplefilter("ignore")
        workbook = load_workbook(BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            sheet.reset_dimensions()  # some writers store a wrong <dimension>; read what is there
            header = next(sheet.iter_rows(min_row=1, max_row=1, max_col=MAX_HEADER_COLUMNS, values_only=True), ())
            problems, positions = _match_headers(header)
            if problems:
                return problems, []
            rows = sheet.iter_rows(min_row=2, max_row=MAX_ROWS + 2, max_col=max(positions.values()) + 1,
                                   values_only=True)
            records = []
            for number, row in enumerate(rows, start=2):
                if number > MAX_ROWS + 1:
                    problems.append(RowError(number, "", f"单次最多导入 {MAX_ROWS} 行（空白行也计算在内），"
                                                         "请删除多余的行或拆分为多个文件分批导入。"))
                    break
                record = {key: _cell_text(row[index]) if index < len(row) else "" for key, index in positions.items()}
                if any(record.values()):  # blank rows, and rows filled only in columns the import ignores (序号)
                    records.append((number, record))
            return problems, records
        finally:
            workbook.close()


def _match_headers(header_row: tuple) -> tuple[list[RowError], dict[str, int]]:
    """Problems with the header row, and the column index of each field it names."""
    problems, positions = [], {}
    for index, value in enumerate(header_row):
        key = _header_key(value)
        if key is None:
            continue  # 状态, 序号 and other columns of the user's own are ignored
        if key in positions:
            first = get_column_letter(positions[key] + 1)
            problems.append(RowError(1, _cell_text(value), f"与 {first} 列的“{HEADERS[key]}”重复，请只保留一列。"))
            continue
        positions[key] = index
    problems += [RowError(1, HEADERS[key], "缺少此列") for key in REQUIRED if key not in positions]
    return problems, positions


def parse_import(data: bytes) -> ImportResult:
    """Read and check an uploaded register workbook. Needs an app context: the checks query the database.

    Returns the values of every row and every problem found, ordered by row; the caller imports nothing
    when there is any problem.
    """
    result = ImportResult()
    try:
        file_problems, records = _read_sheet(data)
    except Exception:  # noqa: BLE001 - a damaged upload can fail anywhere in zip or XML parsing
        logger.info("unreadable register import", exc_info=True)
        result.errors.append(RowError(0, "", UNREADABLE))
        return result
    result.total = len(records)
    if not records and not file_problems:
        file_problems.append(RowError(0, "", "文件中没有数据：请从第 2 行起每行填写一名代表委员。"))
    if not records:
        result.errors = file_problems
        return result

    owners = mobile_owners({normalise_mobile(r.get("mobile") or "") for _, r in records} - {""})
    seen: dict[str, tuple[int, str, set]] = {}  # mobile -> (first row, name, mandate keys) in this file
    row_errors: list[RowError] = []
    for number, record in records:
        raw = dict(record)
        if "level" in raw:  # 县(区)级 typed with ASCII brackets is meant as 县（区）级
            raw["level"] = raw["level"].replace("(", "（").replace(")", "）")
        checked = validate_deputy(raw, mobile_owners=owners)
        problems = dict(checked.errors)
        values = checked.values
        if values["name"] and values["mobile"] and not problems.keys() & {"name", "mobile", "kind", "level", "term"}:
            problem = _person_problem(values, owners.get(values["mobile"]), seen.get(values["mobile"]))
            if problem:
                problems["mobile"] = problem
            else:
                first = seen.setdefault(values["mobile"], (number, values["name"], set()))
                first[2].add(mandate_key(values))
        row_errors += [RowError(number, header, problems[key]) for key, header in COLUMNS if key in problems]
        if not problems:
            result.rows.append(values)
    result.errors = sorted(row_errors + file_problems, key=lambda e: e.row)
    return result


def _person_problem(values: dict, owner, earlier: tuple[int, str, set] | None) -> str | None:
    """Why a row cannot be a mandate of the person its mobile names: the number is someone else's, or that
    person already holds this seat (in the register or in an earlier row)."""
    if owner is not None:
        if owner.name != values["name"]:
            return mobile_taken(values["mobile"], owner.name, same_name=False)
        if any(mandate_key(m) == mandate_key(values) for m in owner.mandates):
            return mobile_taken(values["mobile"], owner.name, same_name=True)
    if earlier is not None:
        row, name, keys = earlier
        if name != values["name"]:
            return f"手机号码与第 {row} 行的“{name}”相同：一个手机号码只能属于一人。"
        if mandate_key(values) in keys:
            return f"与第 {row} 行重复（姓名、手机号码和任职相同）。"
    return None
