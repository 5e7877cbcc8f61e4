"""The duty area's Word documents: a deputy's report, a session's evaluation results, the year's reporting
overview, and a deputy's performance archive (履职档案, which the workspace fills from every area's panels); and the
review queue as filtered in Excel.

Each document is a plain data object, built from the database by a ``*_document`` function here, and laid out in
the GB/T 9704 official layout (``portal.documents.gbt9704``) by a ``build_*_docx`` function.
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import aliased, selectinload

from portal import clock
from portal.documents.gbt9704 import OfficialDocument, format_date
from portal.documents.xlsx import Sheet, build_workbook, list_title
from portal.duty.models import (
    SECTIONS,
    DutyReport,
    DutySession,
    DutySessionDeputy,
    ReportKind,
    ReportState,
    SessionState,
)
from portal.duty.services import GroupKey, GroupPlan, plan
from portal.extensions import db
from portal.register.models import Deputy, DeputyKind, Mandate

CHINESE_NUMBERS = "一二三四五六七八九十"


def _paragraphs(document: OfficialDocument, text: str, empty: str = "无。") -> None:
    """One body paragraph per non-empty line of ``text`` (deputies type one paragraph a line)."""
    lines = [line.strip() for line in (text or "").split("\n") if line.strip()]
    for line in lines or [empty]:
        document.paragraph(line)


# --- a deputy's report ---------------------------------------------------------------------------------------

@dataclass
class ReportDocument:
    deputy_name: str
    deputy_line: str  # e.g. 云岭市第十六届人民代表大会代表（云城区代表团）
    year: int
    in_person: bool
    sections: list[tuple[str, str]]  # (heading, text)
    dated: datetime.date
    draft: bool = False

    @property
    def title(self) -> str:
        kind = "述职报告" if self.in_person else "书面履职情况报告"
        return f"{self.deputy_name}代表{self.year}年度{kind}"


def build_report_docx(data: ReportDocument) -> bytes:
    """The report: title, the deputy's line, the five sections as 一、… headings, the deputy's name and date."""
    document = OfficialDocument()
    document.title(data.title + ("（草稿）" if data.draft else ""))
    document.subtitle(data.deputy_line)
    for n, (heading, text) in enumerate(data.sections):
        document.heading(f"{CHINESE_NUMBERS[n]}、{heading}", 1)
        _paragraphs(document, text)
    document.signature(data.deputy_name, data.dated)
    return document.to_bytes()


# --- a session's evaluation results --------------------------------------------------------------------------

@dataclass
class RectificationLine:
    deputy: str
    content: str
    owner: str
    deadline: str
    result: str


@dataclass
class EvaluationLine:
    name: str
    satisfied: int
    basically: int
    unsatisfied: int
    rate: str  # 满意率 as text, "—" without votes
    comments: str


@dataclass
class SessionResultsDocument:
    court_name: str
    group_name: str
    group_label: str
    year: int
    held_on: datetime.date
    place: str
    organiser: str
    voters_present: int
    state_label: str
    compiled_on: datetime.date
    evaluations: list[EvaluationLine] = field(default_factory=list)
    rectifications: list[RectificationLine] = field(default_factory=list)


def build_session_results_docx(data: SessionResultsDocument) -> bytes:
    document = OfficialDocument()
    document.title(f"{data.group_name}{data.year}年代表述职评议结果")
    document.subtitle(f"（{data.group_label}）")
    organiser = f"{data.organiser}在" if data.organiser else "在"
    document.paragraph(f"{format_date(data.held_on)}，{organiser}{data.place}召开代表述职会，"
                       f"{len(data.evaluations)}名代表当面述职，{data.voters_present}名选民参加并进行评议。"
                       f"评议结果如下（述职会状态：{data.state_label}）。")
    document.heading("一、评议结果", 1)
    document.table(["序号", "代表", "满意", "基本满意", "不满意", "满意率"],
                   [(n, e.name, e.satisfied, e.basically, e.unsatisfied, e.rate)
                    for n, e in enumerate(data.evaluations, 1)],
                   widths_mm=[15, 37, 25, 28, 25, 26], aligns=["center"] * 6)
    document.heading("二、选民评议意见", 1)
    for n, e in enumerate(data.evaluations):
        document.heading(f"（{CHINESE_NUMBERS[n % 10]}）{e.name}", 2)
        _paragraphs(document, e.comments, "选民未提出意见。")
    document.heading("三、整改事项", 1)
    if data.rectifications:
        document.table(["序号", "代表", "整改事项", "责任人", "期限", "结果"],
                       [(n, r.deputy, r.content, r.owner, r.deadline, r.result)
                        for n, r in enumerate(data.rectifications, 1)],
                       widths_mm=[12, 20, 54, 20, 24, 26], aligns=["center", "center", "left", "center", "center", "left"])
    else:
        document.paragraph("无整改事项。")
    compiled = f"制表：{data.court_name}　" if data.court_name else "制表日期："
    document.paragraph(compiled + format_date(data.compiled_on), indent=False, align="right")
    return document.to_bytes()


# --- the reporting overview of a group or a whole year -------------------------------------------------------

@dataclass
class OverviewGroupLine:
    group: str
    members: int
    in_person: int
    share: str
    written: int
    filed: int
    note: str


@dataclass
class OverviewDeputyLine:
    group: str
    name: str
    kind: str
    state: str
    session: str
    evaluation: str


@dataclass
class OverviewDocument:
    court_name: str
    court_scope: str  # 某某市中级人民法院（含下级法院）
    year: int
    scope: str  # a group's label, or "" for the whole year
    generated_on: datetime.date
    groups: list[OverviewGroupLine] = field(default_factory=list)
    deputies: list[OverviewDeputyLine] = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"{self.year}年代表述职情况汇总"


def overview_docx(data: OverviewDocument, *, stream: bool = True) -> OfficialDocument:
    """Landscape: the groups' figures, then every deputy who reported (in person or in writing) and the results.

    ``stream``: the big table is written row by row from its template row when the document is saved, not built
    as a python-docx tree (``stream=False``: the tree as before, for comparison).
    """
    document = OfficialDocument(landscape=True)
    document.title(data.title)
    document.subtitle(f"（{data.scope}）" if data.scope else "（全部代表组）")
    document.paragraph(f"范围：{data.court_scope}")
    document.heading("一、各代表组述职情况", 1)
    document.table(["代表组", "在任代表", "当面述职", "占比", "书面报告", "已备案", "说明"],
                   [(g.group, g.members, g.in_person, g.share, g.written, g.filed, g.note) for g in data.groups],
                   widths_mm=[64, 22, 22, 20, 22, 20, 55],
                   aligns=["left", "center", "center", "center", "center", "center", "left"],
                   total_row=("合计", sum(g.members for g in data.groups), sum(g.in_person for g in data.groups),
                              "", sum(g.written for g in data.groups), sum(g.filed for g in data.groups), ""))
    document.heading("二、代表述职明细", 1)
    if data.deputies:
        document.table(["序号", "代表组", "代表", "述职方式", "报告状态", "述职会", "评议结果"],
                       [(n, d.group, d.name, d.kind, d.state, d.session, d.evaluation)
                        for n, d in enumerate(data.deputies, 1)],
                       widths_mm=[13, 48, 22, 22, 28, 36, 56],
                       aligns=["center", "left", "center", "center", "center", "center", "left"], stream=stream)
    else:
        document.paragraph("本年度尚无代表述职。")
    document.split_line(f"共 {len(data.deputies)} 人", f"制表日期：{format_date(data.generated_on)}")
    return document


def build_overview_docx(data: OverviewDocument) -> bytes:
    """The bytes of the .docx of ``overview_docx``."""
    return overview_docx(data).to_bytes()


# --- the data of the documents, from the database ------------------------------------------------------------


def report_document(report: DutyReport) -> ReportDocument:
    dated = clock.to_local(report.submitted_at).date() if report.submitted_at else clock.today()
    return ReportDocument(deputy_name=report.deputy.name, deputy_line=report.deputy.identity_line, year=report.year,
                          in_person=report.kind == ReportKind.IN_PERSON,
                          sections=[(heading, getattr(report, key)) for key, heading, _ in SECTIONS],
                          dated=dated, draft=report.state in (ReportState.DRAFT, ReportState.RETURNED))


def _rate(reporter: DutySessionDeputy) -> str:
    rate = reporter.satisfaction_percent
    return "—" if rate is None else f"{rate:g}%"


def evaluation_text(reporter: DutySessionDeputy) -> str:
    if reporter.evaluated_at is None:
        return "尚未评议"
    return (f"满意{reporter.satisfied} 基本满意{reporter.basically} 不满意{reporter.unsatisfied}"
            f"（满意率{_rate(reporter)}）")


def session_results_document(session: DutySession, court_name: str) -> SessionResultsDocument:
    data = SessionResultsDocument(court_name=court_name, group_name=session.group_name,
                                  group_label=f"{session.level.label}人大{session.term} · {session.group_name}",
                                  year=session.year, held_on=session.held_on, place=session.place,
                                  organiser=session.organiser, voters_present=session.voters_present,
                                  state_label=session.state.label, compiled_on=clock.today())
    for reporter in session.reporters:
        data.evaluations.append(EvaluationLine(reporter.deputy.name, reporter.satisfied, reporter.basically,
                                               reporter.unsatisfied, _rate(reporter), reporter.comments))
        for item in reporter.rectifications:
            result = item.status.label + (f"：{item.outcome}" if item.outcome else "")
            data.rectifications.append(RectificationLine(reporter.deputy.name, item.content, item.owner,
                                                         item.deadline.isoformat() if item.deadline else "",
                                                         result))
    return data


def _group_note(group: GroupPlan) -> str:
    if group.term is None:
        return "未设置届期"
    if group.year_of_term is None:
        return "不在本届任期内"
    if not group.rule_applies:
        return "任期第一年，不作比例要求"
    return group.warning or "符合 20%—30%"


def overview_document(year: int, *, group: GroupKey | None, scope) -> OverviewDocument:
    """Who reported how in ``year`` and the voters' verdicts: the groups' figures and one line per deputy.

    ``scope`` (portal.access.CourtScope) limits reports and sessions to its courts, as on the review queue; the
    groups' in-person figures count every court's sessions, as the planner does (``services.plan``).
    """
    court_ids, court_name = scope.court_ids, scope.title
    plans = plan(year, level=group.level.value if group else "", term=group.term if group else "",
                 with_unreported=False)
    if group:
        plans = [p for p in plans if p.key == group]
    report_filter = [DutyReport.year == year, DutyReport.state != ReportState.DRAFT]
    session_filter = [DutySession.year == year]
    report_filter.append(DutyReport.court_id.in_(court_ids))
    session_filter.append(DutySession.court_id.in_(court_ids))
    if group:
        seat = aliased(Mandate)  # the queries below join Mandate themselves
        report_filter.append(exists().where(
            seat.deputy_id == DutyReport.deputy_id, seat.kind == DeputyKind.NPC, seat.level == group.level,
            seat.term == group.term, seat.group_name == group.name).correlate_except(seat))
        session_filter += (DutySession.level == group.level, DutySession.term == group.term,
                           DutySession.group_name == group.name)

    keys = (Mandate.level, Mandate.term, Mandate.group_name)  # a report counts in each of its author's groups
    written = {(lv, t, g): (n, filed) for lv, t, g, n, filed in db.session.execute(
        select(*keys, func.count(), func.count(DutyReport.filed_at))
        .join(Mandate, and_(Mandate.deputy_id == DutyReport.deputy_id, Mandate.kind == DeputyKind.NPC))
        .where(*report_filter, DutyReport.kind == ReportKind.WRITTEN).group_by(*keys))}
    data = OverviewDocument(court_name=court_name, court_scope=scope.label, year=year,
                            scope=group.label if group else "",
                            generated_on=clock.today())
    for p in plans:
        n, filed = written.get((p.key.level, p.key.term, p.key.name), (0, 0))
        data.groups.append(OverviewGroupLine(p.key.label, p.members, p.planned, f"{p.share_percent:g}%", n, filed,
                                             _group_note(p)))

    reports = {r.deputy_id: r for r in db.session.scalars(
        select(DutyReport).join(Deputy, Deputy.id == DutyReport.deputy_id).options(selectinload(DutyReport.deputy))
        .where(*report_filter))}
    reporters = {r.deputy_id: r for r in db.session.scalars(
        select(DutySessionDeputy).join(DutySession)
        .options(selectinload(DutySessionDeputy.deputy), selectinload(DutySessionDeputy.session))
        .where(*session_filter))}
    deputies = {r.deputy_id: r.deputy for r in [*reports.values(), *reporters.values()]}
    order = sorted(deputies.values(), key=lambda d: (d.kind != DeputyKind.NPC, d.level.rank, d.term, d.group_name,
                                                     d.name_pinyin, d.id))
    for deputy in order:
        report, reporter = reports.get(deputy.id), reporters.get(deputy.id)
        kind = ReportKind.IN_PERSON if reporter else ReportKind.WRITTEN
        session = ""
        if reporter:
            s = reporter.session
            session = s.held_on.isoformat() + ("（计划）" if s.state == SessionState.PLANNED else "")
        data.deputies.append(OverviewDeputyLine(
            group=f"{deputy.level.label}{deputy.term} {deputy.group_name}".strip(), name=deputy.name, kind=kind.label,
            state=report.state.label if report else "未提交报告", session=session,
            evaluation=evaluation_text(reporter) if reporter else ""))
    return data


# --- the review queue in Excel -------------------------------------------------------------------------------

QUEUE_HEADERS = ["法院", "代表", "类别", "层级", "届次", "代表组/界别", "手机号码", "年度", "述职方式", "状态",
                 "提交时间", "审查时间", "审查人", "审查意见", "备案时间", *(short for _, _, short in SECTIONS)]


def queue_xlsx(reports: list[DutyReport], filters, scope) -> bytes:
    """The review queue as filtered (``services.all_reports``), a row per report with its five sections."""
    def local(moment):
        return clock.to_local(moment).replace(tzinfo=None) if moment else None

    rows = []
    for r in reports:
        deputy = r.deputy
        rows.append([scope.name_of(r.court_id), deputy.name, deputy.kind.label if deputy.kind else "",
                     deputy.level.label if deputy.level else "", deputy.term, deputy.group_name, deputy.mobile,
                     r.year, r.kind.label, r.state.label, local(r.submitted_at), local(r.reviewed_at),
                     r.reviewed_by.display_name if r.reviewed_by else "", r.review_comment, local(r.filed_at),
                     *(getattr(r, key) for key, _, _ in SECTIONS)])
    chosen = [ReportState(filters.state).label if filters.state else "",
              ReportKind(filters.kind).label if filters.kind else "", f"含“{filters.q}”" if filters.q else ""]
    return build_workbook([Sheet("述职报告", QUEUE_HEADERS, rows)],
                          title=list_title(scope.title, "代表述职报告", f"{filters.year}年度",
                                           "，".join(p for p in chosen if p)))
