"""The data of the duty area's Word documents, built from the database for ``portal.documents.duty``."""
from __future__ import annotations

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import aliased, selectinload

from portal import clock
from portal.documents.duty import (
    EvaluationLine,
    OverviewDeputyLine,
    OverviewDocument,
    OverviewGroupLine,
    RectificationLine,
    ReportDocument,
    SessionResultsDocument,
)
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


def deputy_line(deputy: Deputy) -> str:
    """一句话的身份：县（区）级人大代表（第十八届）· 城东街道代表组."""
    kind = "人大代表" if deputy.kind == DeputyKind.NPC else "政协委员"
    group = f" · {deputy.group_name}" if deputy.group_name else ""
    return f"{deputy.level.label}{kind}（{deputy.term}）{group}"


def report_document(report: DutyReport) -> ReportDocument:
    dated = clock.to_local(report.submitted_at).date() if report.submitted_at else clock.today()
    return ReportDocument(deputy_name=report.deputy.name, deputy_line=deputy_line(report.deputy), year=report.year,
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
                 with_names=False)
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
