"""The period's register of liaison activities (联络活动登记汇总) as Word, in the GB/T 9704 layout, and as Excel."""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from portal import clock
from portal.documents.gbt9704 import OfficialDocument, format_date
from portal.documents.xlsx import Sheet, build_workbook, list_title

HEADERS = ["序号", "日期", "类型", "主题", "地点", "参加代表委员", "人次", "院方参加人员", "意见建议"]
# Millimetres, summing to the 225 mm landscape type area. At 11 pt a Chinese character is 3.9 mm, a digit 1.9 mm,
# and a cell loses 3.8 mm to its margins: 日期 holds "2025年12月31日" on one line, 类型 holds "结对联络".
WIDTHS_MM = [11, 32, 21, 33, 26, 32, 12, 24, 34]
ALIGNS = ["center", "center", "center", "left", "left", "left", "center", "left", "left"]
XLSX_HEADERS = ["日期", "法院", "类型", "主题", "地点", "参加代表委员", "其他参加人员", "人次", "院方参加人员",
                "活动内容", "意见建议", "转为跟踪事项"]


@dataclass
class RegisterLine:
    held_on: datetime.date
    court: str
    kind: str
    title: str
    place: str
    deputies: str
    others: str
    persons: int
    staff: str
    content: str
    opinions: str  # one line per opinion: "张三：建议……（2025-0012 已交办）"
    items: int


@dataclass
class ActivityRegister:
    court_name: str
    period: str
    generated_on: datetime.date
    lines: list[RegisterLine] = field(default_factory=list)

    @property
    def activities(self) -> int:
        return len(self.lines)

    @property
    def persons(self) -> int:
        return sum(line.persons for line in self.lines)

    @property
    def items(self) -> int:
        return sum(line.items for line in self.lines)


def register_data(activities, period, scope) -> ActivityRegister:
    """The register of these activities (loaded with their people and opinions) for a period and court scope."""
    lines = []
    for a in activities:
        opinions = "\n".join(f"{o.deputy.name}：{o.text}" + (f"（{o.item.number} {o.item.state.label}）" if o.item else "")
                             for o in a.opinions)
        lines.append(RegisterLine(
            held_on=a.held_on, court=a.court.name, kind=a.kind.label, title=a.title, place=a.place,
            deputies="、".join(d.name for d in a.deputies), others=a.other_participants, persons=a.person_count,
            staff="、".join(u.display_name for u in a.staff), content=a.content, opinions=opinions,
            items=sum(1 for o in a.opinions if o.item_id)))
    return ActivityRegister(court_name=scope.title, period=period.label, generated_on=clock.today(), lines=lines)


def register_docx(data: ActivityRegister, *, stream: bool = True) -> OfficialDocument:
    """Landscape A4: title and period, the table with a totals row, and the summary line.

    ``stream``: the big table is written row by row from its template row when the document is saved, not built
    as a python-docx tree (``stream=False``: the tree as before, for comparison).
    """
    document = OfficialDocument(landscape=True)
    document.title(f"{data.court_name}\n联络活动登记汇总" if data.court_name else "联络活动登记汇总")
    document.subtitle(f"（{data.period}）")
    document.table(
        HEADERS,
        ((i, format_date(line.held_on), line.kind, line.title, line.place,
          "、".join(p for p in (line.deputies, line.others) if p), line.persons, line.staff, line.opinions)
         for i, line in enumerate(data.lines, start=1)),
        widths_mm=WIDTHS_MM, aligns=ALIGNS, font_size_pt=11,
        total_row=("合计", f"{data.activities} 次", "", "", "", "", data.persons, "", _items_summary(data)),
        stream=stream,
    )
    document.split_line(f"共开展联络活动 {data.activities} 次、{data.persons} 人次；{_items_summary(data)}",
                        f"制表日期：{format_date(data.generated_on)}")
    return document


def build_register_docx(data: ActivityRegister) -> bytes:
    """The bytes of the .docx of ``register_docx``."""
    return register_docx(data).to_bytes()


def _items_summary(data: ActivityRegister) -> str:
    return f"意见建议转跟踪事项 {data.items} 件" if data.items else "意见建议未转跟踪事项"


def build_register_xlsx(data: ActivityRegister) -> bytes:
    """The same activities as a spreadsheet, a row each, under a title naming the court(s) and the period."""
    rows = [[line.held_on, line.court, line.kind, line.title, line.place, line.deputies, line.others,
             line.persons, line.staff, line.content, line.opinions, line.items] for line in data.lines]
    return build_workbook([Sheet("联络活动", XLSX_HEADERS, rows)],
                          title=list_title(data.court_name, "联络活动", data.period))
