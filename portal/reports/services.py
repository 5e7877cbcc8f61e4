"""What the monthly briefing and the quarterly report say: their periods (a month, a quarter), the meeting day, and
the data of each document, gathered from the figures (``figures.services.figure_groups(scope)``) and the areas' hooks.

No number is counted here: every figure is a dashboard figure of the same scope (``figures.services.scope_of``),
quoted by its key; the lists (what is open, what comes next) are the hooks' ``outstanding_items`` and
``agenda_entries``, shown beside the figures that count them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from portal import areas, clock
from portal.access import CourtScope
from portal.areas import Entry, Outstanding
from portal.auth.models import Role
from portal.documents.gbt9704 import format_date
from portal.figures.definitions import NOTES, Figure, FigureGroup, Scope, fold_into_columns
from portal.figures.services import FIRST_DAY, figure_groups, scope_of

MONTH_PROBLEM = "月份应写作 2025-03（四位年份、两位月份）。"
QUARTER_PROBLEM = "年份应为四位数字，季度应为 1—4。"
CN_QUARTERS = "一二三四"
WEEKDAYS = "一二三四五六日"


class OfficeReader:
    """Whose calendar a document written on the command line (user None) reads: the whole court scope, as an admin
    sees it (the agenda hooks ask for a user; the figures' ``Scope.user`` stays None): no business role, which sees
    every court (access.visible_court_ids)."""

    role = Role.NONE
    admin_duty = None
    id = court_id = department_id = deputy_id = None
    is_authenticated = True


# --- the periods -------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Month:
    year: int
    number: int

    @property
    def first(self) -> date:
        return date(self.year, self.number, 1)

    @property
    def last(self) -> date:
        return self.shift(1).first - timedelta(days=1)

    @property
    def label(self) -> str:
        return f"{self.year}年{self.number}月"

    @property
    def key(self) -> str:
        return f"{self.year:04d}-{self.number:02d}"

    def shift(self, months: int) -> Month:
        index = self.year * 12 + self.number - 1 + months
        return Month(index // 12, index % 12 + 1)


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int

    @property
    def first(self) -> date:
        return date(self.year, self.number * 3 - 2, 1)

    @property
    def last(self) -> date:
        return Month(self.year, self.number * 3).last

    @property
    def label(self) -> str:
        return f"{self.year}年第{CN_QUARTERS[self.number - 1]}季度"

    def shift(self, quarters: int) -> Quarter:
        index = self.year * 4 + self.number - 1 + quarters
        return Quarter(index // 4, index % 4 + 1)


def span_label(first: date, last: date) -> str:
    return f"{format_date(first)}至{format_date(last)}"


def last_month(today: date | None = None) -> Month:
    today = today or clock.today()
    return Month(today.year, today.month).shift(-1)


def last_quarter(today: date | None = None) -> Quarter:
    today = today or clock.today()
    return Quarter(today.year, (today.month - 1) // 3 + 1).shift(-1)


def parse_month(typed: str | None) -> tuple[Month | None, str]:
    """The month ``YYYY-MM`` typed (empty: last month, in the court's clock), or (None, the Chinese problem): a
    month before 2000 or not yet begun has no records to report."""
    typed = (typed or "").strip()
    if not typed:
        return last_month(), ""
    found = re.fullmatch(r"([0-9]{4})-([0-9]{2})", typed)
    if not found or not 1 <= int(found[2]) <= 12:
        return None, MONTH_PROBLEM
    month = Month(int(found[1]), int(found[2]))
    return (month, "") if not (problem := _range_problem(month.first, month.label)) else (None, problem)


def parse_quarter(typed_year: str | None, typed_quarter: str | None) -> tuple[Quarter | None, str]:
    """The quarter of a year (``2025``) and a number (``1``…``4``); either empty: last quarter's."""
    typed_year, typed_quarter = (typed_year or "").strip(), (typed_quarter or "").strip()
    default = last_quarter()
    if (typed_year and not re.fullmatch(r"[0-9]{4}", typed_year)) or (
            typed_quarter and not re.fullmatch(r"[1-4]", typed_quarter)):
        return None, QUARTER_PROBLEM
    quarter = Quarter(int(typed_year) if typed_year else default.year,
                      int(typed_quarter) if typed_quarter else default.number)
    return (quarter, "") if not (problem := _range_problem(quarter.first, quarter.label)) else (None, problem)


def _range_problem(first: date, label: str) -> str:
    if first < FIRST_DAY:
        return "只能查询2000年以后的情况。"
    if first > clock.today():
        return f"{label}尚未开始，请选择已经开始的期间。"
    return ""


def meeting_day(month: Month) -> date:
    """The day of the briefing meeting on ``month``: held in the month after it, "每月15日后第一个星期二" — the first
    Tuesday strictly after the 15th, so the 16th to the 22nd (a 15th that is a Tuesday puts it a week later)."""
    held = month.shift(1)
    sixteenth = date(held.year, held.number, 16)
    return sixteenth + timedelta(days=(1 - sixteenth.weekday()) % 7)


def weekday(day: date) -> str:
    return f"星期{WEEKDAYS[day.weekday()]}"


# --- the parts both documents have ------------------------------------------------------------------------------

@dataclass
class DepartmentLine:
    """A department's open items: its 在办 and 超期 figures (the figures' 按承办部门 row) and the items they count."""

    label: str
    open: Figure
    overdue: Figure
    items: list[Outstanding]


@dataclass
class OpenItems:
    """What is still open on ``as_of``, of everything received by then: the items group of that scope (its 在办 and
    超期 are the totals) and each department's line."""

    as_of: date
    group: FigureGroup | None
    departments: list[DepartmentLine]

    def total(self, key: str) -> Figure | None:
        return self.group.get(key) if self.group else None


def open_items(scope: Scope) -> OpenItems:
    """The figures of the areas that list their open records (``outstanding_items``) for ``scope``, and those
    records under the row of the 按承办部门 table that counts them."""
    modules = areas.contributing("outstanding_items")
    groups = fold_into_columns([g for module in modules if (g := module.figures(scope)) is not None], scope)
    records = [r for module in modules for r in module.outstanding_items(scope)]
    group = groups[0] if groups else None
    table = next((t for t in group.tables if t.keys), None) if group else None
    lines = []
    if table is not None:
        for key, (label, cells) in zip(table.keys, table.rows, strict=True):
            counted = {c.key: c for c in cells if not c.is_rate}
            if counted["open"].total:
                lines.append(DepartmentLine(label, counted["open"], counted["overdue"],
                                            [r for r in records if r.department_id == key]))
    return OpenItems(scope.as_of, group, lines)


def backlog_scope(user, court_scope: CourtScope, as_of: date) -> Scope:
    """Everything received by ``as_of``, its outcome counted to that day: what is still open then."""
    return scope_of(user, court_scope, FIRST_DAY, as_of, as_of)


def upcoming(user, court_scope: CourtScope, first: date, last: date) -> list[Entry]:
    """The work calendar's entries of those days (hearings, duty-report sessions, activities, item deadlines)."""
    reader = user if user is not None else OfficeReader()
    found = [e for batch in areas.collect("agenda_entries", reader, first, last, court_scope.court_ids)
             for e in batch]
    return sorted(found, key=lambda e: (e.day, e.starts is not None,
                                        clock.to_local(e.starts).time() if e.starts else datetime.min.time(), e.title))


def entry_time(entry: Entry) -> str:
    """"9:30" of an entry with a time, "" of an all-day one (a deadline)."""
    return f"{clock.to_local(entry.starts):%H:%M}" if entry.starts else ""


# --- the figures in sentences, in the style of the courts' summaries -------------------------------------------

def _f(group: FigureGroup, key: str) -> str:
    return group.get(key).shown()


def _n(group: FigureGroup, key: str) -> int:
    value = group.get(key)
    return value.total if isinstance(value, Figure) else 0


def _items_sentence(g: FigureGroup, when: str, as_of: date) -> str:
    if not _n(g, "received"):
        return f"{when}，未受理代表建议、委员提案及交办督办件、来信、关注案件。"
    parts = []
    by_group = next((t for t in g.tables if t.title == "按分组"), None)
    if by_group:
        parts = [f"{label}{cells[0].shown()}件" for label, cells in by_group.rows if cells[0].total]
    text = (f"{when}，共受理代表建议、委员提案及交办督办件、来信、关注案件{_f(g, 'received')}件"
            + (f"（其中{'，'.join(parts)}）" if len(parts) > 1 else "")
            + f"，截至{format_date(as_of)}已办结{_f(g, 'closed')}件，办结率为{_f(g, 'closed_rate')}")
    text += f"，剩余{_f(g, 'open')}件正在办理" if _n(g, "open") else "，已全部办结"
    if _n(g, "closed"):
        text += f"；按期办结{_f(g, 'on_time')}件，按期办结率为{_f(g, 'on_time_rate')}"
    if _n(g, "rated"):
        text += f"；代表委员已评价{_f(g, 'rated')}件，满意率为{_f(g, 'satisfied_rate')}"
    if _n(g, "overdue"):
        text += f"；超期未答复{_f(g, 'overdue')}件"
    return text + "。"


def _reception_sentence(g: FigureGroup, when: str, as_of: date) -> str:
    if not _n(g, "visits"):
        return f"{when}，联络之家未接待代表委员来访。"
    parts = [f"{name}{_f(g, key)}人次" for key, name in (("npc", "人大代表"), ("cppcc", "政协委员"),
                                                         ("others", "其他来访人员")) if _n(g, key)]
    return (f"{when}，共接待来访的人大代表、政协委员{_f(g, 'persons')}人次（{_f(g, 'visits')}次）"
            + (f"，其中{'、'.join(parts)}" if parts else "") + "。")


def _hearings_sentence(g: FigureGroup, when: str, as_of: date) -> str:
    if not _n(g, "held"):
        return f"{when}，未组织代表委员旁听庭审。"
    text = (f"{when}，共邀请代表委员旁听{_f(g, 'held')}起案件的庭审，邀请{_f(g, 'invited')}人次，"
            f"实到{_f(g, 'attended')}人次，出席率为{_f(g, 'attended_rate')}")
    return text + (f"，因故谢绝{_f(g, 'declined')}人次" if _n(g, "declined") else "") + "。"


def _activities_sentence(g: FigureGroup, when: str, as_of: date) -> str:
    if not _n(g, "activities"):
        return f"{when}，未开展联络活动。"
    kinds = [f"{label}{cells[0].shown()}次" for table in g.tables[:1] for label, cells in table.rows]
    return (f"{when}，共开展联络活动{_f(g, 'activities')}次，代表委员参加{_f(g, 'persons')}人次"
            + (f"，其中{'、'.join(kinds)}" if kinds else "") + "。")


def _duty_sentence(g: FigureGroup, when: str, as_of: date) -> str:
    year = as_of.year  # the figures' duty year: the one the period ends in
    if not _n(g, "reports"):
        return f"{year}年度尚无代表述职报告。"
    text = (f"{year}年度（述职按年度统计），代表述职报告{_f(g, 'reports')}份，其中当面述职{_f(g, 'in_person')}份、"
            f"书面报告{_f(g, 'written')}份，已备案{_f(g, 'filed')}份")
    if g.get("groups_outside").total:
        text += (f"；适用20%—30%比例的{_f(g, 'groups')}个代表组中，{_f(g, 'groups_outside')}个代表组当面述职比例"
                 "不符合要求")
    return text + "。"


def _notices_sentence(g: FigureGroup, when: str, as_of: date) -> str:
    return (f"{when}，向代表委员发送短信{_f(g, 'sms')}条、电子邮件{_f(g, 'email')}封，"
            f"编发《法院工作信息》{_f(g, 'newsletters')}期。")


def _surveys_sentence(g: FigureGroup, when: str, as_of: date) -> str:
    if not _n(g, "surveys"):
        return f"{when}，未开展民意测评和征求意见。"
    return (f"{when}，开展民意测评、征求意见{_f(g, 'surveys')}次，发出{_f(g, 'sent')}份，收回{_f(g, 'answered')}份，"
            f"回收率{_f(g, 'rate')}。")


def _any_sentence(g: FigureGroup, when: str, as_of: date) -> str:
    """An area's figures without a sentence of their own: "标题：项目 n，项目 m。"."""
    return f"{g.title}：" + "，".join(f"{f.label}{f.shown()}" for f in g.figures) + "。"


SENTENCES = {"items": _items_sentence, "reception": _reception_sentence, "hearings": _hearings_sentence,
             "activities": _activities_sentence, "duty": _duty_sentence, "notices": _notices_sentence,
             "surveys": _surveys_sentence}


def sentences(groups: list[FigureGroup], when: str, as_of: date) -> list[tuple[str, str]]:
    """(group title, sentence) of each group, the figures quoted as the dashboard shows them."""
    return [(g.title, SENTENCES.get(g.key, _any_sentence)(g, when, as_of)) for g in groups]


# --- the monthly briefing ----------------------------------------------------------------------------------------

@dataclass
class Briefing:
    court_scope: CourtScope
    month: Month
    meeting: date
    scope: Scope
    groups: list[FigureGroup]
    paragraphs: list[tuple[str, str]]
    open: OpenItems
    ahead: Month  # the month the meeting plans: the one after the meeting's
    entries: list[Entry]
    generated_on: date
    notes: list[tuple[str, str]] = field(default_factory=lambda: NOTES)

    @property
    def title(self) -> str:
        return f"{self.month.label}代表委员联络工作通报"

    @property
    def meeting_label(self) -> str:
        return f"{format_date(self.meeting)}（{weekday(self.meeting)}）"

    @property
    def period(self) -> str:
        return span_label(self.month.first, self.month.last)


def ahead_of(month: Month) -> Month:
    """The month whose work the meeting on ``month`` plans: "部署下一个月的工作" said at the meeting held in the month
    after ``month``, so the month after that (each month is planned at the meeting held in the month before it)."""
    return month.shift(2)


def briefing(user, court_scope: CourtScope, month: Month) -> Briefing:
    """The briefing on ``month`` as ``user`` sees it (None: the whole scope, for the command line): its figures (as of its last day, or today while it runs), what was still open at
    that day by department, and the entries of the month the meeting plans."""
    scope = scope_of(user, court_scope, month.first, month.last)
    groups = figure_groups(scope)
    ahead = ahead_of(month)
    return Briefing(court_scope=court_scope, month=month, meeting=meeting_day(month), scope=scope, groups=groups,
                    paragraphs=sentences(groups, f"{month.number}月", scope.as_of),
                    open=open_items(backlog_scope(user, court_scope, scope.as_of)), ahead=ahead,
                    entries=upcoming(user, court_scope, ahead.first, ahead.last), generated_on=clock.today())


# --- the quarterly report ----------------------------------------------------------------------------------------

@dataclass
class ComparisonRow:
    label: str
    now: object  # Figure or Rate of the quarter
    before: object | None  # the same of the same quarter last year
    to_date: object | None  # of the year to the quarter's end
    change: str  # "增加 2", "减少 1", "持平"; "—" for a rate


@dataclass
class Comparison:
    group: FigureGroup
    rows: list[ComparisonRow]


def change(now, before) -> str:
    if before is None or now.is_rate:
        return "—"
    diff = now.total - before.total
    return "持平" if not diff else f"{'增加' if diff > 0 else '减少'}{abs(diff)}"


def compare(now: list[FigureGroup], before: list[FigureGroup], to_date: list[FigureGroup]) -> list[Comparison]:
    """Each group of the quarter beside the same group of the same quarter last year and of the year to date."""
    before_by, to_date_by = {g.key: g for g in before}, {g.key: g for g in to_date}

    def same(groups: dict, group: FigureGroup, key: str):
        other = groups.get(group.key)
        return next((f for f in other.figures if f.key == key), None) if other else None

    return [Comparison(g, [ComparisonRow(f.label, f, same(before_by, g, f.key), same(to_date_by, g, f.key),
                                         change(f, same(before_by, g, f.key))) for f in g.figures]) for g in now]


# The figure each group's comparison sentence names, and its unit.
MAIN_FIGURES = {"items": ("received", "受理件数", "件"), "reception": ("persons", "接待人次", "人次"),
                "hearings": ("attended", "旁听人次", "人次"), "activities": ("activities", "联络活动次数", "次"),
                "notices": ("sms", "发送短信条数", "条")}


def comparison_sentence(comparison: Comparison) -> str:
    """"受理件数较上年同期增加2件，年初至今累计9件。" of a group's main figure ("" without one)."""
    key, name, unit = MAIN_FIGURES.get(comparison.group.key, (None, "", ""))
    row = next((r for r in comparison.rows if r.now.key == key), None)
    if row is None or row.before is None or row.to_date is None:
        return ""
    said = "与上年同期持平" if row.change == "持平" else f"较上年同期{row.change}{unit}"
    return f"{name}{said}，年初至今累计{row.to_date.shown()}{unit}。"


@dataclass
class QuarterlyReport:
    court_scope: CourtScope
    quarter: Quarter
    scope: Scope
    comparisons: list[Comparison]
    paragraphs: list[tuple[str, str]]
    open: OpenItems
    problems: list[str]
    ahead: Quarter
    entries: list[Entry]
    generated_on: date
    notes: list[tuple[str, str]] = field(default_factory=lambda: NOTES)

    @property
    def title(self) -> str:
        return f"{self.quarter.label}代表委员联络工作情况汇报"

    @property
    def period(self) -> str:
        return span_label(self.quarter.first, self.quarter.last)

    @property
    def overdue_departments(self) -> list[DepartmentLine]:
        return [line for line in self.open.departments if line.overdue.total]


def quarterly(user, court_scope: CourtScope, quarter: Quarter) -> QuarterlyReport:
    """As ``user`` sees it (None: the whole scope), the quarter's figures by kind of work beside the same quarter last year and the year to date, the overdue
    items by department at the quarter's end, and the entries of the next quarter."""
    scope = scope_of(user, court_scope, quarter.first, quarter.last)
    before = quarter.shift(-4)
    now = figure_groups(scope)
    comparisons = compare(now, figure_groups(scope_of(user, court_scope, before.first, before.last)),
                          figure_groups(scope_of(user, court_scope, date(quarter.year, 1, 1), quarter.last,
                                                 scope.as_of)))
    paragraphs = [(title, text + comparison_sentence(c)) for (title, text), c in
                  zip(sentences(now, "本季度", scope.as_of), comparisons, strict=True)]
    open_ = open_items(backlog_scope(user, court_scope, scope.as_of))
    ahead = quarter.shift(1)
    return QuarterlyReport(court_scope=court_scope, quarter=quarter, scope=scope, comparisons=comparisons,
                           paragraphs=paragraphs, open=open_, problems=problems(now, open_), ahead=ahead,
                           entries=upcoming(user, court_scope, ahead.first, ahead.last), generated_on=clock.today())


def problems(groups: list[FigureGroup], open_: OpenItems) -> list[str]:
    """The open problems the figures show: overdue items (by department), unsatisfied ratings, duty-report groups
    outside the 20%—30% rule."""
    found = []
    overdue = open_.total("overdue")
    if overdue is not None and overdue.total:
        where = "、".join(f"{line.label}{line.overdue.shown()}件" for line in open_.departments if line.overdue.total)
        found.append(f"截至{format_date(open_.as_of)}，尚有{overdue.shown()}件超期未答复（{where}），需加大督办力度。")
    by_key = {g.key: g for g in groups}
    items = by_key.get("items")
    if items is not None and _n(items, "rated") and _n(items, "satisfied") < _n(items, "rated"):
        found.append(f"本季度受理的件中已评价{_f(items, 'rated')}件，满意率为{_f(items, 'satisfied_rate')}，"
                     "对不满意的件应重新办理、再次答复。")
    duty = by_key.get("duty")
    if duty is not None and duty.get("groups_outside").total:
        found.append(f"{open_.as_of.year}年适用20%—30%比例的代表组中，有{_f(duty, 'groups_outside')}个当面述职比例"
                     "不符合要求，应与代表组协调调整。")
    return found
