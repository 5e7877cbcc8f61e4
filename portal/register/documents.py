"""The deputy register (代表委员名册) as a landscape Word table, and the adapter that turns mandates into its data."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from portal import clock
from portal.documents.gbt9704 import OfficialDocument, format_date
from portal.privacy import mask_mobile, sees_personal_info
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
    person: int | None = None  # the deputy's id: a person may have several mandates, and is counted once


@dataclass
class RegisterDocument:
    """Everything the register document shows; built by the register area's service.

    ``rows`` may be a generator over a query: the Word table is streamed, and the rows read once.
    """

    court_name: str
    filter_summary: str
    generated_on: datetime.date
    rows: Iterable[RegisterRow] = field(default_factory=list)
    people: int | None = None  # how many people the rows are; None: counted while they are read

    @property
    def title(self) -> str:
        """The document title, naming the court when there is one."""
        if self.court_name:
            return f"{self.court_name}人大代表、政协委员联络名册"
        return "人大代表、政协委员名册"


def register_docx(data: RegisterDocument, *, stream: bool = True) -> OfficialDocument:
    """The register as a document: landscape A4, title, filter line, the table, then count and date.

    ``stream``: the table's rows are read and written when the document is saved (``stream=False``: the
    python-docx tree as before, for comparison).
    """
    document = OfficialDocument(landscape=True)
    document.title(data.title)
    if data.filter_summary:
        document.subtitle(data.filter_summary)
    people: set[object] = set()

    def lines() -> Iterator[tuple]:
        for i, r in enumerate(data.rows, start=1):
            people.add(i if r.person is None else ("person", r.person))
            yield (i, r.name, r.gender, r.kind, r.level, r.term, r.group, r.work_unit_post, r.mobile, r.status)

    document.table(HEADERS, lines(), widths_mm=WIDTHS_MM, aligns=ALIGNS, stream=stream)
    count = document.later(lambda: len(people) if data.people is None else data.people)
    document.split_line(f"共 {count} 人", f"制表日期：{format_date(data.generated_on)}")
    return document


def build_register_docx(data: RegisterDocument) -> bytes:
    """Return the register as the bytes of a .docx (see ``register_docx``)."""
    return register_docx(data).to_bytes()


def register_document(mandates: Iterable[Mandate], filter_summary: str, court_name: str) -> RegisterDocument:
    """The data of the register's Word export: a line per mandate, made as the mandates are read (``mandates``
    may be a query's streamed result, ``services.stream_filtered``)."""
    full = sees_personal_info()  # once, not per row: the same as shown_mobile for each
    rows = (RegisterRow(name=m.deputy.name, gender=m.deputy.gender.label, kind=m.kind.label, level=m.level.label,
                        term=m.term, group=m.group_name,
                        work_unit_post=" ".join(p for p in (m.deputy.work_unit, m.deputy.post) if p),
                        mobile=(m.deputy.mobile or "") if full else mask_mobile(m.deputy.mobile), status=m.status.label, person=m.deputy_id)
            for m in mandates)
    return RegisterDocument(court_name=court_name, filter_summary=filter_summary, generated_on=clock.today(),
                            rows=rows)
