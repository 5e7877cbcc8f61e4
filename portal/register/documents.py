"""The deputy register (代表委员名册) as a landscape Word table, and the adapter that turns mandates into its data."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from portal import clock
from portal.documents.gbt9704 import OfficialDocument, format_date
from portal.privacy import shown_mobile
from portal.register.models import Mandate

HEADERS = ["序号", "姓名", "性别", "类别", "层级", "届次", "代表组/界别", "工作单位及职务", "联系电话", "状态"]
# Millimetres, summing to the 225 mm landscape type area. At 12 pt a Chinese character is 4.2 mm and a cell
# loses 3.8 mm to its margins: 姓名, 类别 and 届次 fit four characters, 层级 fits "县（区）级"; work units wrap.
# An 11-digit mobile must stay on one line in whatever Latin font renders the digits: Times New Roman's are
# 0.5 em, but where it is missing (LibreOffice on Linux) DejaVu Serif's are 0.64 em, 2.7 mm at 12 pt.
CELL_MARGINS_MM = 3.8
MOBILE_DIGIT_MM = 0.64 * 12 * 25.4 / 72
MOBILE_MM = 35  # >= 11 * MOBILE_DIGIT_MM + CELL_MARGINS_MM (33.6 mm)
WIDTHS_MM = [13, 21, 13, 21, 26, 21, 28, 34, MOBILE_MM, 13]
ALIGNS = ["center", "center", "center", "center", "center", "center", "left", "left", "center", "center"]


@dataclass
class RegisterRow:
    """One deputy's line in the register, every field already formatted as text."""

    name: str
    gender: str
    kind: str
    level: str
    term: str
    group: str
    work_unit_post: str
    mobile: str
    status: str


@dataclass
class RegisterDocument:
    """Everything the register document shows; built by the register area's service."""

    court_name: str
    filter_summary: str
    generated_on: datetime.date
    rows: list[RegisterRow] = field(default_factory=list)
    people: int | None = None  # how many people the rows are (a person may have several mandates); len(rows)

    @property
    def people_count(self) -> int:
        return len(self.rows) if self.people is None else self.people

    @property
    def title(self) -> str:
        """The document title, naming the court when there is one."""
        if self.court_name:
            return f"{self.court_name}人大代表、政协委员联络名册"
        return "人大代表、政协委员名册"


def build_register_docx(data: RegisterDocument) -> bytes:
    """Return the register as a .docx: landscape A4, title, filter line, the table, then count and date."""
    document = OfficialDocument(landscape=True)
    document.title(data.title)
    if data.filter_summary:
        document.subtitle(data.filter_summary)
    document.table(
        HEADERS,
        (
            (i, r.name, r.gender, r.kind, r.level, r.term, r.group, r.work_unit_post, r.mobile, r.status)
            for i, r in enumerate(data.rows, start=1)
        ),
        widths_mm=WIDTHS_MM,
        aligns=ALIGNS,
    )
    document.split_line(f"共 {data.people_count} 人", f"制表日期：{format_date(data.generated_on)}")
    return document.to_bytes()


def register_document(mandates: list[Mandate], filter_summary: str, court_name: str) -> RegisterDocument:
    """The data of the register's Word export: a line per mandate."""
    rows = [RegisterRow(name=m.deputy.name, gender=m.deputy.gender.label, kind=m.kind.label, level=m.level.label,
                        term=m.term, group=m.group_name,
                        work_unit_post=" ".join(p for p in (m.deputy.work_unit, m.deputy.post) if p),
                        mobile=shown_mobile(m.deputy.mobile), status=m.status.label) for m in mandates]
    return RegisterDocument(court_name=court_name, filter_summary=filter_summary, generated_on=clock.today(),
                            rows=rows, people=len({m.deputy_id for m in mandates}))
