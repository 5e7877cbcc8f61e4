"""The one Excel writer behind every list's ``.xlsx`` export.

An area builds plain rows (``Sheet``: headers and values) and ``build_workbook`` turns them into the bytes of a
workbook laid out the same way everywhere: a title row naming the court(s) and the period, a bold header row that
stays frozen, an autofilter over the data, and column widths that fit the text (of the first thousand rows: the
rows are written as they are made, so a long list is never held whole).

What people typed must come back as they typed it:
- every text cell is a string cell formatted as text ("@"), so a mobile, an ID number or a 案号 is not turned
  into a number (13900000001 → 1.39E+10), nor "2025-0012" into a date, when Excel opens or someone edits it;
- openpyxl writes a string beginning with "=" as a formula, so text cells get their type set to string
  explicitly, and text that a spreadsheet would read as a formula (= + - @, or a leading tab) also carries the
  quote prefix Excel sets for a value typed as '=…, so that editing the cell does not evaluate it either;
- characters XML cannot hold (control characters, lone surrogates) are dropped instead of failing the export, and
  a text longer than a cell holds is cut.
"""
from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from io import BytesIO
from itertools import chain, islice

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from portal.documents.gbt9704 import clean_text

TEXT = "@"
DATE = "yyyy-mm-dd"
DATETIME = "yyyy-mm-dd hh:mm"
PERCENT = "0%"  # whole percents, as the summaries print rates (20/21 → 95%)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")  # clean() has made a CR a line feed by then
MIN_WIDTH, MAX_WIDTH = 8, 40
MAX_CELL = 32767  # characters Excel holds in a cell; it reports a longer one as damaged
WIDTH_SAMPLE = 1000  # the rows the columns are fitted to; a long list's others are written as they come

TITLE_FONT = Font(bold=True, size=14)
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="F2F2F2")
WRAP = Alignment(wrap_text=True, vertical="top")

Value = str | int | float | datetime.date | datetime.datetime | None


@dataclass
class Sheet:
    """One worksheet: ``rows`` of values in ``headers`` order. ``formats`` gives a number format per header
    (e.g. PERCENT for a rate given as a fraction); text is always text, dates and times get DATE/DATETIME."""

    name: str
    headers: list[str]
    rows: Iterable[Sequence[Value]]
    formats: dict[str, str] = field(default_factory=dict)


def clean(value) -> str:
    """Text safe for a cell: openpyxl raises IllegalCharacterError on control characters, and lone surrogates
    or U+FFFE cannot be written as XML at all; the Word engine's cleaner drops all of them."""
    return ILLEGAL_CHARACTERS_RE.sub("", clean_text(value))


def display_width(text: str) -> int:
    """Approximate width in Excel's character units of the longest line: CJK and full-width characters take two."""
    longest = max(text.split("\n"), key=len, default="")
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in longest)


def _as_cell_value(value: Value) -> Value:
    if value is None or isinstance(value, bool):
        return None if value is None else ("是" if value else "否")
    if isinstance(value, datetime.datetime):
        return value.replace(tzinfo=None)  # Excel has no time zones: callers pass the court's local time
    if isinstance(value, int | float | datetime.date):
        return value
    text = clean(value)
    return text if len(text) <= MAX_CELL else text[:MAX_CELL - 1] + "…"


def _shown(value: Value) -> str:
    """The text a value shows as, for the column width."""
    if isinstance(value, datetime.datetime):
        return "2025-01-01 00:00"
    if isinstance(value, datetime.date):
        return "2025-01-01"
    if isinstance(value, float):
        return f"{value:.3f}"
    return "" if value is None else str(value)


def _cell(sheet, value: Value, number_format: str | None) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet)
    if value == "":
        cell.number_format = TEXT  # blank, and what is typed into it later stays text
    elif isinstance(value, str):
        cell.value = value  # cleaned: the setter refuses control characters
        cell.data_type = "s"  # the setter makes "=…" a formula
        cell.number_format = TEXT
        cell.alignment = WRAP
        if value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True
    else:
        cell.value = value
        if isinstance(value, datetime.datetime):
            cell.number_format = DATETIME
        elif isinstance(value, datetime.date):
            cell.number_format = DATE
        elif number_format:
            cell.number_format = number_format
        cell.alignment = WRAP
    return cell


def _write_sheet(workbook: Workbook, spec: Sheet, title: str | None) -> None:
    """Write ``spec``'s rows as they are made: only the first ``WIDTH_SAMPLE`` are held, to fit the columns to."""
    rows = (_cell_values(row) for row in spec.rows)
    sample = list(islice(rows, WIDTH_SAMPLE))
    headers = [clean(h) for h in spec.headers]
    sheet = workbook.create_sheet(clean(spec.name)[:31] or "Sheet")
    for index, header in enumerate(headers):
        widest = max((display_width(_shown(row[index])) for row in sample if index < len(row)), default=0)
        sheet.column_dimensions[get_column_letter(index + 1)].width = \
            min(MAX_WIDTH, max(MIN_WIDTH, display_width(header) + 4, widest + 2))  # + the filter button
    header_row = 2 if title else 1
    last_column = get_column_letter(max(len(headers), 1))
    sheet.freeze_panes = f"A{header_row + 1}"
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = "9"  # A4

    if title:
        cell = WriteOnlyCell(sheet, clean(title))
        cell.data_type, cell.font = "s", TITLE_FONT
        sheet.append([cell])
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, header)
        cell.data_type, cell.font, cell.fill = "s", HEADER_FONT, HEADER_FILL
        header_cells.append(cell)
    sheet.append(header_cells)
    formats = [spec.formats.get(h) for h in spec.headers]
    written = 0
    for row in chain(sample, rows):
        sheet.append([_cell(sheet, value, formats[i] if i < len(formats) else None) for i, value in enumerate(row)])
        written += 1
    sheet.auto_filter.ref = f"A{header_row}:{last_column}{header_row + written}"  # written after the rows


def _cell_values(row: Sequence[Value]) -> list[Value]:
    return [_as_cell_value(v) for v in row]


def build_workbook(sheets: Sequence[Sheet], title: str | None = None) -> bytes:
    """The bytes of a workbook of ``sheets``, each headed by ``title`` (court scope and period) when given.

    Without a title the header is row 1 (the register's export, which its import reads back)."""
    workbook = Workbook(write_only=True)
    for spec in sheets:
        _write_sheet(workbook, spec, title)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def list_title(court: str, subject: str, period: str | None = None, filters: str = "") -> str:
    """某某市中级人民法院 来访接待登记（2025年1月1日至2025年12月31日；已开庭）: the courts, what the list is, and
    the period and other filters it was exported with."""
    text = f"{court} {subject}" if court else subject
    scope = "；".join(p for p in (period, filters) if p)
    return f"{text}（{scope}）" if scope else text
