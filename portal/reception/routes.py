"""The reception log's pages: the log with its filters and quick entry (/reception/), a visit's form, page,
follow-ups and attachments, the Word record and period register, the log in Excel, and the deputy's own
visits (/reception/mine)."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from portal import clock, params
from portal.access import EDITOR_ROLES, court_scope, require_editor, require_role, require_staff, visible_court_ids
from portal.attachments import delete_file, get_file, save_files, send
from portal.auth.models import Court, Role
from portal.documents import XLSX, send_download
from portal.errors import ServiceError
from portal.extensions import db
from portal.htmx import is_partial, render
from portal.reception import bp
from portal.reception.documents import (
    build_record_docx,
    build_register_xlsx,
    record_document,
    register_document,
    register_docx,
    stream_register_document,
)
from portal.reception.forms import FollowupForm, ReceptionForm
from portal.reception.models import Reception
from portal.reception.services import (
    DEFAULT_PLACE,
    OWNER_TYPE,
    ReceptionFilters,
    add_followup,
    all_filtered,
    create_reception,
    delete_reception,
    deputy_page,
    detail_context,
    filter_choices,
    host_choices,
    list_receptions,
    load_reception,
    local_input,
    period_counts,
    stream_filtered,
    trash_label,
    update_reception,
)
from portal.register.models import Deputy
from portal.register.services import deputies_by_ids
from portal.versioning import save_unless_stale


def get_reception_or_404(reception_id: int) -> Reception:
    """A reception of a court the user sees (NotFound otherwise); who may edit is the routes' decorators' call."""
    return load_reception(reception_id, visible_court_ids(current_user))


def _can_edit() -> bool:
    return current_user.role in EDITOR_ROLES


# --- the log ------------------------------------------------------------------------------------------------

@bp.get("/")
@require_staff
def index():
    court_ids = visible_court_ids(current_user)
    filters, scope = ReceptionFilters.from_args(request.args), court_scope(current_user)
    counts = period_counts(filters, scope.court_ids)
    page, followups = list_receptions(filters, scope.court_ids, counts, **params.page_args())
    deputy = db.session.get(Deputy, int(filters.deputy)) if filters.deputy else None
    context = dict(filters=filters, scope=scope, page=page, followups=followups,
                   counts=counts, choices=filter_choices(scope.court_ids),
                   deputy=deputy, can_edit=_can_edit())
    if _can_edit() and not is_partial("results"):
        context.update(_form_context(_new_form(court_ids), court_ids), quick=True)
    return render("reception/index.html", block="results", **context), 422 if filters.period.problem else 200


# --- create and edit -----------------------------------------------------------------------------------------

def _new_form(court_ids: list[int]) -> ReceptionForm:
    form = ReceptionForm(formdata=None)
    form.received_at.data = local_input(clock.local_now().replace(second=0, microsecond=0))
    form.place.data = DEFAULT_PLACE
    form.court_id.data = str(current_user.court_id if current_user.court_id in court_ids else court_ids[0])
    if current_user.role == Role.LIAISON:
        form.liaison_officer_id.data = str(current_user.id)
    return form


def _form_context(form: ReceptionForm, court_ids: list[int]) -> dict:
    """What the form template needs; hosts and liaison officers are offered from the receiving court chosen, the
    deputies picked come back as chips, and each field's first mistake is listed for the summary and the focus."""
    courts = _courts(court_ids)
    chosen_court = str(form.court_id.data or "")
    court_id = params.parse_id(chosen_court) if params.parse_id(chosen_court) in court_ids else (
        current_user.court_id if current_user.court_id in court_ids else court_ids[0])
    form.court_id.data = str(court_id)
    form.set_choices(courts, host_choices([court_id]))
    errors = {f.name: f.errors[0] for f in form if f.errors}
    return {"form": form, "chosen": deputies_by_ids(form.deputy_ids.data or []), "errors": errors,
            "several_courts": len(courts) > 1}


def _show_form(form: ReceptionForm, court_ids: list[int], reception: Reception | None, quick: bool, **extra):
    return render("reception/form.html", block="reception_form", reception=reception, quick=quick,
                  **_form_context(form, court_ids), **extra)


def _courts(court_ids: list[int]) -> list[Court]:
    return list(db.session.scalars(select(Court).where(Court.id.in_(court_ids)).order_by(Court.code)))


@bp.route("/new", methods=["GET", "POST"])
@require_editor
def create():
    court_ids = visible_court_ids(current_user)
    quick = request.args.get("quick") == "1"
    if request.method == "GET":
        return _show_form(_new_form(court_ids), court_ids, None, False)
    form = ReceptionForm(court_ids=court_ids)
    if request.args.get("refresh") == "1":  # the court menu asks for the form again, as typed, with its hosts
        return _show_form(form, court_ids, None, quick)
    if not form.validate_on_submit():
        return _show_form(form, court_ids, None, quick), 422
    reception = create_reception(form.values())
    save_files(form.uploads, OWNER_TYPE, reception.id)
    if quick and is_partial("reception_form"):
        # The front desk's quick entry: a fresh form for the next visitor; the list refreshes itself.
        response = _show_form(_new_form(court_ids), court_ids, None, True, saved=reception)
        response.headers["HX-Trigger"] = "reception-saved"
        return response
    flash("已登记来访接待。", "success")
    return redirect(url_for("reception.detail", reception_id=reception.id), 303)


@bp.route("/<int:reception_id>/edit", methods=["GET", "POST"])
@require_editor
def edit(reception_id: int):
    reception = get_reception_or_404(reception_id)
    court_ids = visible_court_ids(current_user)
    if request.method == "GET":
        form = ReceptionForm(obj=reception)
        form.received_at.data = local_input(reception.received_at)
        form.channel.data = reception.channel.value
        form.court_id.data = str(reception.court_id)
        form.deputy_ids.data = [d.id for d in reception.deputies]
        form.host_ids.data = [str(link.user_id) for link in reception.host_links]
        form.liaison_officer_id.data = str(reception.liaison_officer_id or "")
        form.followup_title.data = ""
        return _show_form(form, court_ids, reception, False)
    form = ReceptionForm(court_ids=court_ids)
    if request.args.get("refresh") == "1":
        return _show_form(form, court_ids, reception, False)
    if not form.validate_on_submit():
        return _show_form(form, court_ids, reception, False), 422
    conflict = save_unless_stale(reception, form.version, lambda: update_reception(reception, form.values()))
    if conflict:
        if form.uploads:
            form.attachments.errors = ["附件未保存，请重新选择附件。"]
        return _show_form(form, court_ids, reception, False, conflict=conflict), 409
    save_files(form.uploads, OWNER_TYPE, reception.id)
    flash("已保存修改。", "success")
    return redirect(url_for("reception.detail", reception_id=reception.id), 303)


# --- one reception ----------------------------------------------------------------------------------------------

@bp.get("/<int:reception_id>")
@require_staff
def detail(reception_id: int):
    reception = get_reception_or_404(reception_id)
    return render_template("reception/detail.html", reception=reception, can_edit=_can_edit(),
                           followup_form=FollowupForm(formdata=None), **detail_context(reception))


@bp.post("/<int:reception_id>/followups")
@require_editor
def add_followup_item(reception_id: int):
    reception = get_reception_or_404(reception_id)
    form = FollowupForm()
    status = 422
    if form.validate_on_submit():
        item = add_followup(reception, **form.values())
        if not is_partial("followups"):
            flash(f"已登记跟踪事项 {item.number}。", "success")
            return redirect(url_for("reception.detail", reception_id=reception.id), 303)
        form, status = FollowupForm(formdata=None), 200
    response = render("reception/detail.html", block="followups", reception=reception, can_edit=True,
                      followup_form=form, **detail_context(reception))
    return response, status


@bp.post("/<int:reception_id>/delete")
@require_editor
def delete(reception_id: int):
    reception = get_reception_or_404(reception_id)
    try:
        delete_reception(reception)
    except ServiceError as error:
        flash(error.message, "warning")
        return redirect(url_for("reception.detail", reception_id=reception.id), 303)
    flash("已删除该次接待记录，可在回收站恢复。", "success")
    return redirect(url_for("reception.index"), 303)


@bp.get("/<int:reception_id>/files/<int:attachment_id>/<path:filename>")
@require_staff
def attachment(reception_id: int, attachment_id: int, filename: str):
    """Download an attachment; the URL ends with its name so that browsers save it under that name."""
    reception = get_reception_or_404(reception_id)
    return send(get_file(OWNER_TYPE, reception.id, attachment_id))


@bp.post("/<int:reception_id>/files/<int:attachment_id>/delete")
@require_editor
def delete_attachment(reception_id: int, attachment_id: int):
    reception = get_reception_or_404(reception_id)
    found = get_file(OWNER_TYPE, reception.id, attachment_id)
    if found is None:
        abort(404)
    name = found.original_name
    delete_file(found, court_id=reception.court_id, record=trash_label(reception))
    flash(f"已删除附件“{name}”，可在回收站恢复。", "success")
    return redirect(url_for("reception.detail", reception_id=reception.id), 303)


# --- documents --------------------------------------------------------------------------------------------------

@bp.get("/<int:reception_id>/record.docx")
@require_staff
def record_docx(reception_id: int):
    reception = get_reception_or_404(reception_id)
    data = build_record_docx(record_document(reception))
    day = clock.to_local(reception.received_at)
    return send_download(data, f"来访接待登记表_{day:%Y%m%d}_{reception.id}.docx")


def _register():
    """The log as filtered (the same filters, period and court scope) as the exports' data."""
    filters, scope = ReceptionFilters.from_args(request.args), court_scope(current_user)
    filters.period.check()
    return register_document(all_filtered(filters, scope.court_ids), filters, scope)


@bp.get("/export.docx")
@require_staff
def export_docx():
    """The 接待登记汇总 of the log as filtered."""
    filters, scope = ReceptionFilters.from_args(request.args), court_scope(current_user)
    filters.period.check()
    data = stream_register_document(stream_filtered(filters, scope.court_ids), filters, scope)
    return send_download(register_docx(data), f"来访接待登记汇总_{clock.today():%Y%m%d}.docx")


@bp.get("/export.xlsx")
@require_staff
def export_xlsx():
    """The log as filtered, as a spreadsheet."""
    return send_download(build_register_xlsx(_register()), f"来访接待_{clock.today():%Y%m%d}.xlsx", XLSX,
                         audit="来访接待（含代表委员手机号码）")


# --- the deputy's own visits --------------------------------------------------------------------------------------

@bp.get("/mine")
@require_role(Role.DEPUTY)
def mine():
    if current_user.deputy_id is None:
        page, followups = None, {}
    else:
        page, followups = deputy_page(current_user.deputy_id, **params.page_args())
    return render("reception/mine.html", block="results", page=page, followups=followups)

