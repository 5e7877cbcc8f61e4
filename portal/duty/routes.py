"""Pages of the duty-report area (代表述职).

The deputy's own reports (/duty/mine: the years, one report with autosave, save, submit and attachments); for
staff the review queue (/duty/), a report with its versions and review, the terms and the in-person planner
(/duty/plan), the sessions (/duty/sessions: planning, reporters, voters' evaluation, rectification, holding and
closing), and the Word documents (a report, a session's results, the year's overview).
"""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal import attachments, clock, params
from portal.access import EDITOR_ROLES, court_scope, require_editor, require_role
from portal.auth.models import Role
from portal.documents import XLSX, send_download
from portal.duty import VIEWERS, bp, documents, services
from portal.duty.forms import (
    EvaluationForm,
    HoldForm,
    OutcomeForm,
    RectificationForm,
    ReportForm,
    ReviewForm,
    SessionForm,
    TermForm,
)
from portal.duty.models import (
    SECTIONS,
    ReportKind,
    ReportState,
    SessionState,
    VersionAction,
)
from portal.duty.services import ATTACHMENT_OWNER, GroupKey
from portal.errors import NotFound, ServiceError
from portal.htmx import render
from portal.models import utcnow
from portal.register.models import DeputyKind, DeputyLevel
from portal.versioning import save_unless_stale

viewers = require_role(*VIEWERS)
deputies = require_role(Role.DEPUTY)


def _form_error(form, error: ServiceError) -> str:
    """Put a service's field errors beside the form's fields; the message for the page when none is the form's."""
    form.set_errors(error.errors)
    return "" if any(name in form for name in error.errors) else error.message


# --- the deputy's own reports --------------------------------------------------------------------------------

def _my_deputy(*, npc_only: bool = True):
    """The register entry of the deputy logged in; an account not linked to one has nothing here, and CPPCC members
    write no duty reports (``services.NPC_ONLY``)."""
    deputy = current_user.deputy
    if deputy is None or (npc_only and deputy.kind != DeputyKind.NPC):
        abort(403)
    return deputy


@bp.get("/mine")
@deputies
def mine():
    deputy = _my_deputy(npc_only=False)
    reports = services.reports_of_deputy(deputy.id)
    have = {r.year for r in reports}
    npc = deputy.kind == DeputyKind.NPC
    return render_template("duty/mine.html", deputy=deputy, reports=reports, npc=npc, npc_only=services.NPC_ONLY,
                           to_start=[y for y in services.writable_years() if y not in have] if npc else [])


def _mine_page(deputy, year: int, report, form: ReportForm, *, status: int = 200, error: str = ""):
    session = services.session_of_reporter(deputy.id, year)
    files = attachments.files_of(ATTACHMENT_OWNER, [report.id])[report.id] if report else []
    events = services.report_events(report) if report else []
    history = services.version_history(report) if report else []
    editable = report is None or report.state.editable_by_deputy
    return render_template("duty/mine_report.html", deputy=deputy, year=year, report=report, form=form,
                           session=session, files=files, events=events, history=history, editable=editable,
                           error=error, sections=SECTIONS,
                           kind=report.kind if report else (ReportKind.IN_PERSON if session else ReportKind.WRITTEN)
                           ), status


def _report_for_year(deputy, year: int):
    report = services.report_of(deputy.id, year)
    if report is None and year not in services.writable_years():
        abort(404)
    return report


@bp.get("/mine/<int:year>")
@deputies
def mine_report(year: int):
    deputy = _my_deputy()
    report = _report_for_year(deputy, year)
    form = ReportForm(data=report.content if report else None)
    return _mine_page(deputy, year, report, form)


def _save_or_submit(year: int, *, submit: bool):
    deputy = _my_deputy()
    report = _report_for_year(deputy, year)
    if report is not None and not report.state.editable_by_deputy:
        return _mine_page(deputy, year, report, ReportForm(data=report.content), status=409,
                          error=f"报告{report.state.label}，不能修改；审查退回后才能再次修改。")
    form = ReportForm()
    values, errors = services.clean_sections(form.values())
    if submit and not errors:
        errors = services.missing_sections(values)
    uploads = request.files.getlist(form.files.name)
    problems = attachments.check_files(uploads)
    if errors or problems:
        for key, message in errors.items():
            form[key].errors = [message]
        if problems:
            form.files.errors = problems
        return _mine_page(deputy, year, report, form, status=422)
    try:
        report = services.start_report(deputy, year, current_user.court_id)
        services.ensure_editable(report)
    except ServiceError as error:
        return _mine_page(deputy, year, report, ReportForm(data=report.content if report else None), status=409,
                          error=error.message)
    attachments.save_files(uploads, ATTACHMENT_OWNER, report.id)
    for attachment_id in params.parse_ids(request.form.getlist("remove_file")):
        attachment = attachments.get_file(ATTACHMENT_OWNER, report.id, attachment_id)
        if attachment is not None:  # the deputy's own draft: changed as it is written, not a record deleted
            attachments.remove_file(attachment)
    if submit:
        services.submit_report(report, values)  # saves the text as the submitted version
        flash("已提交审查。审查期间报告不能修改；如被退回，可按审查意见修改后再次提交。", "success")
    else:
        services.save_report(report, values)
        flash("草稿已保存。", "success")
    return redirect(url_for("duty.mine_report", year=year), 303)


@bp.post("/mine/<int:year>")
@deputies
def mine_save(year: int):
    """Save the draft (works without JavaScript); also adds and removes attachments."""
    return _save_or_submit(year, submit=False)


@bp.post("/mine/<int:year>/submit")
@deputies
def mine_submit(year: int):
    return _save_or_submit(year, submit=True)


@bp.post("/mine/<int:year>/autosave")
@deputies
def mine_autosave(year: int):
    """htmx posts the draft here while the deputy types; the answer is the small status line."""
    deputy = _my_deputy()
    _report_for_year(deputy, year)
    values, errors = services.clean_sections(ReportForm().values())
    if errors:
        return render_template("duty/_autosave.html", saved_at=None, problem=next(iter(errors.values()))), 422
    try:
        report = services.start_report(deputy, year, current_user.court_id)
        services.save_report(report, values, action=VersionAction.AUTOSAVE)
    except ServiceError as error:
        return render_template("duty/_autosave.html", saved_at=None, problem=error.message), 409
    return render_template("duty/_autosave.html", saved_at=clock.to_local(utcnow()).strftime("%H:%M"), problem="",
                           state=report.state)


@bp.get("/reports/<int:report_id>/files/<int:attachment_id>/<path:filename>")
@require_role(*VIEWERS, Role.DEPUTY)
def report_file(report_id: int, attachment_id: int, filename: str):
    """An attachment, under its own name in the URL (browsers save it by that name)."""
    report = services.get_report_or_404(report_id)
    return attachments.send(attachments.get_file(ATTACHMENT_OWNER, report.id, attachment_id))


@bp.get("/reports/<int:report_id>.docx")
@require_role(*VIEWERS, Role.DEPUTY)
def report_docx(report_id: int):
    report = services.get_report_or_404(report_id)
    document = documents.report_document(report)
    return send_download(documents.build_report_docx(document), f"{document.title}.docx")


# --- staff: the review queue and a report --------------------------------------------------------------------

@bp.get("/")
@viewers
def index():
    filters, scope = services.QueueFilters.from_args(request.args), court_scope(current_user)
    page = services.list_reports(filters, scope.court_ids, **params.page_args())
    return render("duty/index.html", block="results", filters=filters, scope=scope, page=page,
                  counts=services.state_counts(filters, scope.court_ids), states=ReportState,
                  kinds=ReportKind.choices(), years=_years())


@bp.get("/export.xlsx")
@viewers
def export_xlsx():
    """The review queue as filtered (year, state, kind, name and court scope), as a spreadsheet."""
    filters, scope = services.QueueFilters.from_args(request.args), court_scope(current_user)
    data = documents.queue_xlsx(services.all_reports(filters, scope.court_ids), filters, scope)
    return send_download(data, f"代表述职报告_{filters.year}_{clock.today():%Y%m%d}.xlsx", XLSX)


def _years() -> list[int]:
    this = clock.today().year
    return list(range(this + 1, this - 6, -1))


def _report_page(report, form: ReviewForm, *, status: int = 200, error: str = ""):
    files = attachments.files_of(ATTACHMENT_OWNER, [report.id])[report.id]
    return render_template("duty/report.html", report=report, form=form, files=files, error=error,
                           events=services.report_events(report), history=services.version_history(report),
                           session=services.session_of_reporter(report.deputy_id, report.year),
                           actions=services.review_actions(report), labels=services.REVIEW_LABELS,
                           can_review=current_user.role in EDITOR_ROLES, sections=SECTIONS, today=clock.today()), status


@bp.get("/reports/<int:report_id>")
@viewers
def report(report_id: int):
    return _report_page(services.get_report_or_404(report_id), ReviewForm())


@bp.post("/reports/<int:report_id>/review")
@require_editor
def review(report_id: int):
    report = services.get_report_or_404(report_id)
    form = ReviewForm()
    if form.validate_on_submit():
        try:
            services.review_report(report, form.action.data, form.comment.data or "", request.form.get("on"))
        except ServiceError as error:
            return _report_page(report, form, status=422, error=_form_error(form, error))
        flash(f"已{services.REVIEW_LABELS[form.action.data]}：{report.deputy.name} {report.year}年度报告。", "success")
        return redirect(url_for("duty.report", report_id=report.id), 303)
    return _report_page(report, form, status=422)


@bp.get("/reports/<int:report_id>/versions/<int:version_id>")
@viewers
def version(report_id: int, version_id: int):
    report = services.get_report_or_404(report_id)
    shown = services.get_version_or_404(report, version_id)
    history = services.version_history(report)
    row = next(r for r in history if r.version.id == shown.id)
    return render_template("duty/version.html", report=report, row=row, sections=SECTIONS)


# --- staff: terms and the planner ----------------------------------------------------------------------------

@bp.get("/plan")
@viewers
def plan():
    year = params.parse_year(request.args.get("year")) or clock.today().year
    level = params.parse_choice(request.args.get("level"), DeputyLevel.__members__.values(), "")
    term = params.clean_query(request.args.get("term"), 20)
    groups = services.plan(year, level=level, term=term)
    warnings = sum(1 for g in groups if g.warning)
    return render("duty/plan.html", block="groups", year=year, level=level, term=term, groups=groups,
                  warnings=warnings, terms=services.list_terms(), levels=DeputyLevel.choices(), years=_years(),
                  can_edit=current_user.role in EDITOR_ROLES)


@bp.get("/plan/not-reported")
@viewers
def plan_not_reported():
    """The names of a group's members who have not reported in this term, opened from the planner's row (htmx)."""
    group = GroupKey.parse(params.clean_query(request.args.get("group"), 150))
    if group is None:
        raise NotFound()
    return render("duty/not_reported.html", block="names", target=f"{group.element_id}-names", group=group,
                  people=services.not_reported(group))


def _term_form(term):
    form = TermForm(obj=term)
    if request.method == "GET" and term is not None:
        form.level.data = term.level.value
    if form.validate_on_submit():
        try:
            services.save_term(term, form.data)
        except ServiceError as error:
            form.set_errors(error.errors)
        else:
            flash("届期已保存。", "success")
            return redirect(url_for("duty.plan"), 303)
    return render_template("duty/term_form.html", form=form, term=term), 422 if form.errors else 200


@bp.route("/terms/new", methods=["GET", "POST"])
@require_editor
def term_new():
    return _term_form(None)


@bp.route("/terms/<int:term_id>", methods=["GET", "POST"])
@require_editor
def term_edit(term_id: int):
    return _term_form(services.get_term_or_404(term_id))


@bp.post("/terms/<int:term_id>/delete")
@require_editor
def term_delete(term_id: int):
    term = services.get_term_or_404(term_id)
    services.delete_term(term)
    flash(f"已删除届期：{term}，可在回收站恢复。", "success")
    return redirect(url_for("duty.plan"), 303)


# --- staff: sessions -----------------------------------------------------------------------------------------

@bp.get("/sessions")
@viewers
def sessions():
    filters, scope = services.SessionFilters.from_args(request.args), court_scope(current_user)
    page = services.list_sessions(filters, scope.court_ids, **params.page_args())
    return render("duty/sessions.html", block="results", filters=filters, scope=scope, page=page, years=_years(),
                  states=SessionState.choices(), group=GroupKey.parse(filters.group),
                  can_edit=current_user.role in EDITOR_ROLES)


@bp.route("/sessions/new", methods=["GET", "POST"])
@require_editor
def session_new():
    form = SessionForm()
    form.group.choices = [("", "请选择代表组")] + [(k.value, k.label) for k in services.group_choices()]
    if request.method == "GET":
        form.group.data = params.clean_query(request.args.get("group"), 150)
    if form.validate_on_submit():
        key = GroupKey.parse(form.group.data)
        if key is None:
            form.group.errors = ["请选择代表组。"]
        else:
            try:
                session = services.create_session(key, form.data, current_user.court_id)
            except ServiceError as error:
                form.set_errors(error.errors)
            else:
                flash("述职会已建立，请安排述职代表。", "success")
                return redirect(url_for("duty.session", session_id=session.id), 303)
    return render_template("duty/session_form.html", form=form, session=None), 422 if form.errors else 200


@bp.route("/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@require_editor
def session_edit(session_id: int):
    session = services.get_session_or_404(session_id, for_edit=True)
    form = SessionForm(obj=session)
    del form.group
    conflict = None
    if form.validate_on_submit():
        try:
            conflict = save_unless_stale(session, form.version, lambda: services.update_session(session, form.data))
        except ServiceError as error:
            form.set_errors(error.errors)
        else:
            if conflict is None:
                flash("已保存修改。", "success")
                return redirect(url_for("duty.session", session_id=session.id), 303)
    status = 409 if conflict else 422 if form.errors else 200
    return render_template("duty/session_form.html", form=form, session=session, conflict=conflict), status


def _session_page(session, *, status: int = 200, error: str = "", evaluation=None, rectification=None,
                  outcome=None, hold=None):
    """The session page; a form that failed comes back as (owner id, form) and is shown with its errors."""
    services.load_session_page(session)
    reports = services.reports_by_deputy([r.deputy_id for r in session.reporters], session.year)
    return render_template(
        "duty/session.html", session=session, reports=reports, error=error,
        candidates=services.reporter_candidates(session) if session.state == SessionState.PLANNED else [],
        close_problems=services.close_problems(session) if session.state == SessionState.HELD else [],
        evaluation=evaluation or (None, None), rectification=rectification or (None, None),
        outcome=outcome or (None, None), hold=hold or HoldForm(voters_present=session.voters_present or None),
        can_edit=current_user.role in EDITOR_ROLES and session.state != SessionState.CLOSED, today=clock.today()), status


@bp.get("/sessions/<int:session_id>")
@viewers
def session(session_id: int):
    return _session_page(services.get_session_or_404(session_id))


def _back_to(session, anchor: str = ""):
    return redirect(url_for("duty.session", session_id=session.id) + (f"#{anchor}" if anchor else ""), 303)


@bp.post("/sessions/<int:session_id>/delete")
@require_editor
def session_delete(session_id: int):
    session = services.get_session_or_404(session_id, for_edit=True)
    try:
        services.delete_session(session)
    except ServiceError as error:
        return _session_page(session, status=409, error=error.message)
    flash("述职会已删除，可在回收站恢复。", "success")
    return redirect(url_for("duty.sessions", year=session.year), 303)


@bp.post("/sessions/<int:session_id>/reporters")
@require_editor
def reporter_add(session_id: int):
    session = services.get_session_or_404(session_id, for_edit=True)
    try:
        reporter = services.add_reporter(session, params.parse_id(request.form.get("deputy_id")))
    except ServiceError as error:
        flash(error.message, "warning")  # a one-choice form: nothing typed is lost by coming back to the page
        return _back_to(session, "reporters")
    flash(f"已安排{reporter.deputy.name}当面述职。", "success")
    return _back_to(session, "reporters")


@bp.post("/sessions/<int:session_id>/reporters/<int:reporter_id>/remove")
@require_editor
def reporter_remove(session_id: int, reporter_id: int):
    session = services.get_session_or_404(session_id, for_edit=True)
    reporter = services.get_reporter_or_404(session, reporter_id)
    name = reporter.deputy.name
    try:
        services.remove_reporter(session, reporter)
    except ServiceError as error:
        return _session_page(session, status=409, error=error.message)
    flash(f"已取消{name}的当面述职安排。", "success")
    return _back_to(session, "reporters")


@bp.post("/sessions/<int:session_id>/reporters/<int:reporter_id>/evaluation")
@require_editor
def evaluation(session_id: int, reporter_id: int):
    session = services.get_session_or_404(session_id, for_edit=True)
    reporter = services.get_reporter_or_404(session, reporter_id)
    form = EvaluationForm()
    if form.validate_on_submit():
        try:
            services.record_evaluation(session, reporter, {**form.data, "on": request.form.get("on")})
        except ServiceError as error:
            return _session_page(session, status=422, error=_form_error(form, error), evaluation=(reporter.id, form))
        flash(f"已保存{reporter.deputy.name}的评议结果。", "success")
        return _back_to(session, f"reporter-{reporter.id}")
    return _session_page(session, status=422, evaluation=(reporter.id, form))


@bp.post("/sessions/<int:session_id>/reporters/<int:reporter_id>/rectifications")
@require_editor
def rectification_add(session_id: int, reporter_id: int):
    session = services.get_session_or_404(session_id, for_edit=True)
    reporter = services.get_reporter_or_404(session, reporter_id)
    form = RectificationForm()
    if form.validate_on_submit():
        try:
            services.add_rectification(session, reporter, form.data)
        except ServiceError as error:
            return _session_page(session, status=422, error=_form_error(form, error),
                                 rectification=(reporter.id, form))
        flash("已登记整改事项。", "success")
        return _back_to(session, f"reporter-{reporter.id}")
    return _session_page(session, status=422, rectification=(reporter.id, form))


@bp.post("/sessions/<int:session_id>/rectifications/<int:rectification_id>")
@require_editor
def rectification_outcome(session_id: int, rectification_id: int):
    session = services.get_session_or_404(session_id, for_edit=True)
    item = services.get_rectification_or_404(session, rectification_id)
    form = OutcomeForm()
    if form.validate_on_submit():
        try:
            services.set_outcome(session, item, form.status.data, form.outcome.data, request.form.get("on"))
        except ServiceError as error:
            return _session_page(session, status=422, error=_form_error(form, error), outcome=(item.id, form))
        flash("已记录整改结果。", "success")
        return _back_to(session, f"reporter-{item.reporter_id}")
    return _session_page(session, status=422, outcome=(item.id, form))


@bp.post("/sessions/<int:session_id>/rectifications/<int:rectification_id>/delete")
@require_editor
def rectification_delete(session_id: int, rectification_id: int):
    session = services.get_session_or_404(session_id, for_edit=True)
    item = services.get_rectification_or_404(session, rectification_id)
    reporter_id = item.reporter_id
    try:
        services.delete_rectification(session, item)
    except ServiceError as error:
        return _session_page(session, status=409, error=error.message)
    flash("已删除整改事项，可在回收站恢复。", "success")
    return _back_to(session, f"reporter-{reporter_id}")


@bp.post("/sessions/<int:session_id>/hold")
@require_editor
def session_hold(session_id: int):
    session = services.get_session_or_404(session_id, for_edit=True)
    form = HoldForm()
    if form.validate_on_submit():
        try:
            services.hold_session(session, form.voters_present.data)
        except ServiceError as error:
            return _session_page(session, status=409, error=error.message, hold=form)
        flash("述职会已标记为已召开，请录入选民评议结果。", "success")
        return _back_to(session)
    return _session_page(session, status=422, hold=form)


@bp.post("/sessions/<int:session_id>/close")
@require_editor
def session_close(session_id: int):
    session = services.get_session_or_404(session_id, for_edit=True)
    try:
        services.close_session(session)
    except ServiceError as error:
        return _session_page(session, status=409, error=error.message)
    flash("述职会已结束，评议和整改情况已归档。", "success")
    return _back_to(session)


@bp.get("/sessions/<int:session_id>/results.docx")
@viewers
def session_docx(session_id: int):
    session = services.get_session_or_404(session_id)
    services.load_session_page(session)
    document = documents.session_results_document(session, current_user.court.name)
    return send_download(documents.build_session_results_docx(document),
                         f"{session.group_name}{session.year}年代表述职评议结果.docx")


@bp.get("/overview.docx")
@viewers
def overview_docx():
    year = params.parse_year(request.args.get("year")) or clock.today().year
    group = GroupKey.parse(params.clean_query(request.args.get("group"), 150))
    document = documents.overview_document(year, group=group, scope=court_scope(current_user))
    name = f"{year}年代表述职情况汇总{'_' + group.name if group else ''}.docx"
    return send_download(documents.overview_docx(document), name)
