"""The monthly briefing (每月通报) and the quarterly report (季度汇报) as Word, in the GB/T 9704 layout: the figures
in sentences, tables where a table serves (the figures, the open items by department, what comes next).

Each ``build_…`` turns the service's dataclass into .docx bytes without touching the database; the route sends
them and the command line writes the same bytes.
"""
from __future__ import annotations

from portal.documents.gbt9704 import OfficialDocument, format_date
from portal.reports.services import Briefing, DepartmentLine, OpenItems, QuarterlyReport, entry_time

CN_NUMBERS = "一二三四五六七八九十"
TABLE_PT = 11
MAX_COURT_COLUMNS = 4  # beyond this the figures table shows the totals only (the page has every court)


def _short(name: str) -> str:
    return name.removesuffix("人民法院")


def _merge_groups(table, spans: list[int]) -> None:
    """Merge the 类别 cells of each group's rows (one group after another, ``spans`` rows each, under the header)."""
    start = 1
    for span in spans:
        if span > 1:
            merged = table.cell(start, 0).merge(table.cell(start + span - 1, 0))
            for paragraph in merged.paragraphs[1:]:  # the emptied cells' paragraphs, moved into it
                paragraph._p.getparent().remove(paragraph._p)
        start += span


def _figures_table(document: OfficialDocument, data: Briefing) -> None:
    """类别 | 项目 | (each court) | 合计: every figure of the month as the dashboard shows it."""
    columns = data.scope.columns if len(data.scope.columns) <= MAX_COURT_COLUMNS else []
    headers = ["类别", "项目", *(_short(c.name) for c in columns), "合计" if columns else "数值"]
    widths = [30, 46, *[(document.text_width_mm - 76) / (len(columns) + 1)] * (len(columns) + 1)] if columns else [
        36, 80, 40]
    rows = [(group.title if i == 0 else "", f.label, *(f.shown(c.id) for c in columns), f.shown())
            for group in data.groups for i, f in enumerate(group.figures)]
    table = document.table(headers, rows, widths_mm=widths, font_size_pt=TABLE_PT,
                           aligns=["center", "left", *["center"] * (len(columns) + 1)])
    _merge_groups(table, [len(group.figures) for group in data.groups])


def _open_summary(open_: OpenItems) -> str:
    still, overdue = open_.total("open"), open_.total("overdue")
    as_of = format_date(open_.as_of)
    if still is None or not still.total:
        return f"截至{as_of}，受理的件已全部办结。"
    return (f"截至{as_of}，受理的件中尚未办结{still.shown()}件，其中超期未答复{overdue.shown()}件。"
            "各承办部门情况如下：")


def _departments_table(document: OfficialDocument, open_: OpenItems, lines: list[DepartmentLine]) -> None:
    document.table(["承办部门", "尚未办结（件）", "其中超期（件）"],
                   [(line.label, line.open.shown(), line.overdue.shown()) for line in lines],
                   widths_mm=[76, 40, 40], aligns=["left", "center", "center"], font_size_pt=TABLE_PT,
                   total_row=("合计", open_.total("open").shown(), open_.total("overdue").shown()))


def _items_table(document: OfficialDocument, lines: list[DepartmentLine], *, overdue_only: bool = False) -> None:
    rows, n = [], 0
    for line in lines:
        for item in line.items:
            if overdue_only and not item.overdue:
                continue
            n += 1
            rows.append((n, line.label, item.number, f"{item.kind_label}《{item.title}》", item.handler or "未指定",
                         format_date(item.deadline) if item.deadline else "未定期限", "超期" if item.overdue else "在办"))
    if rows:
        document.table(["序号", "承办部门", "登记编号", "事项", "承办人", "办理期限", "状态"], rows,
                       widths_mm=[9, 22, 25, 46, 14, 28, 12], font_size_pt=10.5,
                       aligns=["center", "left", "left", "left", "center", "center", "center"])


def _entries(document: OfficialDocument, entries, label: str, court_scope) -> None:
    if not entries:
        document.paragraph(f"{label}暂无已排定的庭审、述职会、联络活动和办理期限，请各部门及时报送安排。")
        return
    document.paragraph(f"{label}已排定的工作如下（取自工作日历），请各部门做好准备：")
    several = court_scope.spans_courts
    headers = ["日期", "时间", "类别", "事项", "地点", *(["法院"] if several else [])]
    rows = [(f"{e.day.month}月{e.day.day}日", entry_time(e) or "全天", e.kind_label, e.title, e.place,
             *([_short(court_scope.name_of(e.court_id))] if several else [])) for e in entries]
    widths = [24, 14, 22, 60, 36] if not several else [24, 14, 22, 46, 24, 26]
    document.table(headers, rows, widths_mm=widths, font_size_pt=10.5,
                   aligns=["center", "center", "center", "left", "left", *(["left"] if several else [])])


def _notes(document: OfficialDocument, notes) -> None:
    document.heading("附：统计口径", 3)
    for term, text in notes:
        document.paragraph(f"{term}：{text}")


def build_briefing_docx(data: Briefing) -> bytes:
    """每月通报: the month's figures, what is still open by department, the work of the month the meeting plans."""
    document = OfficialDocument()
    scope = data.court_scope
    document.title(f"{scope.title}\n{data.title}")
    document.subtitle(f"（{data.period}）")
    document.paragraph(f"例会时间：{data.meeting_label}", indent=False)
    document.paragraph(f"统计范围：{scope.label}；统计截至{format_date(data.scope.as_of)}。", indent=False)
    document.paragraph(f"现将{data.month.label}代表委员联络工作情况通报如下：")
    document.heading(f"一、{data.month.number}月工作情况", 1)
    for i, (title, text) in enumerate(data.paragraphs):
        document.heading(f"（{CN_NUMBERS[i % 10]}）{title}", 2)
        document.paragraph(text)
    if data.groups:
        document.paragraph(f"{data.month.label}主要数据见下表。")
        _figures_table(document, data)
    document.heading("二、超期和尚未办结事项", 1)
    document.paragraph(_open_summary(data.open))
    if data.open.departments:
        _departments_table(document, data.open, data.open.departments)
        document.paragraph("尚未办结事项清单（按承办部门，超期的在前）：")
        _items_table(document, data.open.departments)
    document.heading(f"三、{data.ahead.label}工作安排", 1)
    _entries(document, data.entries, data.ahead.label, scope)
    _notes(document, data.notes)
    document.signature(scope.court.name, data.generated_on)
    return document.to_bytes()


def build_quarterly_docx(data: QuarterlyReport) -> bytes:
    """季度汇报 to the leading group: the quarter's work against the same quarter last year and the year to date,
    the open problems, the next quarter's plan."""
    document = OfficialDocument()
    scope = data.court_scope
    document.title(f"{scope.title}\n{data.title}")
    document.subtitle(f"（{data.period}）")
    document.salutation("院代表委员联络工作领导小组：")
    document.paragraph(f"现将{data.quarter.label}代表委员联络工作情况汇报如下（统计范围：{scope.label}；"
                       f"统计截至{format_date(data.scope.as_of)}）：")
    document.heading("一、本季度工作情况", 1)
    for i, (title, text) in enumerate(data.paragraphs):
        document.heading(f"（{CN_NUMBERS[i % 10]}）{title}", 2)
        document.paragraph(text)
    if data.comparisons:
        document.paragraph("各项工作与上年同期、年初至今对比见下表。")
        rows = [(c.group.title if i == 0 else "", r.label, r.now.shown(), r.before.shown() if r.before else "—",
                 r.change, r.to_date.shown() if r.to_date else "—")
                for c in data.comparisons for i, r in enumerate(c.rows)]
        table = document.table(["类别", "项目", "本季度", "上年同期", "增减", "年初至今"], rows,
                               widths_mm=[30, 46, 20, 20, 20, 20], font_size_pt=TABLE_PT,
                               aligns=["center", "left", "center", "center", "center", "center"])
        _merge_groups(table, [len(c.rows) for c in data.comparisons])
    document.heading("二、存在的问题", 1)
    for text in data.problems or ["本季度未发现超期未答复、评价不满意等问题。"]:
        document.paragraph(text)
    overdue = data.overdue_departments
    if overdue:
        document.paragraph("超期未答复事项清单（按承办部门）：")
        _items_table(document, overdue, overdue_only=True)
    document.heading(f"三、{data.ahead.label}工作安排", 1)
    _entries(document, data.entries, data.ahead.label, scope)
    _notes(document, data.notes)
    document.signature(scope.court.name, data.generated_on)
    return document.to_bytes()
