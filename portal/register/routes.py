"""The register's pages: the list with its search and filters (/register/), a person's page, their form and
their mandates' forms, 离任, the Excel and Word exports, the Excel import and the new term's import (换届), and the
deputy picker of other areas' forms (/register/pick)."""
import re

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from portal import clock, params
from portal.access import EDITOR_ROLES, require_editor, require_role, require_staff
from portal.areas import collect
from portal.auth.models import Role, User
from portal.documents import DOCX, XLSX, send_download
from portal.documents.gbt9704 import format_date
from portal.errors import ServiceError
from portal.extensions import db
from portal.htmx import is_partial, render
from portal.register import READERS, bp, excel, imports, terms
from portal.register.documents import register_document, register_docx
from portal.register.forms import DeputyForm, MandateForm, PersonForm
from portal.register.models import Deputy, DeputyKind, DeputyLevel, DeputyStatus, Mandate
from portal.register.services import (
    SORTS,
    RegisterFilters,
    add_mandate,
    create_deputy,
    deputies_by_ids,
    filter_choices,
    import_deputies,
    list_deputies,
    pick_deputies,
    set_status,
    stream_filtered,
    stream_with_leaders,
    update_deputy,
    update_mandate,
    validate_deputy,
    validate_mandate,
)
from portal.versioning import save_unless_stale


def get_deputy_or_404(deputy_id: int) -> Deputy:
    """Staff see the whole shared register; deputies never reach these routes (see the decorators)."""
    return db.get_or_404(Deputy, deputy_id)


@bp.get("/")
@require_role(*READERS)
def index():
    filters = RegisterFilters.from_args(request.args)
    page = list_deputies(filters, **params.page_args())
    return render("register/index.html", block="results", filters=filters, page=page,
                  choices=filter_choices(), kinds=DeputyKind.choices(), levels=DeputyLevel.choices(),
                  statuses=DeputyStatus.choices(), sort_options=[(key, label) for key, (label, *_) in SORTS.items()],
                  can_edit=current_user.role in EDITOR_ROLES)


PICKER_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,39}")  # an element id or a field name


def _picker() -> dict:
    """The settings of the picker asking (the ``deputy_picker`` macro sends them): its chips container's id, the
    field its chips post, its search box's label and the form's field for people not in the register."""
    chips, field = request.args.get("chips", ""), request.args.get("field", "")
    return {"chips": chips if PICKER_NAME.fullmatch(chips) else "deputy-chips",
            "field": field if PICKER_NAME.fullmatch(field) else "deputy_ids",
            "label": params.clean_query(request.args.get("label"), 20) or "查找代表委员",
            "others": params.clean_query(request.args.get("others"), 20)}


@bp.get("/pick")
@require_editor
def pick():
    """The deputy picker: people in office matching what was typed, or one chip for the person clicked (none if
    already picked); without htmx, a page of matches."""
    picker = _picker()
    chosen = params.parse_ids(request.args.getlist(picker["field"]))
    add = params.parse_id(request.args.get("add"))
    if is_partial(picker["chips"]):  # an id that is no record adds no chip (never a whole page into the chips)
        deputies = deputies_by_ids([add]) if add and add not in chosen else []
        return render("register/pick.html", block="chip", target=picker["chips"], picker=picker, deputies=deputies,
                      results=[], q="")
    q = params.clean_query(request.args.get("dq"), 40)
    return render("register/pick.html", block="deputy_results", target="deputy-results", picker=picker, q=q,
                  deputies=[], results=pick_deputies(q, chosen))


@bp.route("/new", methods=["GET", "POST"])
@require_editor
def create():
    form = DeputyForm()
    if form.validate_on_submit():
        checked = validate_deputy(form.raw_values())
        if not checked.errors:
            deputy = create_deputy(checked.values)
            flash(f"已登记代表委员“{deputy.name}”。", "success")
            return redirect(url_for("register.detail", deputy_id=deputy.id), 303)
        form.set_errors(checked.errors)
    return render_template("register/form.html", form=form, deputy=None), 422 if form.errors else 200


@bp.get("/<int:deputy_id>")
@require_role(*READERS)
def detail(deputy_id: int):
    deputy = get_deputy_or_404(deputy_id)
    account = db.session.scalar(select(User).where(User.deputy_id == deputy.id))
    # The other areas' panels are the liaison work's records: not for an administrator without a business role.
    panels = collect("register_panel", deputy) if current_user.role != Role.NONE else []
    return render_template("register/detail.html", deputy=deputy, account=account,
                           can_edit=current_user.role in EDITOR_ROLES, panels=panels)


@bp.route("/<int:deputy_id>/edit", methods=["GET", "POST"])
@require_editor
def edit(deputy_id: int):
    deputy = get_deputy_or_404(deputy_id)
    form = PersonForm(obj=deputy)
    if request.method == "GET":
        form.court_roles.data = deputy.court_role_list
        form.gender.data = deputy.gender.value
    conflict = None
    if form.validate_on_submit():
        checked = validate_deputy(form.raw_values(), exclude_id=deputy.id, mandate=False)
        if not checked.errors:
            conflict = save_unless_stale(deputy, form.version, lambda: update_deputy(deputy, checked.values))
            if conflict is None:
                flash("已保存修改。", "success")
                return redirect(url_for("register.detail", deputy_id=deputy.id), 303)
        form.set_errors(checked.errors)
    status = 409 if conflict else 422 if form.errors else 200
    return render_template("register/form.html", form=form, deputy=deputy, conflict=conflict), status


def _mandate_form(deputy: Deputy, mandate: Mandate | None):
    form = MandateForm(obj=mandate)
    if request.method == "GET" and mandate is not None:
        form.kind.data, form.level.data = mandate.kind.value, mandate.level.value
    if form.validate_on_submit():
        checked = validate_mandate(deputy, form.raw_values(), mandate=mandate)
        if not checked.errors:
            if mandate is None:
                mandate = add_mandate(deputy, checked.values)
                flash(f"已为{deputy.name}增加任职：{mandate.label}。", "success")
            else:
                update_mandate(mandate, checked.values)
                flash("已保存任职信息。", "success")
            return redirect(url_for("register.detail", deputy_id=deputy.id), 303)
        form.set_errors(checked.errors)
    return (render_template("register/mandate_form.html", form=form, deputy=deputy, mandate=mandate),
            422 if form.errors else 200)


@bp.route("/<int:deputy_id>/mandates/new", methods=["GET", "POST"])
@require_editor
def mandate_create(deputy_id: int):
    return _mandate_form(get_deputy_or_404(deputy_id), None)


@bp.route("/mandates/<int:mandate_id>/edit", methods=["GET", "POST"])
@require_editor
def mandate_edit(mandate_id: int):
    mandate = db.get_or_404(Mandate, mandate_id)
    return _mandate_form(mandate.deputy, mandate)


@bp.post("/mandates/<int:mandate_id>/status")
@require_editor
def change_status(mandate_id: int):
    mandate = db.get_or_404(Mandate, mandate_id)
    status = DeputyStatus.from_label(request.form.get("status", ""))
    if status is None:
        abort(400)
    set_status(mandate, status)
    flash(f"“{mandate.deputy.name}”的{mandate.label}已标记为{status.label}。", "success")
    return redirect(url_for("register.detail", deputy_id=mandate.deputy_id), 303)


@bp.get("/export.xlsx")
@require_staff
def export_xlsx():
    filters = RegisterFilters.from_args(request.args)
    data = excel.export_xlsx(stream_with_leaders(filters))
    return send_download(data, f"代表委员名册_{clock.today():%Y%m%d}.xlsx", XLSX, audit="代表委员名册")


@bp.get("/export.docx")
@require_staff
def export_docx():
    filters = RegisterFilters.from_args(request.args)
    document = register_document(stream_filtered(filters), filters.summary(), current_user.court.name)
    return send_download(register_docx(document), f"代表委员名册_{clock.today():%Y%m%d}.docx", DOCX,
                         audit="代表委员名册")


@bp.get("/import/template.xlsx")
@require_editor
def import_template():
    return send_download(excel.template_xlsx(), "代表委员名册导入模板.xlsx", XLSX)


@bp.route("/import", methods=["GET", "POST"])
@require_editor
def import_upload():
    if request.method == "GET":
        return render_template("register/import.html", result=None, token=None, error=None)
    try:
        token = imports.store_upload(request.files.get("file"))
    except ServiceError as error:
        return render_template("register/import.html", result=None, token=None, error=error.message), error.status
    result = excel.parse_import(imports.read_upload(token))
    if result.errors:
        imports.discard_upload(token)
        return render_template("register/import.html", result=result, token=None, error=None), 422
    return render_template("register/import.html", result=result, token=token, error=None)


@bp.post("/import/<token>")
@require_editor
def import_confirm(token: str):
    data = imports.claim_upload(token)
    if data is None:
        flash("导入文件已失效或已经导入，请重新上传。", "warning")
        return redirect(url_for("register.import_upload"), 303)
    result = excel.parse_import(data)  # checked again: the register may have changed since the preview
    if result.errors:
        return render_template("register/import.html", result=result, token=None, error=None), 422
    flash(f"已导入 {import_deputies(result.rows)} 名代表委员。", "success")
    return redirect(url_for("register.index"), 303)


@bp.route("/new-term", methods=["GET", "POST"])
@require_editor
def new_term():
    """换届: upload the new term's register, see what it opens and ends, then confirm."""
    if request.method == "GET":
        return render_template("register/new_term.html", plan=None, token=None, error=None, began_on=clock.today())
    began_on = params.parse_date(request.form.get("began_on"))
    try:
        token = imports.store_upload(request.files.get("file"))
    except ServiceError as error:
        return render_template("register/new_term.html", plan=None, token=None, error=error.message,
                               began_on=began_on or clock.today()), error.status
    plan = terms.plan_new_term(imports.read_upload(token), began_on)
    if plan.errors:
        imports.discard_upload(token)
        return render_template("register/new_term.html", plan=plan, token=None, error=None,
                               began_on=plan.began_on), 422
    return render_template("register/new_term.html", plan=plan, token=token, error=None, began_on=plan.began_on)


@bp.post("/new-term/<token>")
@require_editor
def new_term_confirm(token: str):
    data = imports.claim_upload(token)
    if data is None:
        flash("换届文件已失效或已经导入，请重新上传。", "warning")
        return redirect(url_for("register.new_term"), 303)
    plan = terms.plan_new_term(data, params.parse_date(request.form.get("began_on")))  # checked again, as the import
    if plan.errors:
        return render_template("register/new_term.html", plan=plan, token=None, error=None,
                               began_on=plan.began_on), 422
    opened, ended = terms.apply_new_term(plan)
    flash(f"换届完成（{'、'.join(plan.renewed)}）：新开任职 {opened} 项，{ended} 项上一届任职已于 "
          f"{format_date(plan.began_on)} 离任。", "success")
    return redirect(url_for("register.index"), 303)
