"""Pages of the hearings area (邀请旁听庭审): thin — read the request, call a service, render.

For staff: the hearing list and its 统计表 (/hearings/), a hearing's form, page and invitation board (answers,
reminders, change notices, check-in), materials, choosing invitees by hand or by fair draw, one invitation,
letters and the record, the post-hearing forum and its opinions, the ratings (/hearings/ratings) and the letter
template. For deputies: their invitations (/hearings/mine), answering one, and the rating form.
"""

import segno
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from portal import attachments, clock, params
from portal.access import EDITOR_ROLES, court_scope, require_editor, require_role, require_staff
from portal.auth.models import BUSINESS_ROLES, Court, Role
from portal.documents import XLSX, send_download
from portal.errors import ServiceError
from portal.extensions import db
from portal.hearings import bp, documents, services
from portal.hearings.forms import (
    AnswerForm,
    DrawForm,
    ForumForm,
    HearingForm,
    MediationForm,
    OpinionForm,
    RatingForm,
    StatusForm,
    ToItemForm,
    to_local_input,
    to_utc,
)
from portal.hearings.models import (
    LOW_SCORE,
    SCORE_FIELDS,
    CaseType,
    Hearing,
    HearingStatus,
    InvitationStatus,
    InviteMethod,
)
from portal.htmx import hx_redirect, is_partial, render
from portal.items.models import ItemKind
from portal.pagination import paginate
from portal.register.models import DeputyKind, DeputyLevel
from portal.register.services import (
    SORTS,
    RegisterFilters,
    filter_choices,
    filtered_query,
)
from portal.versioning import save_unless_stale

deputies_only = require_role(Role.DEPUTY)
MATERIALS = "hearing"


def _can_edit() -> bool:
    return current_user.role in EDITOR_ROLES


def _item_link(item) -> str | None:
    return url_for("items.detail", item_id=item.id) if item is not None else None


# --- the list ---------------------------------------------------------------------------------------------------

@bp.get("/")
@require_staff
def index():
    filters, scope = services.HearingFilters.from_args(request.args), court_scope(current_user)
    page = services.list_hearings(filters, scope.court_ids, **params.page_args())
    response = render("hearings/index.html", block="results", filters=filters, scope=scope, page=page,
                      counts=services.invitation_counts([h.id for h in page.items]), when_choices=services.WHEN,
                      case_types=CaseType.choices(), statuses=HearingStatus.choices(),
                      departments=services.departments_of(scope.court_ids), many_courts=scope.spans_courts,
                      can_edit=_can_edit(), today=clock.today())
    return response, 422 if filters.period.problem else 200


@bp.get("/export.docx")
@require_staff
def export_period():
    """The list's 统计表: the hearings the list shows under the same filters, period and court scope (the tab
    defaults to 全部 here, and cancelled hearings are left out of the figures)."""
    filters, scope = services.HearingFilters.from_args(request.args, when="all"), court_scope(current_user)
    filters.period.check()
    report = documents.period_report(services.filtered_hearings(filters, scope.court_ids), scope, filters)
    day = clock.today()
    return send_download(documents.period_docx(report), f"旁听庭审情况统计表_{day:%Y%m%d}.docx")


@bp.get("/export.xlsx")
@require_staff
def export_xlsx():
    """The list as filtered (the same defaults as the Word table), as a workbook: the hearings and their
    invitations."""
    filters, scope = services.HearingFilters.from_args(request.args, when="all"), court_scope(current_user)
    filters.period.check()
    data = documents.list_xlsx(services.filtered_hearings(filters, scope.court_ids), scope, filters)
    return send_download(data, f"旁听庭审_{clock.today():%Y%m%d}.xlsx", XLSX, audit="旁听庭审邀请（含代表委员手机号码）")


# --- creating and editing ---------------------------------------------------------------------------------------

def _hearing_form(hearing=None) -> HearingForm:
    courts = services.editable_courts()
    form = HearingForm(obj=hearing, courts=courts, departments=services.departments_of([c.id for c in courts]))
    if request.method == "GET":
        if hearing is None:
            form.court_id.data = current_user.court_id
        else:
            form.case_type.data = hearing.case_type.value
            form.department_id.data = str(hearing.department_id or "")
            form.starts_at.data = to_local_input(hearing.starts_at)
            form.ends_at.data = to_local_input(hearing.ends_at)
    return form


@bp.route("/new", methods=["GET", "POST"])
@require_editor
def create():
    form = _hearing_form()
    files = request.files.getlist(form.materials.name)
    problems = attachments.check_files(files) if request.method == "POST" else []
    if form.validate_on_submit() and not problems:
        hearing = services.create_hearing(form.values())
        saved = attachments.save_files(files, MATERIALS, hearing.id)
        flash(f"已登记庭审 {hearing.case_number}" + (f"，上传材料 {len(saved)} 份" if saved else "") + "。", "success")
        return redirect(url_for("hearings.detail", hearing_id=hearing.id), 303)
    if problems:
        form.materials.errors = list(problems)
    return render_template("hearings/form.html", form=form, hearing=None), 422 if form.errors else 200


@bp.route("/<int:hearing_id>/edit", methods=["GET", "POST"])
@require_editor
def edit(hearing_id: int):
    hearing = services.get_hearing_or_404(hearing_id, for_edit=True)
    form = _hearing_form(hearing)
    files = request.files.getlist(form.materials.name)
    problems = attachments.check_files(files) if request.method == "POST" else []
    conflict = None
    if form.validate_on_submit() and not problems:
        told = []
        conflict = save_unless_stale(hearing, form.version,
                                     lambda: told.append(services.update_hearing(hearing, form.values())))
        if conflict is None:
            saved = attachments.save_files(files, MATERIALS, hearing.id)
            message = "已保存修改" + (f"，上传材料 {len(saved)} 份" if saved else "") + "。"
            if told[0]:
                message += f"开庭时间已变更，{told[0]} 名受邀代表委员需要通知。"
            flash(message, "warning" if told[0] else "success")
            return redirect(url_for("hearings.detail", hearing_id=hearing.id), 303)
    if problems:
        form.materials.errors = list(problems)
    elif conflict and any(f and f.filename for f in files):
        form.materials.errors = ["材料未上传，请重新选择文件。"]
    status = 409 if conflict else 422 if form.errors else 200
    return render_template("hearings/form.html", form=form, hearing=hearing, conflict=conflict), status


@bp.post("/<int:hearing_id>/status")
@require_editor
def change_status(hearing_id: int):
    hearing = services.get_hearing_or_404(hearing_id, for_edit=True)
    form = StatusForm()
    if not form.validate():
        flash("；".join(e for errors in form.errors.values() for e in errors), "danger")
        return redirect(url_for("hearings.detail", hearing_id=hearing.id, _anchor="status"), 303)
    status = HearingStatus(form.status.data)
    told = services.change_status(hearing, status, starts_at=to_utc(form.starts_at.data),
                                  ends_at=to_utc(form.ends_at.data), note=form.change_note.data or "")
    flash(f"庭审状态已改为“{status.label}”。" + (f"请通知 {told} 名受邀代表委员。" if told else ""),
          "warning" if told else "success")
    return redirect(url_for("hearings.detail", hearing_id=hearing.id), 303)


# --- the hearing page and its invitation board ------------------------------------------------------------------

def _board_context(hearing, message: str | None = None, error: str | None = None) -> dict:
    return {"hearing": hearing, "board": services.board(hearing), "can_edit": _can_edit(),
            "check_in_open": services.check_in_open(hearing), "started": services.hearing_started(hearing),
            "board_message": message, "board_error": error, "today": clock.today()}


def _detail_context(hearing) -> dict:
    opinions = documents.opinions_with_items(hearing)
    rating_count, averages = services.hearing_rating_averages(hearing.id)
    return {**_board_context(hearing), "materials": attachments.files_of(MATERIALS, [hearing.id])[hearing.id],
            "opinions": [(o, item, _item_link(item)) for o, item in opinions], "status_form": StatusForm(
                formdata=None, status=hearing.status.value, change_note=hearing.change_note),
            "statuses": HearingStatus.choices(), "rating_count": rating_count,
            "rating_averages": list(zip([label for _, label in SCORE_FIELDS], averages))}


@bp.get("/<int:hearing_id>")
@require_staff
def detail(hearing_id: int):
    hearing = services.get_hearing_or_404(hearing_id)
    if is_partial("board"):
        return render("hearings/detail.html", block="board", **_board_context(hearing))
    return render("hearings/detail.html", block="board", **_detail_context(hearing))


def _board_step(invitation, step, message: str):
    """Take ``step`` (a service call) on the board, and answer with ``message`` or what the service refused."""
    try:
        step()
    except ServiceError as error:
        return _board_answer(invitation, None, error.message)
    return _board_answer(invitation, message)


def _board_answer(invitation, message: str | None, error: str | None = None):
    """The refreshed board for htmx; a flash and the hearing page otherwise."""
    hearing = invitation.hearing
    if is_partial("board"):
        # The board itself shows what went wrong; the request as such succeeded.
        return render("hearings/detail.html", block="board", **_board_context(hearing, message, error))
    if error or message:
        flash(error or message, "danger" if error else "success")
    return redirect(url_for("hearings.detail", hearing_id=hearing.id), 303)


@bp.post("/invitations/<int:invitation_id>/check-in")
@require_editor
def check_in(invitation_id: int):
    invitation = services.get_invitation_or_404(invitation_id, for_edit=True)
    return _board_step(invitation, lambda: services.check_in(invitation), f"{invitation.deputy.name}已签到。")


@bp.get("/<int:hearing_id>/check-in-code")
@require_staff
def check_in_code(hearing_id: int):
    """The printable QR code for the courtroom: invited deputies scan it to check in."""
    hearing = services.get_hearing_or_404(hearing_id)
    address = url_for("hearings.own_check_in", code=services.check_in_code(hearing), _external=True)
    qr = segno.make(address, error="m").svg_inline(scale=8, dark="#000", title="签到二维码", omitsize=True)
    return render_template("hearings/check_in_code.html", hearing=hearing, address=address, qr=Markup(qr))


@bp.route("/check-in/<code>", methods=["GET", "POST"])
@deputies_only
def own_check_in(code: str):
    """A deputy's phone after scanning: the hearing and a button to check in (or why they cannot)."""
    hearing = services.hearing_of_code(params.clean_query(code, 200))
    problem, status, done = None, 200, False
    try:
        if request.method == "POST":
            invitation = services.own_check_in(hearing, current_user.deputy_id)
            done = True
        else:
            invitation = services.own_invitation_to_check_in(hearing, current_user.deputy_id)
    except ServiceError as error:  # the page says why; only a refused check-in answers with the error's status
        invitation, problem = None, error.message
        status = error.status if request.method == "POST" else 200
    return render_template("hearings/own_check_in.html", hearing=hearing, invitation=invitation, problem=problem,
                           done=done), status


@bp.get("/<int:hearing_id>/sign-in.docx")
@require_staff
def sign_in_sheet(hearing_id: int):
    """The printed 签到表: every invitee who has not declined, with room for a signature."""
    hearing = services.get_hearing_or_404(hearing_id)
    data = documents.build_sign_in_docx(documents.sign_in_sheet(hearing))
    return send_download(data, f"签到表_{_file_part(hearing.case_number)}.docx")


@bp.post("/invitations/<int:invitation_id>/undo-check-in")
@require_editor
def undo_check_in(invitation_id: int):
    invitation = services.get_invitation_or_404(invitation_id, for_edit=True)
    services.undo_check_in(invitation)
    return _board_answer(invitation, f"已撤销{invitation.deputy.name}的签到。")


@bp.post("/invitations/<int:invitation_id>/absent")
@require_editor
def mark_absent(invitation_id: int):
    invitation = services.get_invitation_or_404(invitation_id, for_edit=True)
    return _board_step(invitation, lambda: services.mark_absent(invitation), f"{invitation.deputy.name}已标记缺席。")


@bp.post("/invitations/<int:invitation_id>/remind")
@require_editor
def remind(invitation_id: int):
    invitation = services.get_invitation_or_404(invitation_id, for_edit=True)
    return _board_step(invitation, lambda: services.remind(invitation, request.form.get("on")),
                       f"已记录提醒{invitation.deputy.name}答复。")


@bp.post("/invitations/<int:invitation_id>/notified")
@require_editor
def notified(invitation_id: int):
    invitation = services.get_invitation_or_404(invitation_id, for_edit=True)
    return _board_step(invitation, lambda: services.mark_notified(invitation, request.form.get("on")),
                       f"已记录通知{invitation.deputy.name}庭审变更。")


@bp.post("/<int:hearing_id>/notified")
@require_editor
def notified_all(hearing_id: int):
    hearing = services.get_hearing_or_404(hearing_id, for_edit=True)
    message, error = None, None
    try:
        message = f"已将 {services.mark_all_notified(hearing, request.form.get('on'))} 名受邀代表委员标记为已通知。"
    except ServiceError as refused:
        error = refused.message
    if is_partial("board"):
        return render("hearings/detail.html", block="board", **_board_context(hearing, message, error))
    flash(error or message, "danger" if error else "success")
    return redirect(url_for("hearings.detail", hearing_id=hearing.id), 303)


# --- materials --------------------------------------------------------------------------------------------------

@bp.post("/<int:hearing_id>/materials")
@require_editor
def upload_materials(hearing_id: int):
    hearing = services.get_hearing_or_404(hearing_id, for_edit=True)
    files = [f for f in request.files.getlist("materials") if f and f.filename]
    problems = attachments.check_files(files)
    if not files:
        problems = ["请选择要上传的文件。"]
    if problems:
        flash("；".join(problems), "danger")
    else:
        saved = attachments.save_files(files, MATERIALS, hearing.id)
        flash(f"已上传材料 {len(saved)} 份。", "success")
    return redirect(url_for("hearings.detail", hearing_id=hearing.id, _anchor="materials"), 303)


@bp.post("/<int:hearing_id>/materials/<int:attachment_id>/delete")
@require_editor
def delete_material(hearing_id: int, attachment_id: int):
    hearing = services.get_hearing_or_404(hearing_id, for_edit=True)
    attachment = attachments.get_file(MATERIALS, hearing.id, attachment_id) or abort(404)
    name = attachment.original_name
    attachments.delete_file(attachment, court_id=hearing.court_id, record=f"庭审材料：{hearing}")
    flash(f"已删除材料“{name}”，可在回收站恢复。", "success")
    return redirect(url_for("hearings.detail", hearing_id=hearing.id, _anchor="materials"), 303)


@bp.get("/<int:hearing_id>/materials/<int:attachment_id>/<path:filename>")
@require_role(*BUSINESS_ROLES)
def material(hearing_id: int, attachment_id: int, filename: str):
    """Staff of the hearing's court and the deputies invited to it may download the materials."""
    hearing = db.session.get(Hearing, hearing_id)
    if hearing is None or not services.may_download_materials(hearing):
        abort(404)
    attachment = attachments.get_file(MATERIALS, hearing.id, attachment_id)
    if attachment is None or attachment.original_name != filename:
        abort(404)
    return attachments.send(attachment)


# --- choosing invitees ------------------------------------------------------------------------------------------

@bp.get("/<int:hearing_id>/invite")
@require_editor
def invite(hearing_id: int):
    hearing = services.get_hearing_or_404(hearing_id, for_edit=True)
    filters = RegisterFilters.from_args(request.args)
    filters.status = "active"
    _, keys, descending = SORTS[filters.sort]
    page = paginate(filtered_query(filters), keys(), descending=descending, **params.page_args())
    # Ticks of earlier searches come along with each new search (the filter form includes the ticked boxes).
    ticked = set(params.parse_ids(request.args.getlist("deputy_id")))
    return render("hearings/invite.html", block="results", hearing=hearing, filters=filters, page=page,
                  rows=services.picker_rows(hearing, page.items, ticked),
                  ticked_elsewhere=services.ticked_elsewhere(hearing, ticked, page.items),
                  choices=filter_choices(), kinds=DeputyKind.choices(),
                  levels=DeputyLevel.choices())


@bp.post("/<int:hearing_id>/invite")
@require_editor
def invite_selected(hearing_id: int):
    hearing = services.get_hearing_or_404(hearing_id, for_edit=True)
    ids = params.parse_ids(request.form.getlist("deputy_id"))
    if not ids:
        flash("请先勾选要邀请的代表委员。", "warning")
        return redirect(url_for("hearings.invite", hearing_id=hearing.id), 303)
    result = services.invite(hearing, ids, method=InviteMethod.MANUAL)
    _flash_invited(result)
    return hx_redirect(url_for("hearings.detail", hearing_id=hearing.id))


def _flash_invited(result) -> None:
    if result.created:
        flash(f"已邀请 {len(result.created)} 名代表委员：{'、'.join(i.deputy.name for i in result.created)}。", "success")
    if result.skipped:
        flash("；".join(result.skipped) + "。", "warning")


def _chosen(enum_cls, values) -> list:
    return [enum_cls(v) for v in values if v in enum_cls.__members__.values()]


@bp.route("/<int:hearing_id>/draw", methods=["GET", "POST"])
@require_editor
def draw(hearing_id: int):
    hearing = services.get_hearing_or_404(hearing_id, for_edit=True)
    form = DrawForm()
    levels = _chosen(DeputyLevel, request.form.getlist("levels"))
    kinds = _chosen(DeputyKind, request.form.getlist("kinds"))
    preview = None
    if form.validate_on_submit():
        preview = services.run_draw(hearing, form.count.data, levels, kinds)
    response = render("hearings/draw.html", block="preview", hearing=hearing, form=form, preview=preview,
                      levels=DeputyLevel, kinds=DeputyKind, chosen_levels=levels, chosen_kinds=kinds)
    if form.errors:
        response.status_code = 422
    return response


@bp.post("/<int:hearing_id>/draw/confirm")
@require_editor
def draw_confirm(hearing_id: int):
    hearing = services.get_hearing_or_404(hearing_id, for_edit=True)
    ids = params.parse_ids(request.form.getlist("deputy_id"))
    if not ids:
        flash("没有勾选任何抽中的代表委员，未发出邀请。", "warning")
        return hx_redirect(url_for("hearings.draw", hearing_id=hearing.id))
    _flash_invited(services.confirm_draw(hearing, ids))
    return hx_redirect(url_for("hearings.detail", hearing_id=hearing.id))


# --- one invitation, as staff see it ----------------------------------------------------------------------------

@bp.get("/invitations/<int:invitation_id>")
@require_staff
def invitation(invitation_id: int):
    invitation = services.get_invitation_or_404(invitation_id)
    return _invitation_page(invitation, AnswerForm(formdata=None), MediationForm(
        formdata=None, joined_mediation=invitation.joined_mediation, mediation_note=invitation.mediation_note))


def _invitation_page(invitation, answer_form, mediation_form, status: int = 200):
    opinions = services.my_opinions(invitation.deputy_id, invitation.hearing_id)
    return render_template("hearings/invitation.html", invitation=invitation, hearing=invitation.hearing,
                           answer_form=answer_form, mediation_form=mediation_form, can_edit=_can_edit(),
                           today=clock.today(), answered_on=request.form.get("on") or clock.today().isoformat(),
                           opinions=[(o, item, _item_link(item)) for o, item in opinions],
                           clashes=services.clashes(invitation.hearing, [invitation.deputy_id]).get(
                               invitation.deputy_id, [])), status


@bp.post("/invitations/<int:invitation_id>/answer")
@require_editor
def record_answer(invitation_id: int):
    invitation = services.get_invitation_or_404(invitation_id, for_edit=True)
    form = AnswerForm()
    if form.validate():
        try:
            services.answer(invitation, form.answer.data == "accept", form.decline_reason.data or "",
                            by_staff=True, on=request.form.get("on"))
        except ServiceError as error:
            form.set_errors({"answer": error.message})
        else:
            flash(f"已记录{invitation.deputy.name}的答复：{invitation.status.label}。", "success")
            return redirect(url_for("hearings.invitation", invitation_id=invitation.id), 303)
    return _invitation_page(invitation, form, MediationForm(formdata=None, joined_mediation=invitation.joined_mediation,
                                                            mediation_note=invitation.mediation_note), 422)


@bp.post("/invitations/<int:invitation_id>/mediation")
@require_editor
def mediation(invitation_id: int):
    invitation = services.get_invitation_or_404(invitation_id, for_edit=True)
    form = MediationForm()
    if form.validate():
        services.set_mediation(invitation, form.joined_mediation.data, form.mediation_note.data or "")
        flash("已保存调解参与情况。", "success")
        return redirect(url_for("hearings.invitation", invitation_id=invitation.id), 303)
    return _invitation_page(invitation, AnswerForm(formdata=None), form, 422)


@bp.post("/invitations/<int:invitation_id>/withdraw")
@require_editor
def withdraw(invitation_id: int):
    invitation = services.get_invitation_or_404(invitation_id, for_edit=True)
    hearing_id, name = invitation.hearing_id, invitation.deputy.name
    try:
        services.withdraw(invitation)
    except ServiceError as error:
        flash(error.message, "danger")
        return redirect(url_for("hearings.invitation", invitation_id=invitation_id), 303)
    flash(f"已撤回对{name}的邀请。", "success")
    return redirect(url_for("hearings.detail", hearing_id=hearing_id), 303)


@bp.get("/invitations/<int:invitation_id>/letter.docx")
@require_staff
def letter(invitation_id: int):
    invitation = services.get_invitation_or_404(invitation_id)
    data = documents.letters_docx(invitation.hearing, [invitation])
    return send_download(data, f"邀请函_{invitation.deputy.name}.docx")


@bp.get("/<int:hearing_id>/letters.docx")
@require_staff
def letters(hearing_id: int):
    hearing = services.get_hearing_or_404(hearing_id)
    recipients = documents.letter_recipients(hearing)
    if not recipients:
        flash("还没有需要发送邀请函的代表委员（未邀请或均已谢绝）。", "warning")
        return redirect(url_for("hearings.detail", hearing_id=hearing.id), 303)
    return send_download(documents.letters_docx(hearing, recipients), f"邀请函_{_file_part(hearing.case_number)}.docx")


def _file_part(text: str) -> str:
    return "".join(c for c in text if c not in '\\/:*?"<>|')


@bp.get("/<int:hearing_id>/record.docx")
@require_staff
def record(hearing_id: int):
    hearing = services.get_hearing_or_404(hearing_id)
    data = documents.build_record_docx(documents.hearing_record(hearing))
    return send_download(data, f"旁听庭审记录_{_file_part(hearing.case_number)}.docx")


# --- the forum --------------------------------------------------------------------------------------------------

def _opinion_form(hearing, submitted: bool = False) -> OpinionForm:
    form = OpinionForm() if submitted else OpinionForm(formdata=None)
    board = services.board(hearing)
    form.deputy_id.choices = [("", "请选择")] + [(str(i.deputy_id), i.deputy.name) for i in board.invitations
                                               if i.status == InvitationStatus.ATTENDED]  # only who was there
    return form


def _forum_page(hearing, forum_form, opinion_form, status: int = 200):
    opinions = documents.opinions_with_items(hearing)
    return render_template("hearings/forum.html", hearing=hearing, forum_form=forum_form, opinion_form=opinion_form,
                           opinions=[(o, item, _item_link(item)) for o, item in opinions],
                           item_form=ToItemForm(formdata=None), item_kinds=ToItemForm.kind.kwargs["choices"]), status


@bp.route("/<int:hearing_id>/forum", methods=["GET", "POST"])
@require_editor
def forum(hearing_id: int):
    hearing = services.get_hearing_or_404(hearing_id, for_edit=True)
    form = ForumForm(obj=hearing) if request.method == "POST" else ForumForm(formdata=None, obj=hearing)
    if request.method == "GET" and hearing.forum_on is None:
        form.forum_on.data = clock.local_date(hearing.starts_at)
    if form.validate_on_submit():
        services.save_forum(hearing, form.data)
        flash("已保存庭后座谈记录。", "success")
        return redirect(url_for("hearings.forum", hearing_id=hearing.id), 303)
    return _forum_page(hearing, form, _opinion_form(hearing), 422 if form.errors else 200)


@bp.post("/<int:hearing_id>/opinions")
@require_editor
def add_opinion(hearing_id: int):
    hearing = services.get_hearing_or_404(hearing_id, for_edit=True)
    form = _opinion_form(hearing, submitted=True)
    if form.validate():
        opinion = services.add_opinion(hearing, int(form.deputy_id.data), form.opinion.data)
        flash(f"已记录{opinion.deputy.name}的意见。", "success")
        return redirect(url_for("hearings.forum", hearing_id=hearing.id, _anchor="opinions"), 303)
    return _forum_page(hearing, ForumForm(formdata=None, obj=hearing), form, 422)


@bp.post("/opinions/<int:opinion_id>/delete")
@require_editor
def delete_opinion(opinion_id: int):
    opinion = services.get_opinion_or_404(opinion_id, for_edit=True)
    hearing_id = opinion.hearing_id
    try:
        services.delete_opinion(opinion)
    except ServiceError as error:
        flash(error.message, "danger")
    else:
        flash("已删除该条意见，可在回收站恢复。", "success")
    return redirect(url_for("hearings.forum", hearing_id=hearing_id, _anchor="opinions"), 303)


@bp.post("/opinions/<int:opinion_id>/item")
@require_editor
def opinion_to_item(opinion_id: int):
    opinion = services.get_opinion_or_404(opinion_id, for_edit=True)
    form = ToItemForm()
    if not form.validate():
        abort(400)
    item, created = services.opinion_to_item(opinion, ItemKind(form.kind.data))
    flash(f"已转为督办件，登记编号 {item.number}。" if created else f"该意见已是督办件 {item.number}。",
          "success" if created else "info")
    return redirect(url_for("hearings.forum", hearing_id=opinion.hearing_id, _anchor="opinions"), 303)


# --- ratings ----------------------------------------------------------------------------------------------------

def _rating_form(invitation) -> RatingForm:
    if request.method == "POST":
        return RatingForm()
    form = RatingForm(formdata=None, obj=invitation.rating)
    if invitation.rating:
        for name, _ in SCORE_FIELDS:
            form[name].data = str(getattr(invitation.rating, name))
    return form


@bp.route("/invitations/<int:invitation_id>/rating", methods=["GET", "POST"])
@require_editor
def enter_rating(invitation_id: int):
    invitation = services.get_invitation_or_404(invitation_id, for_edit=True)
    if not services.can_rate(invitation):
        flash(f"{invitation.deputy.name}未签到出席，不能录入庭审点评表。", "warning")
        return redirect(url_for("hearings.invitation", invitation_id=invitation.id), 303)
    form = _rating_form(invitation)
    if form.validate_on_submit():
        services.save_rating(invitation, form.scores(), form.review_comment.data or "", by_staff=True)
        flash(f"已录入{invitation.deputy.name}的庭审点评表。", "success")
        return redirect(url_for("hearings.detail", hearing_id=invitation.hearing_id, _anchor="ratings"), 303)
    return render_template("hearings/rating_form.html", form=form, invitation=invitation, hearing=invitation.hearing,
                           fields=SCORE_FIELDS, staff=True), 422 if form.errors else 200


@bp.get("/ratings")
@require_staff
def ratings():
    group = request.args.get("group", "hearing")
    if group not in services.RATING_GROUPS:
        group = "hearing"
    filters, scope = services.HearingFilters.from_args(request.args), court_scope(current_user)
    period = filters.period
    rows = services.rating_summary(scope.court_ids, group, period.start, period.end) if not period.problem else []
    low = services.low_ratings(scope.court_ids, period.start, period.end) if not period.problem else []
    return render("hearings/ratings.html", block="results", group=group, groups=services.RATING_GROUPS, scope=scope,
                  rows=rows, low=[(r, _item_link(r.low_score_item)) for r in low], filters=filters,
                  fields=SCORE_FIELDS, low_score=LOW_SCORE, can_edit=_can_edit(),
                  item_kinds=ToItemForm.kind.kwargs["choices"]), 422 if period.problem else 200


@bp.post("/ratings/<int:rating_id>/item")
@require_editor
def rating_to_item(rating_id: int):
    rating = services.get_rating_or_404(rating_id, for_edit=True)
    form = ToItemForm()
    if not form.validate():
        abort(400)
    if not rating.is_low:
        flash("只有低分（2 分及以下）的点评可以转为督办件。", "warning")
    else:
        item, created = services.rating_to_item(rating, ItemKind(form.kind.data))
        flash(f"已转为督办件，登记编号 {item.number}。" if created else f"该点评已是督办件 {item.number}。",
              "success" if created else "info")
    return redirect(url_for("hearings.ratings"), 303)


# --- the letter template ----------------------------------------------------------------------------------------

@bp.get("/letter-template")
@require_editor
def letter_template():
    return render_template("hearings/letter_template.html", current=documents.current_template(current_user.court_id),
                           placeholders=documents.PLACEHOLDERS, error=None)


@bp.get("/letter-template.docx")
@require_editor
def letter_template_download():
    court = db.session.get(Court, current_user.court_id)
    return send_download(documents.template_bytes(court), f"邀请函模板_{court.name}.docx")


@bp.post("/letter-template")
@require_editor
def letter_template_upload():
    upload = request.files.get("template")
    error = documents.template_upload_problem(upload)
    if error:
        return render_template("hearings/letter_template.html", placeholders=documents.PLACEHOLDERS, error=error,
                               current=documents.current_template(current_user.court_id)), 422
    documents.save_template(current_user.court_id, upload)
    flash("已启用新的邀请函模板，此后生成的邀请函将使用该模板。", "success")
    return redirect(url_for("hearings.letter_template"), 303)


@bp.post("/letter-template/reset")
@require_editor
def letter_template_reset():
    removed = documents.reset_template(current_user.court_id)
    flash("已恢复默认邀请函模板。" if removed else "当前使用的已是默认模板。", "success")
    return redirect(url_for("hearings.letter_template"), 303)


# --- the deputy's side ------------------------------------------------------------------------------------------

@bp.get("/mine")
@deputies_only
def mine():
    page = services.my_invitations(current_user.deputy_id or 0, **params.page_args())
    return render("hearings/mine.html", block="results", page=page)


def _mine_page(invitation, form, status: int = 200):
    return render_template("hearings/mine_detail.html", invitation=invitation, hearing=invitation.hearing,
                           form=form, materials=attachments.files_of(MATERIALS, [invitation.hearing_id])[
                               invitation.hearing_id] if services.may_download_materials(invitation.hearing) else None,
                           opinions=[(o, item, _item_link(item)) for o, item in
                                     services.my_opinions(invitation.deputy_id, invitation.hearing_id)],
                           may_answer=_may_answer(invitation), can_rate=services.can_rate(invitation)), status


def _may_answer(invitation) -> bool:
    hearing = invitation.hearing
    return (invitation.status in (InvitationStatus.INVITED, InvitationStatus.ACCEPTED, InvitationStatus.DECLINED)
            and hearing.status not in (HearingStatus.CANCELLED, HearingStatus.HELD)
            and not services.hearing_started(hearing))


@bp.get("/mine/<int:invitation_id>")
@deputies_only
def mine_detail(invitation_id: int):
    invitation = services.get_my_invitation_or_404(invitation_id)
    return _mine_page(invitation, AnswerForm(formdata=None, decline_reason=invitation.decline_reason))


@bp.post("/mine/<int:invitation_id>/answer")
@deputies_only
def mine_answer(invitation_id: int):
    invitation = services.get_my_invitation_or_404(invitation_id)
    form = AnswerForm()
    if form.validate():
        try:
            services.answer(invitation, form.answer.data == "accept", form.decline_reason.data or "")
        except ServiceError as error:
            form.set_errors({"answer": error.message})
        else:
            flash("您已接受邀请，期待您莅临旁听。" if invitation.status == InvitationStatus.ACCEPTED
                  else "您已谢绝本次邀请，感谢告知。", "success")
            return redirect(url_for("hearings.mine_detail", invitation_id=invitation.id), 303)
    return _mine_page(invitation, form, 422)


@bp.route("/mine/<int:invitation_id>/rating", methods=["GET", "POST"])
@deputies_only
def mine_rating(invitation_id: int):
    invitation = services.get_my_invitation_or_404(invitation_id)
    if not services.can_rate(invitation):
        flash("签到出席庭审后才能填写庭审点评表。", "warning")
        return redirect(url_for("hearings.mine_detail", invitation_id=invitation.id), 303)
    form = _rating_form(invitation)
    if form.validate_on_submit():
        services.save_rating(invitation, form.scores(), form.review_comment.data or "", by_staff=False)
        flash("感谢您的点评！", "success")
        return redirect(url_for("hearings.mine_detail", invitation_id=invitation.id), 303)
    return render_template("hearings/rating_form.html", form=form, invitation=invitation, hearing=invitation.hearing,
                           fields=SCORE_FIELDS, staff=False), 422 if form.errors else 200
