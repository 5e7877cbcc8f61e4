"""Duty reports' routes in the role matrix (see tests/route_matrix.py).

The deputy's own pages are reached by year (/duty/mine/<year>), so the matrix's freshly made deputy answers them
with its own (new) report. Shared pages of a report (its Word file, its attachments) are listed for the staff who
follow duty reports: a deputy who does not own the matrix's report gets 403 there (owners are tested in
test_duty).
"""

from portal import clock
from portal.attachments import Attachment
from portal.auth.models import Role
from portal.duty.models import (
    DutyRectification,
    DutyReport,
    DutyReportVersion,
    DutySession,
    DutySessionDeputy,
    DutyTerm,
    ReportKind,
    ReportState,
    SessionState,
    VersionAction,
)
from portal.extensions import db
from portal.register.models import DeputyLevel
from portal.uploads import upload_dir
from tests.route_matrix import EDITORS

VIEWERS = {Role.LIAISON, Role.LEADER}
DEPUTY = {Role.DEPUTY}
YEAR = clock.today().year
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
SECTIONS = {"congress": "出席市人大全体会议，审议政府工作报告。", "between_sessions": "参加执法检查两次。",
            "voters": "走访选民 12 户，提出建议 2 件。", "law": "在单位开展普法讲座。", "deeds": "协调修缮村道。"}

ROUTES = {
    "duty.mine": ("GET", "/duty/mine", DEPUTY),
    "duty.mine_report": ("GET", "/duty/mine/{duty_year}", DEPUTY),
    "duty.mine_save": ("POST", "/duty/mine/{duty_year}", DEPUTY, SECTIONS),
    "duty.mine_autosave": ("POST", "/duty/mine/{duty_year}/autosave", DEPUTY, SECTIONS),
    "duty.mine_submit": ("POST", "/duty/mine/{duty_year}/submit", DEPUTY, SECTIONS),
    "duty.report_file": ("GET", "/duty/reports/{duty_report}/files/{duty_file}/走访记录.docx", VIEWERS),
    "duty.report_docx": ("GET", "/duty/reports/{duty_report}.docx", VIEWERS),
    "duty.index": ("GET", "/duty/", VIEWERS),
    "duty.report": ("GET", "/duty/reports/{duty_report}", VIEWERS),
    "duty.review": ("POST", "/duty/reports/{duty_report}/review", EDITORS, {"action": "accept"}),
    "duty.version": ("GET", "/duty/reports/{duty_report}/versions/{duty_version}", VIEWERS),
    "duty.plan": ("GET", "/duty/plan", VIEWERS),
    "duty.plan_not_reported": ("GET", "/duty/plan/not-reported?group=county|第十八届|城东街道代表组", VIEWERS),
    "duty.term_new": ("GET", "/duty/terms/new", EDITORS),
    "duty.term_edit": ("GET", "/duty/terms/{duty_term}", EDITORS),
    "duty.term_delete": ("POST", "/duty/terms/{duty_term}/delete", EDITORS),
    "duty.sessions": ("GET", "/duty/sessions", VIEWERS),
    "duty.session_new": ("GET", "/duty/sessions/new", EDITORS),
    "duty.session": ("GET", "/duty/sessions/{duty_held}", VIEWERS),
    "duty.session_edit": ("GET", "/duty/sessions/{duty_planned}/edit", EDITORS),
    "duty.session_delete": ("POST", "/duty/sessions/{duty_planned}/delete", EDITORS),
    "duty.reporter_add": ("POST", "/duty/sessions/{duty_planned}/reporters", EDITORS),
    "duty.reporter_remove": ("POST", "/duty/sessions/{duty_planned}/reporters/{duty_planned_reporter}/remove",
                             EDITORS),
    "duty.evaluation": ("POST", "/duty/sessions/{duty_held}/reporters/{duty_reporter}/evaluation", EDITORS,
                        {"satisfied": "30", "basically": "5", "unsatisfied": "1", "comments": "联系选民较多"}),
    "duty.rectification_add": ("POST", "/duty/sessions/{duty_held}/reporters/{duty_reporter}/rectifications",
                               EDITORS, {"content": "每季度到选区接待选民一次", "owner": "代表", "deadline": ""}),
    "duty.rectification_outcome": ("POST", "/duty/sessions/{duty_held}/rectifications/{duty_rectification}",
                                   EDITORS, {"status": "done", "outcome": "已按季度接待选民"}),
    "duty.rectification_delete": ("POST", "/duty/sessions/{duty_held}/rectifications/{duty_rectification}/delete",
                                  EDITORS),
    "duty.session_hold": ("POST", "/duty/sessions/{duty_planned}/hold", EDITORS, {"voters_present": "40"}),
    "duty.session_close": ("POST", "/duty/sessions/{duty_closable}/close", EDITORS),
    "duty.session_docx": ("GET", "/duty/sessions/{duty_held}/results.docx", VIEWERS),
    "duty.overview_docx": ("GET", "/duty/overview.docx", VIEWERS),
    "duty.export_xlsx": ("GET", "/duty/export.xlsx", VIEWERS),
}


def _session(court, deputy, state: SessionState, **kw) -> DutySession:
    session = DutySession(court_id=court.id, year=YEAR, level=deputy.level, term=deputy.term,
                          group_name=deputy.group_name, held_on=clock.today(), place="城区人大代表联络站",
                          organiser="城区人大工委", state=state, voters_present=kw.pop("voters", 0))
    reporter = DutySessionDeputy(deputy_id=deputy.id, **kw)
    session.reporters.append(reporter)
    db.session.add(session)
    db.session.flush()
    return session


def records(court, make_user, make_deputy, make_department) -> dict:
    """A submitted report with a version and an attachment; a term; a planned, a held and a closable session."""
    author, planned_one, held_one, closable_one = (make_deputy() for _ in range(4))
    report = DutyReport(court_id=court.id, deputy_id=author.id, year=YEAR, kind=ReportKind.WRITTEN,
                        state=ReportState.SUBMITTED, **SECTIONS)
    db.session.add(report)
    db.session.flush()
    version = DutyReportVersion(report_id=report.id, number=1, action=VersionAction.SUBMIT, content=SECTIONS)
    db.session.add(version)
    path = upload_dir("attachments") / f"duty-matrix{report.id}.docx"
    path.write_bytes(b"PK\x03\x04 test")
    attachment = Attachment(owner_type="duty_report", owner_id=report.id, stored_name=path.name,
                            original_name="走访记录.docx", size=9, content_type=DOCX)
    db.session.add(attachment)
    term = DutyTerm(level=DeputyLevel.CITY, name="第十六届", start_year=YEAR - 3, end_year=YEAR + 1)
    db.session.add(term)
    planned = _session(court, planned_one, SessionState.PLANNED)
    held = _session(court, held_one, SessionState.HELD, voters=50)
    rectification = DutyRectification(content="加强与选民联系", owner=held_one.name)
    held.reporters[0].rectifications.append(rectification)
    closable = _session(court, closable_one, SessionState.HELD, voters=50, satisfied=40, basically=8, unsatisfied=2,
                        evaluated_at=held.created_at)
    db.session.commit()
    return {"duty_year": YEAR, "duty_report": report.id, "duty_version": version.id, "duty_file": attachment.id,
            "duty_term": term.id, "duty_planned": planned.id, "duty_planned_reporter": planned.reporters[0].id,
            "duty_held": held.id, "duty_reporter": held.reporters[0].id, "duty_rectification": rectification.id,
            "duty_closable": closable.id}
