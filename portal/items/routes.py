"""Pages of tracked items (/items): the staff board (index) with its quick actions, each person's queue, the deputy's
own items (mine), registration and editing (create, edit, with the deputy picker), the item page (detail) with its
workflow steps (act), contacts (过问留痕) and attachments, the Word documents (reply letter, supervision notice,
case report, the item table), the item table in Excel and the figures page.

Routes stay thin: the checks are in the services, which raise ``ServiceError`` (``Forbidden`` for a step the user
may not take); a route that shows the form again catches it.
"""
from datetime import date

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user
from jinja2_fragments.flask import render_block

from portal import areas, attachments, clock, params, periods
from portal.access import EDITOR_ROLES, CourtScope, court_scope, require_editor, require_role, require_staff
from portal.auth.models import BUSINESS_ROLES, Role
from portal.documents import XLSX, send_download
from portal.errors import Forbidden, ServiceError
from portal.htmx import is_partial, render
from portal.items import bp, contacts, documents, history, queries, services, supervision, workflow
from portal.items.forms import ContactForm, ItemForm
from portal.items.models import Item, ItemKind, ItemOrigin, ItemState, Rating
from portal.items.queries import BoardFilters
from portal.versioning import save_unless_stale

OWNER = "item"
everyone = require_role(*BUSINESS_ROLES)


def origin_url(item: Item) -> str | None:
    """The page of the record the item came from (the area it came from answers), for staff: those pages are theirs
    (a deputy sees the visit or hearing on their own workspace, not the staff record)."""
    if current_user.role == Role.DEPUTY:
        return None
    return areas.first("item_origin_url", item)


# --- lists ----------------------------------------------------------------------------------------------------

def _board_context(filters: BoardFilters, scope: CourtScope) -> dict:
    counts = queries.state_counts(current_user, filters, scope.court_ids)
    page = queries.list_items(current_user, filters, scope.court_ids, counts, **params.page_args())
    return {"filters": filters, "page": page, "scope": scope, "counts": counts}


def _common() -> dict:
    return {"states": list(ItemState), "kinds": list(ItemKind), "deadline_states": supervision.DEADLINE_STATES,
            "deadline_state": supervision.deadline_state, "today": clock.today(),
            "may": lambda item, action: workflow.may(current_user, item, action)}


@bp.get("/")
@require_staff
def index():
    filters = BoardFilters.from_args(request.args)
    scope = court_scope(current_user)
    return render("items/index.html", block="results", choices=queries.board_choices(scope.court_ids),
                  can_register=current_user.role in EDITOR_ROLES, **_board_context(filters, scope),
                  **_common())


@bp.get("/queue")
@require_staff
def queue():
    scope = court_scope(current_user)
    flagged, page = queries.queue(current_user, scope.court_ids, **params.page_args())
    return render("items/queue.html", block="results", flagged=flagged, page=page, scope=scope,
                  counts=queries.supervision_counts(current_user, scope.court_ids), **_common())


@bp.get("/mine")
@require_role(Role.DEPUTY)
def mine():
    deputy_id = current_user.deputy_id or -1
    page = queries.deputy_items(deputy_id, **params.page_args())
    return render("items/mine.html", block="results", page=page, rated=queries.rated_by(deputy_id, page.items),
                  **_common())


# --- registration ---------------------------------------------------------------------------------------------

@bp.route("/new", methods=["GET", "POST"])
@require_role(Role.LIAISON, Role.DEPUTY)
def create():
    deputy = current_user.deputy if current_user.role == Role.DEPUTY else None
    if current_user.role == Role.DEPUTY and deputy is None:
        abort(403)
    kinds = services.deputy_kinds(deputy) if deputy else list(ItemKind)
    form = ItemForm(kinds=kinds, staff=deputy is None)
    if request.method == "GET" and not deputy:
        form.received_on.data = clock.today()
    file_errors: list[str] = []
    if form.validate_on_submit():
        files = request.files.getlist(form.files.name)
        file_errors = attachments.check_files(files)
        if not file_errors:
            values = form.values()
            if deputy:
                item = services.create_item(court_id=current_user.court_id, kind=values["kind"], title=values["title"],
                                            content=values["content"], case_number=values["case_number"],
                                            deputies=[deputy], origin=ItemOrigin.PORTAL)
            else:
                item = services.create_item(court_id=current_user.court_id, kind=values["kind"], title=values["title"],
                                            content=values["content"], case_number=values["case_number"],
                                            deputies=values["deputies"], origin=values["origin"],
                                            received_on=values["received_on"], source_body=values["source_body"])
            attachments.save_files(files, OWNER, item.id)
            flash(f"已登记，登记编号 {item.number}。" if not deputy else
                  f"已提交，登记编号 {item.number}。法院将逐件登记办理，答复后请您评价。", "success")
            return redirect(url_for("items.detail", item_id=item.id), 303)
    selected, _ = queries.deputy_options("", form.deputy_ids.data or [])
    status = 422 if (form.errors or file_errors) else 200
    return render_template("items/form.html", form=form, item=None, deputy=deputy, selected=selected,
                           file_errors=file_errors), status


@bp.get("/deputy-options")
@require_editor
def deputy_options():
    selected_ids = params.parse_ids(request.args.getlist("deputy_ids"))
    q = params.clean_query(request.args.get("deputy_q"), 40)
    selected, matches = queries.deputy_options(q, selected_ids)
    return render("items/deputy_picker.html", block="options", target="deputy-options", selected=selected,
                  matches=matches, q=q)


@bp.route("/<int:item_id>/edit", methods=["GET", "POST"])
@require_editor
def edit(item_id: int):
    item = queries.visible_item(current_user, item_id)
    if item.state == ItemState.CLOSED:
        flash("已办结的事项不能修改登记信息。", "warning")
        return redirect(url_for("items.detail", item_id=item.id), 303)
    form = ItemForm(obj=item)
    if request.method == "GET":
        form.kind.data, form.origin.data = item.kind.value, item.origin.value
        form.deputy_ids.data = [d.id for d in item.deputies]
    conflict = None
    if form.validate_on_submit():
        conflict = save_unless_stale(item, form.version, lambda: services.update_item(item, form.values()))
        if conflict is None:
            flash("已保存登记信息。", "success")
            return redirect(url_for("items.detail", item_id=item.id), 303)
    selected, _ = queries.deputy_options("", form.deputy_ids.data or [])
    status = 409 if conflict else 422 if form.errors else 200
    return render_template("items/form.html", form=form, item=item, deputy=None, selected=selected, file_errors=[],
                           conflict=conflict), status


# --- the item page and its workflow ---------------------------------------------------------------------------

def _detail_context(item: Item, **extra) -> dict:
    is_deputy = current_user.role == Role.DEPUTY
    sees_contacts = contacts.sees_contacts(current_user)
    actions = workflow.available_actions(current_user, item)
    context = {
        "item": item, "events": history.history(item, for_deputy=is_deputy),
        "contacts": contacts.contacts(item) if sees_contacts else [], "sees_contacts": sees_contacts,
        "files": attachments.files_of(OWNER, [item.id])[item.id], "actions": actions,
        "action_labels": workflow.ACTION_LABELS, "origin_url": origin_url(item), "is_deputy": is_deputy,
        "choices": workflow.assignment_choices(item) if "assign" in actions else None, "ratings": list(Rating),
        "contact_form": extra.pop("contact_form", None), "errors": {}, "failed": None, "notice": None,
        "can_upload": current_user.role in EDITOR_ROLES or queries.is_handler_of(current_user, item),
        "can_edit": current_user.role in EDITOR_ROLES and item.state != ItemState.CLOSED,
        "values": {}, "ratings_given": workflow.round_ratings(item) if item.deputies else [],
        "unrated": workflow.unrated_deputies(item) if item.state == ItemState.ANSWERED else [],
        "division_head": workflow.division_head(item),
    }
    if context["contact_form"] is None and sees_contacts:
        form = ContactForm()
        form.set_deputies(item.deputies)
        context["contact_form"] = form
    context.update(_common())
    context.update(extra)
    return context


@bp.get("/<int:item_id>")
@everyone
def detail(item_id: int):
    item = queries.visible_item(current_user, item_id)
    return render("items/detail.html", block="item_main", target="item-main", **_detail_context(item))


@bp.post("/<int:item_id>/act/<action>")
@everyone
def act(item_id: int, action: str):
    item = queries.visible_item(current_user, item_id)
    if action not in workflow.TRANSITIONS:
        abort(404)
    data = {key: request.form.get(key, "") for key in request.form if key not in ("csrf_token", "user", "item", "action")}
    row_target = f"item-row-{item.id}"
    try:
        workflow.advance(item, action, **data)
    except Forbidden:
        raise  # the error page: nothing on this page lets the user take that step
    except ServiceError as error:
        if is_partial(row_target):
            return _board_row(item, error=error.message), 422
        context = _detail_context(item, errors=error.errors, failed=action, values=data)
        context["notice"] = ("danger", error.message)
        return render("items/detail.html", block="item_main", target="item-main", **context), 422
    message = f"已{workflow.TRANSITIONS[action].label}：{item.number}，当前状态“{item.state.label}”。"
    if is_partial(row_target):
        response = _board_row(item)
    elif is_partial("item-main"):
        response = render("items/detail.html", block="item_main", target="item-main",
                          **_detail_context(item, notice=("success", message)))
    else:
        flash(message, "success")
        return redirect(url_for("items.detail", item_id=item.id), 303)
    return response


def _board_row(item: Item, error: str | None = None):
    """The board's row of a moved item, and the state counts swapped out of band."""
    filters = BoardFilters.from_args(request.form)
    scope = court_scope(current_user, request.form)
    context = {"item": item, "filters": filters, "row_error": error, "scope": scope,
               "counts": queries.state_counts(current_user, filters, scope.court_ids), **_common()}
    body = render_block("items/index.html", "moved", **context)
    response = make_response(body)
    response.vary.add("HX-Target")
    return response


@bp.post("/<int:item_id>/contacts")
@require_role(Role.LIAISON, Role.LEADER)
def add_contact(item_id: int):
    item = queries.visible_item(current_user, item_id)
    form = ContactForm()
    form.set_deputies(item.deputies)
    if form.validate_on_submit():
        contacts.add_contact(item, **form.values())
        flash("已记录过问情况。", "success")
        return redirect(url_for("items.detail", item_id=item.id, _anchor="contacts"), 303)
    context = _detail_context(item, contact_form=form)
    context["notice"] = ("danger", "过问记录有误，请查看标红的字段。")
    return render_template("items/detail.html", **context), 422


@bp.post("/<int:item_id>/files")
@require_role(Role.LIAISON, Role.HANDLER)
def upload(item_id: int):
    item = queries.visible_item(current_user, item_id)
    files = request.files.getlist("files")
    if not any(f and f.filename for f in files):
        flash("请选择要上传的文件。", "warning")
        return redirect(url_for("items.detail", item_id=item.id), 303)
    problems = attachments.check_files(files)
    if problems:
        context = _detail_context(item)
        context["notice"] = ("danger", "；".join(problems))
        return render_template("items/detail.html", **context), 422
    saved = attachments.save_files(files, OWNER, item.id)
    history.record_event(item, "attach", note="、".join(a.original_name for a in saved))
    flash(f"已上传 {len(saved)} 个附件。", "success")
    return redirect(url_for("items.detail", item_id=item.id), 303)


@bp.get("/<int:item_id>/files/<int:file_id>/<path:filename>")
@everyone
def download(item_id: int, file_id: int, filename: str):
    item = queries.visible_item(current_user, item_id)
    return attachments.send(attachments.get_file(OWNER, item.id, file_id))


# --- documents ------------------------------------------------------------------------------------------------


@bp.get("/<int:item_id>/reply.docx")
@everyone
def reply_docx(item_id: int):
    item = queries.visible_item(current_user, item_id)
    if current_user.role == Role.DEPUTY and item.answered_at is None:
        abort(403)  # a deputy reads the reply letter once it is final
    return send_download(documents.build_reply_letter(documents.reply_letter(item)), f"答复函_{item.number}.docx")


@bp.get("/<int:item_id>/supervision.docx")
@require_staff
def supervision_docx(item_id: int):
    item = queries.visible_item(current_user, item_id)
    events = history.history(item)
    problem = documents.supervision_problem(item, events)
    if problem:
        flash(problem, "warning")
        return redirect(url_for("items.detail", item_id=item.id), 303)
    data = documents.supervision_notice(item, events)
    return send_download(documents.build_supervision_notice(data), f"督办通知_{item.number}.docx")


@bp.get("/<int:item_id>/case-report.docx")
@require_staff
def case_report_docx(item_id: int):
    item = queries.visible_item(current_user, item_id)
    if not item.is_concerned_case:
        abort(404)
    data = documents.case_report(item, contacts.contacts(item) if contacts.sees_contacts(current_user) else None)
    return send_download(documents.build_case_report(data), f"关注案件办理报告_{item.number}.docx")


def _bounds(period: periods.Period) -> tuple[date, date]:
    """Figures need both ends: an open period runs from 2000 to today."""
    return period.or_bounds(date(2000, 1, 1), clock.today())


@bp.get("/figures")
@require_staff
def figures():
    period, scope = periods.from_request(), court_scope(current_user)
    start, end = _bounds(period)
    report = None if period.problem else queries.figures(scope.court_ids, start, end, user=current_user)
    return render_template("items/figures.html", report=report, start=start, end=end, period=period,
                           scope=scope), 422 if period.problem else 200


@bp.get("/export.docx")
@require_staff
def export_docx():
    """The item table of the figures page: the same period, court scope and visibility (a handler: their items)."""
    period, scope = periods.from_request(), court_scope(current_user)
    period.check()
    start, end = _bounds(period)
    report = queries.figures(scope.court_ids, start, end, user=current_user)
    several = queries.period_court_count(scope.court_ids, start, end, user=current_user) > 1
    rows = documents.stream_table_rows(scope.court_ids, start, end, user=current_user)
    data = documents.item_table(scope.title, start, end, rows, report, several_courts=several)
    return send_download(documents.item_table_docx(data), f"交办督办件统计表_{start:%Y%m%d}-{end:%Y%m%d}.docx")


@bp.get("/export.xlsx")
@require_staff
def export_xlsx():
    """The figures page as a workbook: its items and figures, with the same period, court scope and visibility."""
    period, scope = periods.from_request(), court_scope(current_user)
    period.check()
    start, end = _bounds(period)
    report = queries.figures(scope.court_ids, start, end, user=current_user)
    data = documents.build_item_xlsx(
        scope.title, queries.stream_period_rows(scope.court_ids, start, end, user=current_user), report)
    return send_download(data, f"交办督办件_{start:%Y%m%d}-{end:%Y%m%d}.xlsx", XLSX)

