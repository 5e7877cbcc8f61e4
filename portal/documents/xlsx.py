"""The one Excel writer behind every list's ``.xlsx`` export.

It writes the workbook's SpreadsheetML itself, a row at a time into the zip: the sheets hold values and a fixed
handful of cell styles, nothing that needs a spreadsheet library's object per cell (openpyxl spent ~40 µs on each
of a year's 470,000 item cells, styles hashed on every one; this writes them at about the cost of their XML).
Reading workbooks (the register's import) stays with openpyxl.

An area builds plain rows (``Sheet``: headers and values) and ``build_workbook`` turns them into the bytes of a
workbook laid out the same way everywhere: a title row naming the court(s) and the period, a bold header row that
stays frozen, an autofilter over the data, and column widths that fit the text (of the first thousand rows: the
rows are written as they are made, so a long list is never held whole).

What people typed must come back as they typed it:
- every text cell is a string cell formatted as text ("@"), so a mobile, an ID number or a 案号 is not turned
  into a number (13900000001 → 1.39E+10), nor "2025-0012" into a date, when Excel opens or someone edits it;
- a text cell is never a formula, and text that a spreadsheet would read as a formula (= + - @, or a leading tab)
  also carries the quote prefix Excel sets for a value typed as '=…, so that editing the cell does not evaluate
  it either;
- characters XML cannot hold (control characters, lone surrogates) are dropped instead of failing the export, and
  a text longer than a cell holds is cut.
"""
from __future__ import annotations

import datetime
import math
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from io import BytesIO
from itertools import chain, islice
from xml.sax.saxutils import escape, quoteattr

from openpyxl.utils import get_column_letter

from portal.documents.gbt9704 import clean_text

TEXT = "@"
DATE = "yyyy-mm-dd"
DATETIME = "yyyy-mm-dd hh:mm"
PERCENT = "0%"  # whole percents, as the summaries print rates (20/21 → 95%)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")  # clean_text() has made a CR a line feed by then
MIN_WIDTH, MAX_WIDTH = 8, 40
MAX_CELL = 32767  # characters Excel holds in a cell; it reports a longer one as damaged
WIDTH_SAMPLE = 1000  # the rows the columns are fitted to; a long list's others are written as they come
CHUNK_ROWS = 500  # rows joined into one write to the zip
EXCEL_EPOCH = datetime.datetime(1899, 12, 30)  # day 0 of Excel's 1900 date system, as its serials count

Value = str | int | float | datetime.date | datetime.datetime | None


@dataclass
class Sheet:
    """One worksheet: ``rows`` of values in ``headers`` order. ``formats`` gives a number format per header
    (e.g. PERCENT for a rate given as a fraction); text is always text, dates and times get DATE/DATETIME."""

    name: str
    headers: list[str]
    rows: Iterable[Sequence[Value]]
    formats: dict[str, str] = field(default_factory=dict)


def display_width(text: str) -> int:
    """Approximate width in Excel's character units of the longest line: CJK and full-width characters take two."""
    longest = max(text.split("\n"), key=len, default="")
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in longest)


def _as_cell_value(value: Value) -> Value:
    if value is None or isinstance(value, bool):
        return None if value is None else ("是" if value else "否")
    if isinstance(value, datetime.datetime):
        return value.replace(tzinfo=None)  # Excel has no time zones: callers pass the court's local time
    if isinstance(value, int | datetime.date):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)  # a cell cannot hold inf or nan as a number
    text = clean_text(value)
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


# --- styles: a fixed list of cell formats (cellXfs), referred to by position -----------------------------------------

FONTS = ('<font><sz val="11"/><name val="Calibri"/><family val="2"/></font>',
         '<font><b/><sz val="14"/><name val="Calibri"/><family val="2"/></font>',
         '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font>')
FILLS = ('<fill><patternFill patternType="none"/></fill>', '<fill><patternFill patternType="gray125"/></fill>',
         '<fill><patternFill patternType="solid"><fgColor rgb="FFF2F2F2"/><bgColor indexed="64"/></patternFill></fill>')
BUILTIN_FORMATS = {"General": 0, "0": 1, "0.00": 2, "0%": 9, "0.00%": 10, TEXT: 49}
WRAP = '<alignment vertical="top" wrapText="1"/>'


class _Styles:
    """The workbook's cell formats: text, quoted text, title, header, and one wrapped format per number format
    asked for (dates, times, percents, general), numbered as ``styles.xml`` lists them."""

    def __init__(self):
        self.number_formats: dict[str, int] = {}  # custom format code -> numFmtId
        self.xfs: list[str] = ['<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>']
        self.text = self._xf(f'<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" '
                             f'applyAlignment="1">{WRAP}</xf>')
        self.quoted = self._xf(f'<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1" '
                               f'applyNumberFormat="1" applyAlignment="1">{WRAP}</xf>')
        self.title = self._xf('<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>')
        self.header = self._xf('<xf numFmtId="0" fontId="2" fillId="2" borderId="0" xfId="0" applyFont="1" '
                               'applyFill="1"/>')
        self.by_format: dict[str, int] = {}

    def _xf(self, xml: str) -> int:
        self.xfs.append(xml)
        return len(self.xfs) - 1

    def number(self, code: str) -> int:
        """The wrapped format showing numbers as ``code``."""
        if code not in self.by_format:
            format_id = BUILTIN_FORMATS.get(code)
            if format_id is None:
                format_id = self.number_formats.setdefault(code, 164 + len(self.number_formats))
            self.by_format[code] = self._xf(f'<xf numFmtId="{format_id}" fontId="0" fillId="0" borderId="0" xfId="0" '
                                            f'applyNumberFormat="1" applyAlignment="1">{WRAP}</xf>')
        return self.by_format[code]

    def xml(self) -> str:
        formats = "".join(f'<numFmt numFmtId="{i}" formatCode={quoteattr(code)}/>'
                          for code, i in self.number_formats.items())
        return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="{MAIN_NS}">'
                f'<numFmts count="{len(self.number_formats)}">{formats}</numFmts>'
                f'<fonts count="{len(FONTS)}">{"".join(FONTS)}</fonts>'
                f'<fills count="{len(FILLS)}">{"".join(FILLS)}</fills>'
                '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
                '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
                f'<cellXfs count="{len(self.xfs)}">{"".join(self.xfs)}</cellXfs>'
                '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')


# --- the parts of the package ---------------------------------------------------------------------------------------

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def _content_types(count: int) -> str:
    sheets = "".join(f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/'
                     'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' for n in range(1, count + 1))
    return (f'{XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            f'{sheets}</Types>')


ROOT_RELS = (f'{XML_HEAD}<Relationships xmlns="{PACKAGE_REL_NS}">'
             f'<Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>')


def _workbook_rels(count: int) -> str:
    sheets = "".join(f'<Relationship Id="rId{n}" Type="{REL_NS}/worksheet" Target="worksheets/sheet{n}.xml"/>'
                     for n in range(1, count + 1))
    return (f'{XML_HEAD}<Relationships xmlns="{PACKAGE_REL_NS}">{sheets}'
            f'<Relationship Id="rId{count + 1}" Type="{REL_NS}/styles" Target="styles.xml"/></Relationships>')


@dataclass
class _Written:
    """What workbook.xml says of a written sheet: its name, its header row and the filter's last column and row."""

    name: str
    header_row: int
    last_column: str
    last_row: int


def _workbook(sheets: list[_Written]) -> str:
    entries = "".join(f'<sheet name={quoteattr(s.name)} sheetId="{n}" r:id="rId{n}"/>'
                      for n, s in enumerate(sheets, start=1))
    names = []
    for index, s in enumerate(sheets):
        quoted = "'" + s.name.replace("'", "''") + "'"
        names.append(f'<definedName name="_xlnm._FilterDatabase" localSheetId="{index}" hidden="1">'
                     f'{escape(quoted)}!$A${s.header_row}:${s.last_column}${s.last_row}</definedName>')
        names.append(f'<definedName name="_xlnm.Print_Titles" localSheetId="{index}">'
                     f'{escape(quoted)}!${s.header_row}:${s.header_row}</definedName>')
    return (f'{XML_HEAD}<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><bookViews><workbookView/></bookViews>'
            f'<sheets>{entries}</sheets><definedNames>{"".join(names)}</definedNames></workbook>')


# --- a sheet, row by row ---------------------------------------------------------------------------------------------

class _SheetWriter:
    """The cells of one sheet as XML: text as inline strings, numbers and dates (Excel's serial days) as values."""

    def __init__(self, styles: _Styles, formats: list[str | None]):
        self.styles, self.formats = styles, formats
        self.date, self.datetime = styles.number(DATE), styles.number(DATETIME)
        self.general = styles.number("General")

    def text(self, ref: str, text: str, style: int) -> str:
        return f'<c r="{ref}" s="{style}" t="inlineStr"><is><t xml:space="preserve">{escape(text)}</t></is></c>'

    def row(self, number: int, values: Sequence[Value]) -> str:
        cells = []
        for index, value in enumerate(values):
            ref = f"{get_column_letter(index + 1)}{number}"
            if isinstance(value, str):
                if value == "":
                    cells.append(f'<c r="{ref}" s="{self.styles.text}"/>')  # blank; typed into later as text
                else:
                    style = self.styles.quoted if value.startswith(FORMULA_STARTS) else self.styles.text
                    cells.append(self.text(ref, value, style))
            elif value is None:
                cells.append(f'<c r="{ref}" s="{self.general}"/>')
            elif isinstance(value, datetime.datetime):
                serial = (value - EXCEL_EPOCH) / datetime.timedelta(days=1)
                cells.append(f'<c r="{ref}" s="{self.datetime}"><v>{serial!r}</v></c>')
            elif isinstance(value, datetime.date):
                serial = (value - EXCEL_EPOCH.date()).days
                cells.append(f'<c r="{ref}" s="{self.date}"><v>{serial}</v></c>')
            else:
                code = self.formats[index] if index < len(self.formats) else None
                style = self.styles.number(code) if code else self.general
                cells.append(f'<c r="{ref}" s="{style}"><v>{value!r}</v></c>')
        return f'<row r="{number}">{"".join(cells)}</row>'


def _write_sheet(archive: zipfile.ZipFile, number: int, spec: Sheet, title: str | None,
                 styles: _Styles) -> _Written:
    """Write ``spec``'s rows as they are made: only the first ``WIDTH_SAMPLE`` are held, to fit the columns to."""
    rows: Iterator[list[Value]] = ([_as_cell_value(v) for v in row] for row in spec.rows)
    sample = list(islice(rows, WIDTH_SAMPLE))
    headers = [clean_text(h) for h in spec.headers]
    widths = []
    for index, header in enumerate(headers):
        widest = max((display_width(_shown(row[index])) for row in sample if index < len(row)), default=0)
        widths.append(min(MAX_WIDTH, max(MIN_WIDTH, display_width(header) + 4, widest + 2)))  # + the filter button
    header_row = 2 if title else 1
    writer = _SheetWriter(styles, [spec.formats.get(h) for h in spec.headers])
    columns = "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>' for i, w in enumerate(widths, 1))
    top = f"A{header_row + 1}"
    with archive.open(f"xl/worksheets/sheet{number}.xml", "w") as part:
        def put(text: str) -> None:
            part.write(text.encode())

        put(f'{XML_HEAD}<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><sheetViews><sheetView workbookViewId="0">'
            f'<pane ySplit="{header_row}" topLeftCell="{top}" activePane="bottomLeft" state="frozen"/>'
            f'<selection pane="bottomLeft" activeCell="{top}" sqref="{top}"/></sheetView></sheetViews>'
            '<sheetFormatPr defaultRowHeight="15"/>'
            + (f"<cols>{columns}</cols>" if columns else "") + "<sheetData>")
        head = []
        if title:
            head.append(f'<row r="1">{writer.text("A1", clean_text(title), styles.title)}</row>')
        head.append(f'<row r="{header_row}">' + "".join(
            writer.text(f"{get_column_letter(i + 1)}{header_row}", h, styles.header) for i, h in enumerate(headers))
            + "</row>")
        put("".join(head))
        number_of_row = header_row
        chunk: list[str] = []
        for values in chain(sample, rows):
            number_of_row += 1
            chunk.append(writer.row(number_of_row, values))
            if len(chunk) == CHUNK_ROWS:
                put("".join(chunk))
                chunk.clear()
        last_column = get_column_letter(max(len(headers), 1))
        put("".join(chunk) + f'</sheetData><autoFilter ref="A{header_row}:{last_column}{number_of_row}"/>'
            '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
            '<pageSetup paperSize="9" orientation="landscape"/></worksheet>')
    return _Written(clean_text(spec.name)[:31] or "Sheet", header_row, last_column, number_of_row)


def build_workbook(sheets: Sequence[Sheet], title: str | None = None) -> bytes:
    """The bytes of a workbook of ``sheets``, each headed by ``title`` (court scope and period) when given.

    Without a title the header is row 1 (the register's export, which its import reads back)."""
    styles = _Styles()
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        written = [_write_sheet(archive, n, spec, title, styles) for n, spec in enumerate(sheets, start=1)]
        archive.writestr("[Content_Types].xml", _content_types(len(written)))
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", _workbook(written))
        archive.writestr("xl/_rels/workbook.xml.rels", _workbook_rels(len(written)))
        archive.writestr("xl/styles.xml", styles.xml())
    return buffer.getvalue()


def list_title(court: str, subject: str, period: str | None = None, filters: str = "") -> str:
    """某某市中级人民法院 来访接待登记（2025年1月1日至2025年12月31日；已开庭）: the courts, what the list is, and
    the period and other filters it was exported with."""
    text = f"{court} {subject}" if court else subject
    scope = "；".join(p for p in (period, filters) if p)
    return f"{text}（{scope}）" if scope else text
