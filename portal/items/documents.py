"""The Word documents of tracked items in the GB/T 9704 layout (portal.documents.gbt9704): the reply letter (答复函),
the supervision notice (督办通知), the concerned-case report (关注案件办理情况报告) and the item table of a period
with its figures; and that table with its figures as an Excel workbook.

Each document is a plain dataclass and a ``build_…`` function that makes the .docx bytes from it without touching
the database; beside it, the adapter that fills the dataclass from an item (``reply_letter(item)``, …).
"""
from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import Row

from portal import clock
from portal.auth.models import User
from portal.documents.gbt9704 import OfficialDocument, format_date
from portal.documents.xlsx import Sheet, build_workbook, list_title
from portal.items.models import Item, ItemContact, ItemEvent
from portal.items.queries import FigureReport, Figures, stream_period_rows
from portal.items.services import number_parts
from portal.items.supervision import SUPERVISED
from portal.items.workflow import division_head
from portal.register.models import DeputyKind


def _paragraphs(document: OfficialDocument, text: str) -> None:
    """Body text as paragraphs: one per non-empty line the user typed."""
    lines = [line.strip() for line in (text or "").replace("\r", "\n").split("\n") if line.strip()]
    for line in lines or ["（无）"]:
        document.paragraph(line)


def _percent(value: int | None) -> str:
    return "—" if value is None else f"{value}%"


def addressee(item: Item) -> str:
    """"张三代表、李四委员：" for the deputies, or the referring body, for a letter's salutation."""
    if item.deputies:
        return "、".join(f"{d.name}{'委员' if d.kind == DeputyKind.CPPCC else '代表'}" for d in item.deputies) + "："
    return f"{item.source_body or '来件人'}："


def split_salutation(reply: str) -> tuple[str, str]:
    """(the salutation the handler typed as the reply's first line, e.g. "尊敬的张三代表：", the rest); ("", reply)
    when the reply does not start with one."""
    first, _, rest = (reply or "").strip().partition("\n")
    first = first.strip()
    if first.endswith(("：", ":")) and len(first) <= 40 and "。" not in first:
        return first.rstrip(":：") + "：", rest.strip()
    return "", reply


def document_number(item: Item, word: str, suffix: str = "") -> str:
    """The 文号 of an item's document: the court's code, the word, the year in 〔〕, the item's sequence:
    YLZY答复〔2025〕12号, YLZY督办〔2025〕12-2号."""
    year, sequence = number_parts(item)
    return f"{item.court.code.upper()}{word}〔{year}〕{sequence}{suffix}号"


# --- the reply letter ---------------------------------------------------------------------------------------

@dataclass
class ReplyLetter:
    court_name: str
    addressee: str  # "张三代表：" or "市人大常委会办公室："
    kind_label: str
    title: str
    number: str
    received_on: datetime.date
    reply: str
    department: str
    handler: str
    dated: datetime.date
    final: bool  # False while the reply is still a draft (答复稿)
    doc_number: str = ""  # 文号, e.g. YLZY答复〔2025〕12号


def build_reply_letter(data: ReplyLetter) -> bytes:
    """答复函: addressed to the deputies, the court as issuer, dated; a draft says so in its title."""
    document = OfficialDocument()
    document.title(f"{data.court_name}\n关于《{data.title}》的答复" + ("" if data.final else "（征求意见稿）"))
    if data.doc_number:
        document.doc_number(data.doc_number)
    document.salutation(data.addressee)
    document.paragraph(f"您于{format_date(data.received_on)}提出的{data.kind_label}《{data.title}》"
                       f"（登记编号：{data.number}）收悉。我院高度重视，经认真研究办理，现答复如下：")
    _paragraphs(document, data.reply)
    document.paragraph("感谢您对人民法院工作的关心、理解和支持，欢迎继续提出宝贵意见和建议。")
    contact = "　".join(part for part in (f"承办部门：{data.department}" if data.department else "",
                                          f"联系人：{data.handler}" if data.handler else "") if part)
    if contact:
        document.paragraph(contact)
    document.signature(data.court_name, data.dated)
    return document.to_bytes()


def reply_letter(item: Item) -> ReplyLetter:
    """The item's reply as a letter: a draft (答复稿) until answered, then dated the day of the answer."""
    answered = clock.local_date(item.answered_at) if item.answered_at else clock.today()
    salutation, reply = split_salutation(item.reply)
    return ReplyLetter(court_name=item.court.name, addressee=salutation or addressee(item), kind_label=item.kind.label,
                       title=item.title, number=item.number, received_on=item.received_on, reply=reply,
                       department=item.department.name if item.department else "",
                       handler=item.handler.display_name if item.handler else "", dated=answered,
                       final=item.answered_at is not None, doc_number=document_number(item, "答复"))


# --- the supervision notice ---------------------------------------------------------------------------------

@dataclass
class SupervisionNotice:
    court_name: str
    department: str
    number: str
    kind_label: str
    title: str
    deputies: str
    received_on: datetime.date
    assigned_on: datetime.date | None
    deadline: datetime.date | None
    leader: str
    handler: str
    status_line: str  # "已超过办理期限 5 天" / "距办理期限还有 2 天", as of ``dated``
    requirement: str
    doc_number: str  # 文号: YLZY督办〔2025〕12-2号 for the second notice on item YLZY-2025-0012
    dated: datetime.date  # the day the 督办 was recorded


def build_supervision_notice(data: SupervisionNotice) -> bytes:
    document = OfficialDocument()
    document.title("督办通知")
    document.doc_number(data.doc_number)
    document.salutation(f"{data.department}：")
    origin = f"（{data.deputies}）" if data.deputies else ""
    assigned = f"于{format_date(data.assigned_on)}交你部门办理，" if data.assigned_on else "已交你部门办理，"
    deadline = f"办理期限为{format_date(data.deadline)}" if data.deadline else "请尽快确定办理期限"
    document.paragraph(f"{format_date(data.received_on)}登记的{data.kind_label}《{data.title}》{origin}"
                       f"（登记编号：{data.number}），{assigned}{deadline}。截至{format_date(data.dated)}，{data.status_line}。")
    document.paragraph(data.requirement)
    document.paragraph("请你部门高度重视，落实专人办理，按期将办理结果和答复意见报送院人大代表联络工作办公室；"
                       "不能按期办结的，请书面说明原因。")
    if data.leader or data.handler:
        document.paragraph("　".join(p for p in (f"责任领导：{data.leader}" if data.leader else "",
                                                 f"承办人：{data.handler}" if data.handler else "") if p))
    document.signature(data.court_name, data.dated)
    return document.to_bytes()


def supervision_problem(item: Item, events: list[ItemEvent]) -> str | None:
    """Why no supervision notice can be printed: none for an item not assigned, or answered before any 督办."""
    if item.department_id is None:
        return "事项尚未交办承办部门，无法生成督办通知。"
    if item.state not in SUPERVISED and not any(e.action == "supervise" for e in events):
        return "事项已答复，无需督办。"
    return None


def supervision_notice(item: Item, events: list[ItemEvent]) -> SupervisionNotice:
    notices = [e for e in events if e.action == "supervise"]
    # The notice of the latest recorded 督办, dated that day and stating the item's state then; before any is
    # recorded, the one that would be issued today.
    dated = clock.local_date(notices[-1].at) if notices else clock.today()
    if item.answered_on and item.answered_on <= dated:
        status = f"该件已于{format_date(item.answered_on)}答复"
    elif item.due_on is None:
        status = "尚未确定办理期限"
    elif item.due_on < dated:
        status = f"已超过办理期限 {(dated - item.due_on).days} 天，仍未答复"
    else:
        status = f"距办理期限还有 {(item.due_on - dated).days} 天，尚未答复"
    return SupervisionNotice(
        court_name=item.court.name, department=item.department.name if item.department else "", number=item.number,
        kind_label=item.kind.label, title=item.title, deputies="、".join(d.name for d in item.deputies),
        received_on=item.received_on,
        assigned_on=clock.local_date(item.assigned_at) if item.assigned_at else None,
        deadline=item.deadline, leader=item.leader.display_name if item.leader else "",
        handler=item.handler.display_name if item.handler else "", status_line=status,
        requirement=notices[-1].note if notices else "请按期办结并报送办理结果。",
        doc_number=document_number(item, "督办", f"-{max(len(notices), 1)}"), dated=dated)


# --- the concerned-case report ------------------------------------------------------------------------------

@dataclass
class ContactLine:
    at: str
    person: str
    channel: str
    content: str


@dataclass
class CaseReport:
    court_name: str
    number: str
    case_number: str
    title: str
    deputies: str
    received_on: datetime.date
    content: str
    department: str
    handler: str
    panel_opinion: str
    division_opinion: str
    vice_president_opinion: str
    division_signed: str  # "李四　2025年3月1日", or "" while unsigned
    vice_president_signed: str
    division_head: str = ""  # the department's head, who signs as 庭长
    leader: str = ""  # the responsible leader, who signs as 分管副院长
    contacts: list[ContactLine] | None = field(default_factory=list)  # None: not for this reader
    dated: datetime.date = field(default_factory=clock.today)


def build_case_report(data: CaseReport) -> bytes:
    """The report on a case a deputy is concerned about: three levels answer for it, two sign it."""
    document = OfficialDocument()
    document.title(f"关于{data.case_number or data.title}案件\n办理情况的报告")
    document.heading("一、基本情况", 1)
    document.paragraph(f"登记编号：{data.number}；案号：{data.case_number or '—'}；关注的代表委员：{data.deputies or '—'}；"
                       f"登记日期：{format_date(data.received_on)}；承办部门：{data.department or '—'}"
                       + (f"；承办人：{data.handler}" if data.handler else "") + "。")
    _paragraphs(document, data.content)
    for heading, text in (("二、合议庭意见", data.panel_opinion), ("三、庭长意见", data.division_opinion),
                          ("四、分管副院长意见", data.vice_president_opinion)):
        document.heading(heading, 1)
        _paragraphs(document, text)
    document.heading("五、过问情况登记（过问留痕）", 1)
    if data.contacts is None:
        document.paragraph("过问情况登记由院人大代表联络工作办公室和院领导掌握，本文本不予列明。")
    elif data.contacts:
        document.table(["时间", "过问人", "方式", "过问内容"],
                       [(c.at, c.person, c.channel, c.content) for c in data.contacts],
                       widths_mm=[40, 24, 16, 76], aligns=["center", "center", "center", "left"])
    else:
        document.paragraph("无人过问本案。")
    document.paragraph("")
    blank = "＿＿＿＿＿＿　　　　年　月　日"
    document.paragraph(f"庭长（签字）：{data.division_signed or (data.division_head + '　' if data.division_head else '') + blank}",
                       indent=False)
    document.paragraph(f"分管副院长（签字）：{data.vice_president_signed or (data.leader + '　' if data.leader else '') + blank}",
                       indent=False)
    document.signature(data.court_name, data.dated)
    return document.to_bytes()


def _signed(user: User | None, at: datetime.datetime | None) -> str:
    if user is None or at is None:
        return ""
    local = clock.local_date(at)
    return f"{user.display_name}　{local.year}年{local.month}月{local.day}日"


def case_report(item: Item, item_contacts: list[ItemContact] | None) -> CaseReport:
    """The report's data; ``item_contacts`` None when the reader may not see 过问留痕 (the section says so)."""
    lines = None if item_contacts is None else [
        ContactLine(at=clock.to_local(c.contacted_at).strftime("%Y-%m-%d %H:%M"), person=c.person, channel=c.channel,
                    content=c.content) for c in item_contacts]
    signed = [at for at in (item.division_signed_at, item.vice_president_signed_at) if at]
    head = division_head(item)
    return CaseReport(
        court_name=item.court.name, number=item.number, case_number=item.case_number, title=item.title,
        deputies="、".join(d.name for d in item.deputies), received_on=item.received_on, content=item.content,
        department=item.department.name if item.department else "",
        handler=item.handler.display_name if item.handler else "", panel_opinion=item.panel_opinion,
        division_opinion=item.division_opinion, vice_president_opinion=item.vice_president_opinion,
        division_head=head.display_name if head else "", leader=item.leader.display_name if item.leader else "",
        division_signed=_signed(item.division_signed_by, item.division_signed_at),
        vice_president_signed=_signed(item.vice_president_signed_by, item.vice_president_signed_at),
        contacts=lines, dated=clock.local_date(max(signed)) if signed else clock.today())


# --- the item table of a period -----------------------------------------------------------------------------

@dataclass
class TableRow:
    court: str
    number: str
    kind: str
    source: str
    title: str
    department: str
    deadline: str
    state: str
    answered: str
    rating: str


@dataclass
class FigureLine:
    label: str
    received: int
    closed: int
    closed_rate: int | None
    on_time_rate: int | None
    satisfied_rate: int | None


@dataclass
class ItemTable:
    """A period's items and figures. ``rows`` may be a generator over a query (the table is streamed and the rows
    read once); ``several_courts`` then says whether they span courts (None: found from the rows, a list)."""

    court_name: str
    date_from: datetime.date
    date_to: datetime.date
    rows: Iterable[TableRow]
    total: FigureLine
    by_kind: list[FigureLine]
    by_department: list[FigureLine]
    dated: datetime.date
    several_courts: bool | None = None


FIGURE_HEADERS = ["", "收件（件）", "办结（件）", "办结率", "按期办结率", "满意率"]
ITEM_HEADERS = ["序号", "登记编号", "类别", "提出人/交办机关", "标题", "承办部门", "办理期限", "状态", "答复日期", "评价"]
# Millimetres, 225 in all (landscape). At 10 pt a Chinese character is 3.5 mm, a digit 1.8 mm, and a cell loses
# 3.8 mm to its margins (LibreOffice's digits measure 2.1 mm): 登记编号, dates and 基本满意 fit on one line;
# titles and long department names wrap.
ITEM_WIDTHS = [10, 23, 19, 22, 42, 26, 25, 15, 25, 18]
ITEM_ALIGNS = ["center", "center", "center", "left", "left", "center", "center", "center", "center", "center"]


def _figure_rows(lines: list[FigureLine]):
    return [(f.label, f.received, f.closed, _percent(f.closed_rate), _percent(f.on_time_rate),
             _percent(f.satisfied_rate)) for f in lines]


def item_table_docx(data: ItemTable, *, stream: bool = True) -> OfficialDocument:
    """The table of a period's items with the totals, then the figures by kind and by department.

    ``stream``: the items' rows are read and written when the document is saved (``stream=False``: the
    python-docx tree as before, for comparison).
    """
    document = OfficialDocument(landscape=True)
    document.title(f"{data.court_name}交办督办件办理情况统计表")
    document.subtitle(f"（{format_date(data.date_from)}至{format_date(data.date_to)}）")
    t = data.total
    document.paragraph(
        f"本期共收到代表建议、委员提案、来信、关注案件和交办件{t.received}件，已办结{t.closed}件，"
        f"办结率{_percent(t.closed_rate)}；按期办结率{_percent(t.on_time_rate)}；满意率{_percent(t.satisfied_rate)}"
        f"（满意和基本满意件数占已评价件数的比例）。")
    document.heading("一、办理情况明细", 1)
    several = data.several_courts
    if several is None:
        several = len({r.court for r in data.rows}) > 1  # numbers repeat across courts: name the court too
    counted = [0]

    def number(r: TableRow) -> str:
        return f"{r.number}\n{r.court.removesuffix('人民法院')}" if several else r.number

    def lines() -> Iterator[tuple]:
        for n, r in enumerate(data.rows, start=1):
            counted[0] = n
            yield (n, number(r), r.kind, r.source, r.title, r.department, r.deadline, r.state, r.answered, r.rating)

    document.table(ITEM_HEADERS, lines(), widths_mm=ITEM_WIDTHS, aligns=ITEM_ALIGNS, font_size_pt=10,
                   total_row=["合计", f"{t.received}件", "", f"已办结{t.closed}件", "", "", "", "", "", ""],
                   stream=stream)
    widths = [65, 32, 32, 32, 32, 32]
    aligns = ["left"] + ["center"] * 5
    document.heading("二、按类别统计", 1)
    document.table(["类别", *FIGURE_HEADERS[1:]], _figure_rows(data.by_kind), widths_mm=widths, aligns=aligns,
                   total_row=_figure_rows([t])[0])
    document.heading("三、按承办部门统计", 1)
    document.table(["承办部门", *FIGURE_HEADERS[1:]], _figure_rows(data.by_department), widths_mm=widths,
                   aligns=aligns, total_row=_figure_rows([t])[0])
    document.split_line(f"共 {document.later(lambda: counted[0])} 件", f"制表日期：{format_date(data.dated)}")
    return document


def build_item_table(data: ItemTable) -> bytes:
    """The bytes of the .docx of ``item_table_docx``."""
    return item_table_docx(data).to_bytes()


def _figure_line(f: Figures) -> FigureLine:
    return FigureLine(f.label, f.received, f.closed, f.closed_rate, f.on_time_rate, f.satisfied_rate)


XLSX_ITEM_HEADERS = ["登记编号", "法院", "类别", "收件日期", "提出人/交办机关", "标题", "相关案号", "责任领导",
                     "承办部门", "承办人", "办理期限", "状态", "答复日期", "办结时间", "评价"]
XLSX_FIGURE_HEADERS = ["统计口径", "名称", "收件（件）", "办结（件）", "在办（件）", "办结率", "按期办结（件）",
                       "按期办结率", "已评价（件）", "满意（件）", "满意率"]
RATES = ("办结率", "按期办结率", "满意率")


def _rate(value: int | None) -> float | str:
    """A whole percent as Excel's fraction (shown as 85%), or "—" without a base, as on the figures page."""
    return "—" if value is None else value / 100


def _figure_cells(group: str, f: Figures) -> list:
    return [group, f.label, f.received, f.closed, f.open, _rate(f.closed_rate), f.on_time, _rate(f.on_time_rate),
            f.rated, f.satisfied, _rate(f.satisfied_rate)]


def build_item_xlsx(court_name: str, rows: Iterable[tuple[Row, list[str]]], report: FigureReport) -> bytes:
    """The figures page as a workbook: the period's items a row each (what the user sees, as on the Word table;
    ``rows`` from ``queries.stream_period_rows``), and the figures (收件、办结、办结率、按期办结率、满意率) by kind,
    by department and in all."""
    def local(moment):
        return clock.to_local(moment).replace(tzinfo=None) if moment else None

    item_rows = ([r.number, r.court, r.kind.label, r.received_on, "、".join(names) or r.source_body or r.origin.label,
                  r.title, r.case_number, r.leader or "", r.department or "", r.handler or "", r.deadline,
                  r.state.label, r.answered_on, local(r.closed_at), r.rating.label if r.rating else ""]
                 for r, names in rows)  # written as read
    figure_rows = ([_figure_cells("按类别", f) for f in report.by_kind]
                   + [_figure_cells("按承办部门", f) for f in report.by_department]
                   + [_figure_cells("合计", report.total)])
    period = f"收件日期{format_date(report.date_from)}至{format_date(report.date_to)}"
    return build_workbook([Sheet("事项", XLSX_ITEM_HEADERS, item_rows),
                           Sheet("办理统计", XLSX_FIGURE_HEADERS, figure_rows, formats=dict.fromkeys(RATES, "0%"))],
                          title=list_title(court_name, "交办督办件办理情况", period))


def stream_table_rows(court_ids: list[int], date_from: datetime.date, date_to: datetime.date, *,
                      user=None) -> Iterator[TableRow]:
    """``item_table``'s rows of the period's items, made as ``queries.stream_period_rows`` reads them: the same
    text as from the items themselves."""
    for r, names in stream_period_rows(court_ids, date_from, date_to, user=user):
        yield TableRow(court=r.court, number=r.number, kind=r.kind.label,
                       source="、".join(names) or r.source_body or r.origin.label, title=r.title,
                       department=r.department or "", deadline=r.deadline.isoformat() if r.deadline else "",
                       state=r.state.label, answered=r.answered_on.isoformat() if r.answered_on else "",
                       rating=r.rating.label if r.rating else "")


def item_table(court_name: str, date_from: datetime.date, date_to: datetime.date, items: Iterable[Item | TableRow],
               report: FigureReport, *, several_courts: bool | None = None) -> ItemTable:
    """The period's items, one row each, with the figures of ``report`` under them. ``items`` may be an iterator
    of rows already made (``stream_table_rows``; ``several_courts`` then from ``queries.period_court_count``): the
    table is streamed from it."""
    rows = (i if isinstance(i, TableRow) else TableRow(court=i.court.name, number=i.number, kind=i.kind.label,
                     source="、".join(d.name for d in i.deputies) or i.source_body or i.origin.label, title=i.title,
                     department=i.department.name if i.department else "",
                     deadline=i.deadline.isoformat() if i.deadline else "", state=i.state.label,
                     answered=i.answered_on.isoformat() if i.answered_on else "",
                     rating=i.rating.label if i.rating else "") for i in items)
    if isinstance(items, list):
        rows = list(rows)
    return ItemTable(court_name=court_name, date_from=date_from, date_to=date_to, rows=rows,
                     total=_figure_line(report.total), by_kind=[_figure_line(f) for f in report.by_kind],
                     by_department=[_figure_line(f) for f in report.by_department], dated=clock.today(),
                     several_courts=several_courts)
