"""Pages of liaison activities: the list with its filters and figures (``/activities/``), the form to record or
change one (``/new``, ``/<id>/edit``, its deputy picker is the register's), one activity with its opinions, photos
and attachments (``/<id>``), and the period's register as Word and Excel (``/export.docx``, ``/export.xlsx``)."""
from flask import flash, redirect, request, url_for
from flask_login import current_user

from portal import clock, params
from portal.access import EDITOR_ROLES, court_scope, require_editor, require_staff, visible_court_ids
from portal.activities import bp, services
from portal.activities.documents import build_register_xlsx, register_data, register_docx
from portal.activities.forms import ActivityForm, OpinionForm
from portal.activities.models import Activity
from portal.attachments import check_files, delete_file, get_file, save_files, send
from portal.documents import XLSX, send_download
from portal.errors import NotFound, ServiceError
from portal.extensions import db
from portal.htmx import is_partial, render
from portal.register.models import Deputy
from portal.register.services import deputies_by_ids
from portal.versioning import save_unless_stale


def _activity(activity_id: int) -> Activity:
    """An activity of a court the user sees; any other looks the same as none at all."""
    activity = services.load_activity(activity_id, visible_court_ids(current_user))
    if activity is None:
        raise NotFound()
    return activity


def _can_edit() -> bool:
    return current_user.role in EDITOR_ROLES


# --- the list ------------------------------------------------------------------------------------------------------

@bp.get("/")
@require_staff
def index():
    filters, scope = services.ActivityFilters.from_args(request.args), court_scope(current_user)
    deputy = db.session.get(Deputy, int(filters.deputy)) if filters.deputy else None
    context = dict(filters=filters, scope=scope, deputy=deputy, can_edit=_can_edit(), kinds=services.ActivityKind,
                   today=clock.today(),
                   page=services.list_activities(filters, scope.court_ids, **params.page_args()),
                   counts=services.period_counts(filters, scope.court_ids))
    return render("activities/index.html", block="results", **context), 422 if filters.period.problem else 200


def _register():
    filters, scope = services.ActivityFilters.from_args(request.args), court_scope(current_user)
    filters.period.check()
    return register_data(services.all_filtered(filters, scope.court_ids), filters.period, scope)


@bp.get("/export.docx")
@require_staff
def export_docx():
    """The 联络活动登记汇总 of the list as filtered: the same filters, period and court scope."""
    return send_download(register_docx(_register()), f"联络活动登记汇总_{clock.today():%Y%m%d}.docx")


@bp.get("/export.xlsx")
@require_staff
def export_xlsx():
    return send_download(build_register_xlsx(_register()), f"联络活动_{clock.today():%Y%m%d}.xlsx", XLSX)


# --- record and change -----------------------------------------------------------------------------------------------

def _form_page(form: ActivityForm, activity: Activity | None, deputies, *, errors: dict | None = None,
               conflict=None, status: int = 200):
    """The form with the staff of the court chosen (the court menu asks for it again when it changes)."""
    court_ids = visible_court_ids(current_user)
    court_id = params.parse_id(str(form.court_id.data or ""))
    if court_id not in court_ids:
        court_id = current_user.court_id if current_user.court_id in court_ids else court_ids[0]
    form.court_id.data = str(court_id)
    courts = services.courts_of(court_ids)
    form.set_choices(courts, services.staff_choices(court_id))
    response = render("activities/form.html", block="activity_form", form=form, activity=activity,
                      chosen=deputies, errors=errors or {}, conflict=conflict, several_courts=len(courts) > 1)
    return response, status


def _typed_deputies() -> list[Deputy]:
    return deputies_by_ids(params.parse_ids(request.form.getlist("deputy_ids")))


def _checked(form: ActivityForm):
    """(people, uploads) of a posted form, or the errors of every field at once."""
    errors = {} if form.validate() else {name: messages[0] for name, messages in form.errors.items()}
    people = None
    try:
        people = services.check_people(params.parse_id(str(form.court_id.data or "")),
                                       params.parse_ids(request.form.getlist("deputy_ids")),
                                       params.parse_ids(form.staff_ids.data or []), form.other_participants.data or "",
                                       visible_court_ids(current_user))
    except ServiceError as error:
        errors.update(error.errors)
    uploads = request.files.getlist("attachments")
    problems = check_files(uploads)
    if problems:
        errors["attachments"] = "；".join(problems)
    elif errors and any(u and u.filename for u in uploads):
        errors["attachments"] = "表单有误，附件未保存，请改正后重新选择附件。"
    form.set_errors(errors)
    return people, uploads, errors


def _values(form: ActivityForm) -> dict:
    return {"held_on": form.held_on.data, "kind": services.ActivityKind(form.kind.data),
            "title": form.title.data.strip(), "place": (form.place.data or "").strip(),
            "content": (form.content.data or "").strip()}


@bp.route("/new", methods=["GET", "POST"])
@require_editor
def create():
    if request.method == "GET":
        form = ActivityForm(formdata=None, held_on=clock.today(), court_id=str(current_user.court_id))
        return _form_page(form, None, [])
    form = ActivityForm()
    if request.args.get("refresh") == "1":
        return _form_page(form, None, _typed_deputies())
    people, uploads, errors = _checked(form)
    if errors:
        return _form_page(form, None, _typed_deputies(), errors=errors, status=422)
    activity = services.create_activity(_values(form), people)
    save_files(uploads, services.OWNER_TYPE, activity.id)
    flash("已登记联络活动。", "success")
    return redirect(url_for("activities.detail", activity_id=activity.id), 303)


@bp.route("/<int:activity_id>/edit", methods=["GET", "POST"])
@require_editor
def edit(activity_id: int):
    activity = _activity(activity_id)
    if request.method == "GET":
        form = ActivityForm(obj=activity)
        form.kind.data, form.court_id.data = activity.kind.value, str(activity.court_id)
        form.staff_ids.data = [str(link.user_id) for link in activity.staff_links]
        return _form_page(form, activity, activity.deputies)
    form = ActivityForm()
    if request.args.get("refresh") == "1":
        return _form_page(form, activity, _typed_deputies())
    people, uploads, errors = _checked(form)
    if errors:
        return _form_page(form, activity, _typed_deputies(), errors=errors, status=422)
    try:
        conflict = save_unless_stale(activity, form.version,
                                     lambda: services.update_activity(activity, _values(form), people))
    except ServiceError as error:
        form.set_errors(error.errors)
        return _form_page(form, activity, _typed_deputies(), errors=error.errors, status=error.status)
    if conflict:
        unsaved = {"attachments": "附件未保存，请重新选择附件。"} if any(u and u.filename for u in uploads) else {}
        form.set_errors(unsaved)
        return _form_page(form, activity, _typed_deputies(), errors=unsaved, conflict=conflict, status=409)
    save_files(uploads, services.OWNER_TYPE, activity.id)
    flash("已保存修改。", "success")
    return redirect(url_for("activities.detail", activity_id=activity.id), 303)


@bp.post("/<int:activity_id>/delete")
@require_editor
def delete(activity_id: int):
    activity = _activity(activity_id)
    try:
        services.delete_activity(activity)
    except ServiceError as error:
        flash(error.message, "warning")
        return redirect(url_for("activities.detail", activity_id=activity.id), 303)
    flash("已删除该次联络活动记录，可在回收站恢复。", "success")
    return redirect(url_for("activities.index"), 303)


# --- one activity: opinions and files ----------------------------------------------------------------------------------

def _detail(activity: Activity, opinion_form: OpinionForm | None = None, *, status: int = 200):
    opinion_form = opinion_form or OpinionForm(formdata=None)
    opinion_form.set_choices(activity.deputies)
    response = render("activities/detail.html", block="opinions", activity=activity, can_edit=_can_edit(),
                      opinion_form=opinion_form, files=services.files_of_activity(activity))
    return response, status


@bp.get("/<int:activity_id>")
@require_staff
def detail(activity_id: int):
    return _detail(_activity(activity_id))


@bp.post("/<int:activity_id>/opinions")
@require_editor
def add_opinion(activity_id: int):
    activity = _activity(activity_id)
    form = OpinionForm()
    try:
        services.add_opinion(activity, params.parse_id(str(form.deputy_id.data or "")), form.text.data or "")
    except ServiceError as error:
        form.set_errors(error.errors)
        return _detail(activity, form, status=error.status)
    if not is_partial("opinions"):
        flash("已记录意见建议。", "success")
        return redirect(url_for("activities.detail", activity_id=activity.id, _anchor="opinions"), 303)
    return _detail(activity)


@bp.post("/<int:activity_id>/opinions/<int:opinion_id>/item")
@require_editor
def opinion_item(activity_id: int, opinion_id: int):
    """Register the opinion as a tracked item, in one click."""
    activity = _activity(activity_id)
    item, new = services.opinion_to_item(activity, services.find_opinion(activity, opinion_id))
    if not is_partial("opinions"):
        flash(f"已登记跟踪事项 {item.number}。" if new else f"该意见已是跟踪事项 {item.number}。", "success")
        return redirect(url_for("activities.detail", activity_id=activity.id, _anchor="opinions"), 303)
    return _detail(activity)


@bp.post("/<int:activity_id>/opinions/<int:opinion_id>/delete")
@require_editor
def delete_opinion(activity_id: int, opinion_id: int):
    activity = _activity(activity_id)
    services.delete_opinion(activity, services.find_opinion(activity, opinion_id))
    if not is_partial("opinions"):
        flash("已删除意见建议，可在回收站恢复。", "success")
        return redirect(url_for("activities.detail", activity_id=activity.id, _anchor="opinions"), 303)
    return _detail(activity)


@bp.get("/<int:activity_id>/files/<int:attachment_id>/<path:filename>")
@require_staff
def attachment(activity_id: int, attachment_id: int, filename: str):
    """A photo or attachment; the URL ends with its name so that browsers save it under that name."""
    activity = _activity(activity_id)
    return send(get_file(services.OWNER_TYPE, activity.id, attachment_id))


@bp.post("/<int:activity_id>/files/<int:attachment_id>/delete")
@require_editor
def delete_attachment(activity_id: int, attachment_id: int):
    activity = _activity(activity_id)
    found = get_file(services.OWNER_TYPE, activity.id, attachment_id)
    if found is None:
        raise NotFound()
    name = found.original_name
    delete_file(found, court_id=activity.court_id, record=services.trash_label(activity))
    flash(f"已删除附件“{name}”，可在回收站恢复。", "success")
    return redirect(url_for("activities.detail", activity_id=activity.id), 303)

