
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from portal import clock, params
from portal.access import require_role, require_staff
from portal.auth.models import Role, User
from portal.documents import DOCX, XLSX, send_download
from portal.documents.register import build_register_docx
from portal.extensions import db
from portal.htmx import render
from portal.register import bp, excel, imports
from portal.register.forms import DeputyForm
from portal.register.models import Deputy, DeputyKind, DeputyLevel, DeputyStatus
from portal.register.services import (
    SORTS,
    RegisterFilters,
    all_filtered,
    create_deputy,
    filter_choices,
    leader_choices,
    list_deputies,
    register_document,
    set_status,
    update_deputy,
    validate_deputy,
)
from portal.versioning import save_unless_stale

editors = require_role(Role.ADMIN, Role.LIAISON)


def get_deputy_or_404(deputy_id: int) -> Deputy:
    """Staff see the whole shared register; deputies never reach these routes (see the decorators)."""
    return db.get_or_404(Deputy, deputy_id)


@bp.get("/")
@require_staff
def index():
    filters = RegisterFilters.from_args(request.args)
    page = list_deputies(filters, **params.page_args())
    return render("register/index.html", block="results", filters=filters, page=page,
                  choices=filter_choices(), kinds=DeputyKind.choices(), levels=DeputyLevel.choices(),
                  statuses=DeputyStatus.choices(), sort_options=[(key, label) for key, (label, *_) in SORTS.items()],
                  can_edit=current_user.role in (Role.ADMIN, Role.LIAISON))


@bp.route("/new", methods=["GET", "POST"])
@editors
def create():
    form = DeputyForm()
    form.set_leaders(leader_choices())
    if form.validate_on_submit():
        checked = validate_deputy(form.raw_values())
        if not checked.errors:
            deputy = create_deputy(checked.values)
            flash(f"已登记代表委员“{deputy.name}”。", "success")
            return redirect(url_for("register.detail", deputy_id=deputy.id), 303)
        form.set_errors(checked.errors)
    return render_template("register/form.html", form=form, deputy=None), 422 if form.errors else 200


@bp.get("/<int:deputy_id>")
@require_staff
def detail(deputy_id: int):
    deputy = get_deputy_or_404(deputy_id)
    account = db.session.scalar(select(User).where(User.deputy_id == deputy.id))
    return render_template("register/detail.html", deputy=deputy, account=account,
                           can_edit=current_user.role in (Role.ADMIN, Role.LIAISON))


@bp.route("/<int:deputy_id>/edit", methods=["GET", "POST"])
@editors
def edit(deputy_id: int):
    deputy = get_deputy_or_404(deputy_id)
    form = DeputyForm(obj=deputy)
    form.set_leaders(leader_choices())
    if request.method == "GET":
        form.court_roles.data = deputy.court_role_list
        form.paired_leader_id.data = str(deputy.paired_leader_id or "")
        for key in ("gender", "kind", "level"):
            form[key].data = getattr(deputy, key).value
    conflict = None
    if form.validate_on_submit():
        checked = validate_deputy(form.raw_values(), exclude_id=deputy.id)
        if not checked.errors:
            conflict = save_unless_stale(deputy, form.version, lambda: update_deputy(deputy, checked.values))
            if conflict is None:
                flash("已保存修改。", "success")
                return redirect(url_for("register.detail", deputy_id=deputy.id), 303)
        form.set_errors(checked.errors)
    status = 409 if conflict else 422 if form.errors else 200
    return render_template("register/form.html", form=form, deputy=deputy, conflict=conflict), status


@bp.post("/<int:deputy_id>/status")
@editors
def change_status(deputy_id: int):
    deputy = get_deputy_or_404(deputy_id)
    status = DeputyStatus.from_label(request.form.get("status", ""))
    if status is None:
        abort(400)
    set_status(deputy, status)
    flash(f"“{deputy.name}”已标记为{status.label}。", "success")
    return redirect(url_for("register.detail", deputy_id=deputy.id), 303)


@bp.get("/export.xlsx")
@require_staff
def export_xlsx():
    filters = RegisterFilters.from_args(request.args)
    data = excel.export_xlsx(all_filtered(filters))
    return send_download(data, f"代表委员名册_{clock.today():%Y%m%d}.xlsx", XLSX)


@bp.get("/export.docx")
@require_staff
def export_docx():
    filters = RegisterFilters.from_args(request.args)
    document = register_document(all_filtered(filters), filters.summary(), current_user.court.name)
    return send_download(build_register_docx(document), f"代表委员名册_{clock.today():%Y%m%d}.docx", DOCX)


@bp.get("/import/template.xlsx")
@editors
def import_template():
    return send_download(excel.template_xlsx(), "代表委员名册导入模板.xlsx", XLSX)


@bp.route("/import", methods=["GET", "POST"])
@editors
def import_upload():
    if request.method == "GET":
        return render_template("register/import.html", result=None, token=None, error=None)
    upload = request.files.get("file")
    error = imports.upload_problem(upload)
    if error:
        return render_template("register/import.html", result=None, token=None, error=error), 422
    token = imports.store_upload(upload)
    result = excel.parse_import(imports.read_upload(token))
    if result.errors:
        imports.discard_upload(token)
        return render_template("register/import.html", result=result, token=None, error=None), 422
    return render_template("register/import.html", result=result, token=token, error=None)


@bp.post("/import/<token>")
@editors
def import_confirm(token: str):
    data = imports.claim_upload(token)
    if data is None:
        flash("导入文件已失效或已经导入，请重新上传。", "warning")
        return redirect(url_for("register.import_upload"), 303)
    result = excel.parse_import(data)  # checked again: the register may have changed since the preview
    if result.errors:
        return render_template("register/import.html", result=result, token=None, error=None), 422
    for values in result.rows:
        create_deputy(values)
    flash(f"已导入 {len(result.rows)} 名代表委员。", "success")
    return redirect(url_for("register.index"), 303)

