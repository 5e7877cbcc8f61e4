"""What the duty area shows elsewhere: the panel of the deputy's workspace (my reports, and the sessions where I
report in person), the 履职档案's table of reporting to voters, and the sessions on the work calendar."""
from dataclasses import dataclass
from datetime import date

from flask import url_for
from sqlalchemy import func, select

from portal.areas import ArchiveSection, Entry, Panel
from portal.auth.models import Role
from portal.duty.documents import evaluation_text
from portal.duty.models import (
    DutyReport,
    DutySession,
    DutySessionDeputy,
    ReportKind,
    ReportState,
    SessionState,
)
from portal.duty.services import writable_years
from portal.extensions import db
from portal.register.models import DeputyKind

LATEST = 5


@dataclass
class PanelRow:
    text: str
    status: str
    url: str
    highlight: bool = False  # asks the deputy to act: write, or revise a returned report


def deputy_panel(deputy, year: int | None) -> Panel | None:
    """我的述职: the deputy's reports (the year's, or the latest few) and their in-person sessions; NPC deputies
    only (CPPCC members write no duty reports)."""
    if deputy.kind != DeputyKind.NPC:
        return None
    reports = select(DutyReport).where(DutyReport.deputy_id == deputy.id)
    sessions = (select(DutySession).join(DutySessionDeputy)
                .where(DutySessionDeputy.deputy_id == deputy.id))
    if year is not None:
        reports, sessions = reports.where(DutyReport.year == year), sessions.where(DutySession.year == year)
    reports = list(db.session.scalars(reports.order_by(DutyReport.year.desc()).limit(LATEST)))
    sessions = list(db.session.scalars(sessions.order_by(DutySession.held_on.desc()).limit(LATEST)))

    rows = []
    have = {r.year for r in reports}
    for wanted in writable_years()[:1]:
        if (year is None or year == wanted) and wanted not in have:
            rows.append(PanelRow(f"{wanted}年度述职报告", "尚未撰写", url_for("duty.mine_report", year=wanted), True))
    for r in reports:
        status = r.state.label + (f"：{r.review_comment}" if r.state == ReportState.RETURNED and r.review_comment else "")
        rows.append(PanelRow(r.title, status, url_for("duty.mine_report", year=r.year),
                             r.state == ReportState.RETURNED))
    for s in sessions:
        when = "计划" if s.state == SessionState.PLANNED else s.state.label
        rows.append(PanelRow(f"当面述职：{s.held_on.isoformat()} {s.place}", f"{s.group_name} · {when}",
                             url_for("duty.mine_report", year=s.year)))

    archive_query = select(func.count()).select_from(DutyReport).where(
        DutyReport.deputy_id == deputy.id, DutyReport.state != ReportState.DRAFT)
    in_person_query = (select(func.count()).select_from(DutySessionDeputy).join(DutySession)
                       .where(DutySessionDeputy.deputy_id == deputy.id, DutySession.state != SessionState.PLANNED))
    if year is not None:
        archive_query = archive_query.where(DutyReport.year == year)
        in_person_query = in_person_query.where(DutySession.year == year)
    archive = [("提交述职报告", db.session.scalar(archive_query) or 0),
               ("向选民当面述职", db.session.scalar(in_person_query) or 0)]
    return Panel(title="我的述职", template="duty/_deputy_panel.html", order=40, rows=rows,
                 link=url_for("duty.mine"), archive=archive)


def archive_section(deputy, year: int) -> ArchiveSection | None:
    """向选民述职情况 for the archive: the year's report, and the session with its verdict. CPPCC members have no
    voters to report to: no section."""
    if deputy.kind != DeputyKind.NPC:
        return None
    report = db.session.scalar(select(DutyReport).where(DutyReport.deputy_id == deputy.id, DutyReport.year == year))
    reporter = db.session.scalar(select(DutySessionDeputy).join(DutySession)
                                 .where(DutySessionDeputy.deputy_id == deputy.id, DutySession.year == year).limit(1))
    rows = []
    if report is not None or reporter is not None:
        kind = ReportKind.IN_PERSON if reporter else ReportKind.WRITTEN
        session = (f"{reporter.session.held_on.isoformat()} {reporter.session.place}（{reporter.session.state.label}）"
                   if reporter else "")
        verdict = evaluation_text(reporter) if reporter and reporter.session.state != SessionState.PLANNED else ""
        rows.append((report.title if report else f"{year}年度述职", kind.label,
                     report.state.label if report else "尚未提交报告", session or "—", verdict or "—"))
    return ArchiveSection(title="向选民述职情况", headers=["报告", "述职方式", "报告状态", "述职会", "选民评议"], rows=rows,
                          empty="本年度尚无述职报告。", widths_mm=[32, 22, 22, 42, 38],
                          aligns=["left", "center", "center", "left", "left"], order=10)


# --- the work calendar ---------------------------------------------------------------------------------------------

AGENDA_KINDS = {"duty_session": "述职会"}


def agenda_entries(user, first: date, last: date, court_ids: list[int]) -> list[Entry]:
    """Duty-report sessions on those days: staff see their courts'; a deputy the sessions they report at."""
    query = select(DutySession).where(DutySession.held_on >= first, DutySession.held_on <= last)
    deputy = user.role == Role.DEPUTY
    if deputy:
        query = query.where(DutySession.id.in_(select(DutySessionDeputy.session_id).where(
            DutySessionDeputy.deputy_id == (user.deputy_id or -1))))
    else:
        query = query.where(DutySession.court_id.in_(court_ids))
    return [Entry(uid=f"duty-session-{s.id}", kind="duty_session", kind_label="述职会", day=s.held_on,
                  title=f"{s.group_name}代表述职会（{s.state.label}）", place=s.place, court_id=s.court_id,
                  url=url_for("duty.mine") if deputy else url_for("duty.session", session_id=s.id))
            for s in db.session.scalars(query.order_by(DutySession.held_on, DutySession.id))]


RULE_ROWS = 8  # groups outside the rule listed on the dashboard; the planner lists them all


def figures(scope):
    """The duty reports of the period's year (述职 is yearly): in person, written, filed, per court and in total, in
    one grouped query; and each deputy group's share reporting in person against the 20%–30% rule (the planner's
    three grouped queries: the register and the sessions are shared by the courts)."""
    from portal.duty import VIEWERS
    from portal.duty.models import DutyReport, ReportKind, ReportState
    from portal.duty.services import plan
    from portal.figures.definitions import Figure, FigureGroup, Table, count_if, figure, tally

    year = scope.year
    counted = tally(db.session.execute(
        select(DutyReport.court_id, func.count(), count_if(DutyReport.kind == ReportKind.IN_PERSON),
               count_if(DutyReport.kind == ReportKind.WRITTEN), count_if(DutyReport.state == ReportState.FILED))
        .where(DutyReport.court_id.in_(scope.court_ids), DutyReport.year == year).group_by(DutyReport.court_id)),
        ["reports", "in_person", "written", "filed"])

    def links(**args):
        return scope.links("duty.index", VIEWERS, year=year, state=args.pop("state", "all"), **args)

    groups = [g for g in plan(year, with_unreported=False) if g.rule_applies]
    outside = [g for g in groups if g.warning]
    rule = Table(f"当面述职比例不在20%—30%的代表组（{len(outside)}个）", ["代表人数", "当面述职", "比例", "应当面述职"])
    plan_url = None if scope.user is not None and scope.user.role not in VIEWERS else url_for("duty.plan", year=year)
    rule.more, rule.more_url = max(0, len(outside) - RULE_ROWS), plan_url
    for g in outside[:RULE_ROWS]:
        rule.rows.append((g.key.label, [g.members, g.planned, f"{g.share_percent}%",
                                        f"{g.low}" if g.low == g.high else f"{g.low}—{g.high}"]))
    return FigureGroup("duty", f"{year}年代表述职", order=50, tables=[rule], figures=[
        figure("reports", "述职报告", counted["reports"], links()),
        figure("in_person", "当面述职", counted["in_person"], links(kind=ReportKind.IN_PERSON.value)),
        figure("written", "书面报告", counted["written"], links(kind=ReportKind.WRITTEN.value)),
        figure("filed", "已备案", counted["filed"], links(state=ReportState.FILED.value)),
        Figure("groups", "适用20%—30%比例的代表组", total=len(groups), url=plan_url, per_court=False),
        Figure("groups_outside", "其中比例不符的代表组", total=len(outside), url=plan_url, per_court=False),
    ], note="述职按年度统计，取统计期间结束的年份；代表组的比例按全市的述职会计算（名册为各院共用），不分法院。")
