"""The reception log's documents: the record of one visit (来访接待登记表) and the register of a period
(接待登记汇总) in Word, the log as filtered in Excel, built from plain data objects, and the adapters that turn
receptions into that data."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from docx.enum.table import WD_ROW_HEIGHT_RULE
from docx.oxml.ns import qn
from docx.shared import Mm

from portal import clock
from portal.documents import STREAM_ROWS
from portal.documents.gbt9704 import (
    OfficialDocument,
    clean_text,
    format_date,
    format_datetime,
)
from portal.documents.xlsx import Sheet, build_workbook, list_title
from portal.privacy import shown_mobile
from portal.reception.models import Reception
from portal.reception.services import FollowUp, ReceptionFilters, VisitNames, followups_of, names_of
from portal.register.models import Deputy

# The record is a form: label, value, label, value across the 156 mm portrait type area; long answers span the
# three value columns. At 12 pt a character is 4.2 mm and a cell loses 3.8 mm to its margins: the first label
# column fits "接待领导/人员", the first value column "2025年12月31日 14:30", the second label "接待方式".
RECORD_WIDTHS_MM = [32, 56, 24, 44]
# Minimum heights leave room to write by hand; with them the whole record still fits one page.
TALL_ROWS_MM = {"谈话内容": 40, "反映诉求": 25, "办理情况": 25}

REGISTER_HEADERS = ["序号", "接待时间", "方式", "来访代表委员", "人次", "接待人员", "事由", "办理情况"]
# Millimetres, summing to the 225 mm landscape type area. At 11 pt a Chinese character is 3.9 mm, a digit 1.9 mm,
# and a cell loses 3.8 mm to its margins: 接待时间 holds "2025年12月31日" (with room for wider digit fonts) over
# "14:30", 方式 holds "电子信箱".
REGISTER_WIDTHS_MM = [12, 42, 20, 34, 13, 26, 34, 44]
REGISTER_ALIGNS = ["center", "center", "center", "left", "center", "left", "left", "left"]
XLSX_HEADERS = ["接待时间", "法院", "方式", "地点", "来访代表委员", "手机号码", "其他来访人员", "人次", "接待人员",
                "联络员", "事由", "谈话内容", "反映诉求", "办理情况", "跟踪事项"]


@dataclass
class ReceptionRecord:
    """One visit, every field already text (times in Beijing time)."""

    court_name: str
    number: int
    received_at: datetime.datetime
    place: str
    channel: str
    deputies: list[str]
    other_visitors: list[str]
    persons: int
    hosts: list[str]
    liaison_officer: str
    subject: str
    content: str
    requests: str
    handling: str


@dataclass
class RegisterLine:
    received_at: datetime.datetime
    channel: str
    visitors: str
    persons: int
    hosts: str
    subject: str
    handling: str  # what staff noted and the tracked items, as the Word register shows it
    # the rest only in the Excel list
    court: str = ""
    place: str = ""
    deputies: str = ""
    mobiles: str = ""
    others: str = ""
    liaison_officer: str = ""
    content: str = ""
    requests: str = ""
    noted: str = ""  # what staff noted, without the tracked items
    items: str = ""


@dataclass
class ReceptionRegister:
    """The receptions of a period, with the totals the summary shows.

    ``lines`` may be a generator over a query (``stream_register_document``): the Word table is streamed, the
    lines read once, and ``items`` and ``answered`` are counted as they are read (``visits`` and ``persons`` are
    then only known to the document).
    """

    court_name: str
    period: str
    generated_on: datetime.date
    lines: Iterable[RegisterLine] = field(default_factory=list)
    items: int = 0  # tracked items raised at these visits
    answered: int = 0  # of which answered (已答复, 已评价 or 已办结)

    @property
    def visits(self) -> int:
        return len(self.lines)

    @property
    def persons(self) -> int:
        return sum(line.persons for line in self.lines)


def build_record_docx(data: ReceptionRecord) -> bytes:
    """Return one visit's 来访接待登记表: title, the form table, then lines for the two signatures."""
    document = OfficialDocument()
    document.title("来访接待登记表")
    document.split_line(f"接待单位：{data.court_name}", f"编号：{data.received_at.year}-{data.number:05d}")
    visitors = "、".join(data.deputies) or "—"
    rows = [
        ("接待地点", data.place, "人次", str(data.persons)),
        ("来访代表委员", visitors, None, None),
        ("其他来访人员", "、".join(data.other_visitors), None, None),
        ("接待领导/人员", "、".join(data.hosts), "联络员", data.liaison_officer),
        ("事由", data.subject, None, None),
        ("谈话内容", data.content, None, None),
        ("反映诉求", data.requests, None, None),
        ("办理情况", data.handling, None, None),
    ]
    table = document.table(
        ["接待时间", format_datetime(data.received_at), "接待方式", data.channel],
        [tuple("" if v is None else v for v in row) for row in rows],
        widths_mm=RECORD_WIDTHS_MM,
        aligns=["center", "left", "center", "left"],
    )
    _as_form(table, rows)
    document.split_line("接待人签字：", "记录人签字：　　　　　　　　")
    document.split_line("", "年　　月　　日")
    return document.to_bytes()


def _as_form(table, rows) -> None:
    """Turn the engine's list table into a form: the first row is data too (not a repeated bold header), labels
    are bold, single answers span the three value columns and long answers get room to write."""
    header = table.rows[0]
    header._tr.get_or_add_trPr().remove(header._tr.trPr.find(qn("w:tblHeader")))
    for column, cell in enumerate(header.cells):
        for run in cell.paragraphs[0].runs:
            run.font.bold = column in (0, 2)
        if column in (1, 3):
            cell.paragraphs[0].alignment = 0  # left, like the other values
    for index, (label, _value, label2, _value2) in enumerate(rows, start=1):
        row = table.rows[index]
        for column in (0, 2) if label2 else (0,):
            for run in row.cells[column].paragraphs[0].runs:
                run.font.bold = True
        if label2 is None:
            row.cells[1].merge(row.cells[3])
            merged = row.cells[1]
            for extra in merged.paragraphs[1:]:  # merging keeps the emptied cells' paragraphs
                extra._p.getparent().remove(extra._p)
        if label in TALL_ROWS_MM:
            row.height = Mm(TALL_ROWS_MM[label])
            row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST


def register_docx(data: ReceptionRegister, *, stream: bool = True) -> OfficialDocument:
    """The period's 接待登记汇总: landscape A4, title and period, the table with a totals row, a summary.

    ``stream``: the table's lines are read and written when the document is saved (``stream=False``: the
    python-docx tree as before, for comparison).
    """
    document = OfficialDocument(landscape=True)
    document.title(f"{data.court_name}\n来访接待登记汇总" if data.court_name else "来访接待登记汇总")
    document.subtitle(f"（{data.period}）")
    visits, persons = [0], [0]

    def rows() -> Iterator[tuple]:
        for i, line in enumerate(data.lines, start=1):
            visits[0], persons[0] = i, persons[0] + line.persons
            yield (i, f"{format_date(line.received_at)}\n{line.received_at:%H:%M}", line.channel, line.visitors,
                   line.persons, line.hosts, line.subject, line.handling)

    visits_text, persons_text = document.later(lambda: visits[0]), document.later(lambda: persons[0])
    summary = document.later(lambda: _items_summary(data))
    document.table(
        REGISTER_HEADERS,
        rows(),
        widths_mm=REGISTER_WIDTHS_MM,
        aligns=REGISTER_ALIGNS,
        font_size_pt=11,
        total_row=("合计", f"{visits_text} 次", "", "", persons_text, "", "", summary),
        stream=stream,
    )
    document.split_line(f"共接待 {visits_text} 次、{persons_text} 人次；{summary}",
                        f"制表日期：{format_date(data.generated_on)}")
    return document


def build_register_docx(data: ReceptionRegister) -> bytes:
    """The bytes of the .docx of ``register_docx``."""
    return register_docx(data).to_bytes()


def build_register_xlsx(data: ReceptionRegister) -> bytes:
    """The log as filtered, a row each, under a title naming the court(s) and the period."""
    rows = [[line.received_at, line.court, line.channel, line.place, line.deputies, line.mobiles, line.others,
             line.persons, line.hosts, line.liaison_officer, line.subject, line.content, line.requests, line.noted,
             line.items] for line in data.lines]
    return build_workbook([Sheet("来访接待", XLSX_HEADERS, rows)],
                          title=list_title(data.court_name, "来访接待登记", data.period))


def _items_summary(data: ReceptionRegister) -> str:
    if not data.items:
        return "未登记跟踪事项"
    return clean_text(f"跟踪事项 {data.items} 件，已答复 {data.answered} 件")


# --- adapters: receptions as the documents' data -------------------------------------------------------------

def deputy_label(deputy: Deputy) -> str:
    """张三（市级人大代表，云岭市某某公司董事长）"""
    unit = "".join(p for p in (deputy.work_unit, deputy.post) if p)
    return f"{deputy.name}（{deputy.level.label}{deputy.kind.label}{'，' + unit if unit else ''}）"


def followup_text(followup: FollowUp) -> str:
    return "\n".join(f"{i.number} {i.kind.label}：{i.title}（{i.state.label}）" for i in followup.items)


def record_document(reception: Reception) -> ReceptionRecord:
    """The data of one visit's 来访接待登记表."""
    followup = followups_of([reception.id])[reception.id]
    handling = "\n".join(p for p in (reception.handling, followup_text(followup)) if p)
    return ReceptionRecord(
        court_name=reception.court.name, number=reception.id,
        received_at=clock.to_local(reception.received_at).replace(tzinfo=None),
        place=reception.place, channel=reception.channel.label,
        deputies=[deputy_label(d) for d in reception.deputies], other_visitors=reception.other_visitor_names,
        persons=reception.person_count, hosts=[u.display_name for u in reception.hosts],
        liaison_officer=reception.liaison_officer.display_name if reception.liaison_officer else "",
        subject=reception.subject, content=reception.content, requests=reception.requests, handling=handling)


def _register_line(r: Reception, followup: FollowUp, names: VisitNames) -> RegisterLine:
    items = followup_text(followup)
    handling = "\n".join(p for p in (r.handling, items) if p)
    deputies = [name for name, _ in names.deputies]
    visitors = "、".join(deputies + r.other_visitor_names)
    return RegisterLine(received_at=clock.to_local(r.received_at).replace(tzinfo=None),
                        channel=r.channel.label, visitors=visitors, persons=len(deputies) + r.other_count,
                        hosts="、".join(names.hosts), subject=r.subject,
                        handling=handling, court=r.court.name, place=r.place,
                        deputies="、".join(deputies),
                        mobiles="、".join(shown_mobile(mobile) for _, mobile in names.deputies if mobile),
                        others="、".join(r.other_visitor_names),
                        liaison_officer=r.liaison_officer.display_name if r.liaison_officer else "",
                        content=r.content, requests=r.requests, noted=r.handling, items=items)


def _lines(receptions: Iterable[Reception], register: ReceptionRegister) -> Iterator[RegisterLine]:
    """The receptions' lines, their people and follow-ups read a batch at a time (which also stays under database
    parameter limits), counting the register's tracked items as they go."""
    batch: list[Reception] = []
    iterator = iter(receptions)
    while True:
        batch = [r for _, r in zip(range(STREAM_ROWS), iterator)]
        if not batch:
            return
        ids = [r.id for r in batch]
        followups, names = followups_of(ids), names_of(ids)
        for r in batch:
            followup = followups[r.id]
            register.items += len(followup.items)
            register.answered += len(followup.items) - len(followup.open_items)
            yield _register_line(r, followup, names[r.id])


def register_document(receptions: list[Reception], filters: ReceptionFilters, scope) -> ReceptionRegister:
    """The data of the period's 接待登记汇总 of a court scope (portal.access.CourtScope), its lines in a list."""
    register = stream_register_document(receptions, filters, scope)
    register.lines = list(register.lines)
    return register


def stream_register_document(receptions: Iterable[Reception], filters: ReceptionFilters, scope) -> ReceptionRegister:
    """``register_document`` with its lines made as ``receptions`` (a query's streamed result,
    ``services.stream_filtered``) are read, for the streamed Word table."""
    register = ReceptionRegister(court_name=scope.title, period=filters.period.label, generated_on=clock.today())
    register.lines = _lines(receptions, register)
    return register
