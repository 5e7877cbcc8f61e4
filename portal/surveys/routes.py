"""Pages of surveys. Staff: the list (``/surveys/``), a new survey (``/new``), one survey with its questions built
with htmx while it is a draft (``/<id>``), its recipients chosen by register filters (``/<id>/recipients``),
opening, reminding and closing it, a returned paper form (``/<id>/paper``) and the results (``/<id>/results``).
Deputies: the surveys sent to them (``/mine``) and the answer sheet, or their answers once given
(``/mine/<id>``)."""
from flask import flash, redirect, request, url_for
from flask_login import current_user

from portal import clock, params
from portal.access import EDITOR_ROLES, court_scope, require_editor, require_role, require_staff, visible_court_ids
from portal.auth.models import Role
from portal.documents import send_download
from portal.errors import NotFound, ServiceError
from portal.extensions import db
from portal.htmx import is_partial, render
from portal.register.services import RegisterFilters, filter_choices
from portal.surveys import bp, services
from portal.surveys.documents import build_results_docx
from portal.surveys.forms import PaperForm, QuestionForm, RecipientsForm, SurveyForm
from portal.surveys.models import QuestionKind, Survey, SurveyKind, SurveyState

require_deputy = require_role(Role.DEPUTY)


def _survey(survey_id: int) -> Survey:
    """A survey of a court the user sees; any other looks the same as none at all."""
    return services.load_survey(survey_id, visible_court_ids(current_user))


def _can_edit() -> bool:
    return current_user.role in EDITOR_ROLES


def _to_detail(survey: Survey):
    return redirect(url_for("surveys.detail", survey_id=survey.id), 303)


# --- the list and one survey -----------------------------------------------------------------------------------------

@bp.get("/")
@require_staff
def index():
    scope = court_scope(current_user)
    page = services.list_surveys(scope.court_ids, **params.page_args())
    return render("surveys/index.html", block="results", page=page, scope=scope, can_edit=_can_edit(),
                  counts=services.counts_of([s.id for s in page.items]),
                  year=services.year_summary(scope.court_ids, clock.today().year))


def _values(form: SurveyForm) -> dict:
    return {"title": form.title.data, "kind": SurveyKind(form.kind.data), "deadline": form.deadline.data,
            "intro": form.intro.data or ""}


def _form_page(form: SurveyForm, survey: Survey | None, status: int = 200):
    return render("surveys/form.html", block="content", form=form, survey=survey), status


@bp.route("/new", methods=["GET", "POST"])
@require_editor
def create():
    if request.method == "GET":
        return _form_page(SurveyForm(formdata=None), None)
    form = SurveyForm()
    if not form.validate():
        return _form_page(form, None, 422)
    try:
        survey = services.create_survey(current_user.court_id, _values(form))
    except ServiceError as error:
        form.set_errors(error.errors)
        return _form_page(form, None, error.status)
    flash("已创建问卷，请添加题目并设置发送范围。", "success")
    return _to_detail(survey)


@bp.route("/<int:survey_id>/edit", methods=["GET", "POST"])
@require_editor
def edit(survey_id: int):
    survey = _survey(survey_id)
    if request.method == "GET":
        form = SurveyForm(formdata=None, obj=survey)
        form.kind.data = survey.kind.value
        return _form_page(form, survey)
    form = SurveyForm()
    if not form.validate():
        return _form_page(form, survey, 422)
    try:
        services.update_survey(survey, _values(form))
    except ServiceError as error:
        if not error.errors:
            raise
        form.set_errors(error.errors)
        return _form_page(form, survey, error.status)
    flash("已保存。", "success")
    return _to_detail(survey)


@bp.post("/<int:survey_id>/delete")
@require_editor
def delete(survey_id: int):
    services.delete_survey(_survey(survey_id))
    flash("已删除问卷草稿，可在回收站恢复。", "success")
    return redirect(url_for("surveys.index"), 303)


def _detail(survey: Survey, question_form: QuestionForm | None = None, *, status: int = 200):
    filters = services.filters_of(survey)
    sent, answered = services.counts_of([survey.id])[survey.id]
    response = render("surveys/detail.html", block="questions", survey=survey, can_edit=_can_edit(),
                      question_form=question_form or QuestionForm(formdata=None), filters=filters,
                      matching=services.recipients_count(filters) if survey.state == SurveyState.DRAFT else None,
                      sent=sent, answered=answered, today=clock.today())
    return response, status


@bp.get("/<int:survey_id>")
@require_staff
def detail(survey_id: int):
    return _detail(_survey(survey_id))


# --- questions (htmx, while a draft) ----------------------------------------------------------------------------------

def _after_question_change(survey: Survey, message: str):
    if not is_partial("questions"):
        flash(message, "success")
        return redirect(url_for("surveys.detail", survey_id=survey.id, _anchor="questions"), 303)
    return _detail(survey)


@bp.post("/<int:survey_id>/questions")
@require_editor
def add_question(survey_id: int):
    survey = _survey(survey_id)
    form = QuestionForm()
    if not form.validate():
        return _detail(survey, form, status=422)
    kind = QuestionKind(form.kind.data)
    try:
        options = services.parse_options(kind, form.scale.data or "", form.options.data or "")
        services.add_question(survey, kind=kind, text=form.text.data, options=options, required=form.required.data)
    except ServiceError as error:
        if not error.errors:
            raise
        form.set_errors(error.errors)
        return _detail(survey, form, status=error.status)
    return _after_question_change(survey, "已添加题目。")


@bp.post("/<int:survey_id>/questions/<int:question_id>/move")
@require_editor
def move_question(survey_id: int, question_id: int):
    survey = _survey(survey_id)
    step = -1 if request.form.get("step") == "up" else 1
    services.move_question(survey, services.find_question(survey, question_id), step)
    return _after_question_change(survey, "已调整题目顺序。")


@bp.post("/<int:survey_id>/questions/<int:question_id>/delete")
@require_editor
def delete_question(survey_id: int, question_id: int):
    survey = _survey(survey_id)
    services.delete_question(survey, services.find_question(survey, question_id))
    return _after_question_change(survey, "已删除题目。")


# --- recipients, opening, reminding, closing ---------------------------------------------------------------------------

def _recipient_filters(form: RecipientsForm) -> RegisterFilters:
    return RegisterFilters(kind=form.kind.data or "", level=form.level.data or "", term=form.term.data or "",
                           group=form.group.data or "", q=form.q.data or "")


@bp.route("/<int:survey_id>/recipients", methods=["GET", "POST"])
@require_editor
def recipients(survey_id: int):
    """Choose who the survey goes to; the count follows the filters as they change (htmx), 保存 keeps them."""
    survey = _survey(survey_id)
    if request.method == "POST":
        form = RecipientsForm()
        form.set_choices(filter_choices())
        if form.validate():
            count = services.save_recipients(survey, _recipient_filters(form))
            flash(f"已保存发送范围：{count} 位在任代表委员。", "success")
            return _to_detail(survey)
        status = 422
    else:
        saved = services.filters_of(survey)
        typed = request.args if "kind" in request.args else {k: getattr(saved, k) for k in services.FILTER_KEYS}
        form = RecipientsForm(formdata=None, data={k: params.clean_query(typed.get(k), 60)
                                                   for k in services.FILTER_KEYS})
        form.set_choices(filter_choices())
        status = 200
    count = services.recipients_count(_recipient_filters(form))
    return render("surveys/recipients.html", block="recipient_count", survey=survey, form=form,
                  count=count), status


@bp.post("/<int:survey_id>/open")
@require_editor
def open_survey(survey_id: int):
    survey = _survey(survey_id)
    count = services.open_survey(survey)
    flash(f"问卷已发出，已通知 {count} 位代表委员，截止日期 {survey.deadline.isoformat()}。", "success")
    return _to_detail(survey)


@bp.post("/<int:survey_id>/remind")
@require_editor
def remind(survey_id: int):
    survey = _survey(survey_id)
    try:
        count = services.remind(survey)
    except ServiceError as error:
        flash(error.message, "warning")
        return _to_detail(survey)
    flash(f"已向 {count} 位尚未答复的代表委员发送催填提醒。", "success")
    return _to_detail(survey)


@bp.post("/<int:survey_id>/close")
@require_editor
def close(survey_id: int):
    survey = _survey(survey_id)
    services.close_survey(survey)
    flash("问卷已结束征集。", "success")
    return redirect(url_for("surveys.results", survey_id=survey.id), 303)


# --- answers ----------------------------------------------------------------------------------------------------------

def _typed(survey: Survey) -> dict:
    """What was typed on the answer sheet, to show again with the errors."""
    return {q.id: (request.form.get(f"q{q.position}", "") if q.kind == QuestionKind.TEXT
                   else request.form.getlist(f"q{q.position}")) for q in survey.questions}


@bp.route("/<int:survey_id>/paper", methods=["GET", "POST"])
@require_editor
def paper(survey_id: int):
    """Enter a returned paper form for a deputy the survey went to, dated the day it came back."""
    survey = _survey(survey_id)
    if survey.state == SurveyState.DRAFT:
        raise ServiceError("问卷尚未发出，不能录入纸质答卷。", status=409)
    people = services.waiting_deputies(survey)
    form = PaperForm(formdata=None, returned_on=clock.today()) if request.method == "GET" else PaperForm()
    form.deputy_id.choices = [("", "请选择")] + [(str(d.id), d.name) for d in people]
    errors, typed, status = {}, {}, 200
    if request.method == "POST":
        typed = _typed(survey)
        answers, errors = services.parse_answers(survey, request.form)
        if not form.validate():
            errors.update({name: messages[0] for name, messages in form.errors.items()})
        deputy_id = params.parse_id(str(form.deputy_id.data or ""))
        if deputy_id not in {d.id for d in people}:
            errors["deputy_id"] = "请选择交回纸质表的代表委员（应为尚未答复的发送对象）。"
        if not errors:
            try:
                services.submit_response(survey, deputy_id, answers, returned_on=form.returned_on.data)
            except ServiceError as error:
                errors = error.errors or {"deputy_id": error.message}
            else:
                flash("已录入纸质答卷。", "success")
                return redirect(url_for("surveys.paper", survey_id=survey.id), 303)
        form.set_errors(errors)
        status = 422
    return render("surveys/paper.html", block="content", survey=survey, form=form, errors=errors, typed=typed,
                  people=people), status


@bp.get("/<int:survey_id>/results")
@require_staff
def results(survey_id: int):
    survey = _survey(survey_id)
    return render("surveys/results.html", block="content", results=services.results(survey), survey=survey,
                  can_edit=_can_edit())


@bp.get("/<int:survey_id>/results.docx")
@require_staff
def results_docx(survey_id: int):
    """The results as a Word document (测评结果统计), for the file and for the annual summary to cite."""
    survey = _survey(survey_id)
    return send_download(build_results_docx(services.results(survey)), f"测评结果_{survey.title[:40]}.docx")


@bp.post("/<int:survey_id>/answers/<int:answer_id>/item")
@require_editor
def answer_item(survey_id: int, answer_id: int):
    """Register a free-text answer as a tracked item, in one click."""
    survey = _survey(survey_id)
    answer = services.find_text_answer(survey, answer_id)
    item, new = services.answer_to_item(survey, answer)
    target = f"answer-{answer.id}"
    if not is_partial(target):
        flash(f"已登记跟踪事项 {item.number}。" if new else f"该意见已是跟踪事项 {item.number}。", "success")
        return redirect(url_for("surveys.results", survey_id=survey.id, _anchor=target), 303)
    return render("surveys/results.html", block="text_answer", target=target, a=answer, survey=survey,
                  can_edit=True)


# --- the deputy's part ---------------------------------------------------------------------------------------------

@bp.get("/mine")
@require_deputy
def mine():
    if current_user.deputy_id is None:
        raise NotFound("您的账户尚未关联代表委员名册。")
    return render("surveys/mine.html", block="content", rows=services.surveys_of_deputy(current_user.deputy_id))


@bp.route("/mine/<int:survey_id>", methods=["GET", "POST"])
@require_deputy
def answer(survey_id: int):
    """The answer sheet of a survey sent to this deputy, or their answers once given; anyone else's: 404."""
    survey = db.session.get(Survey, survey_id)
    deputy_id = current_user.deputy_id
    if survey is None or not services.is_recipient(survey, deputy_id):
        raise NotFound()
    response = services.response_of(survey.id, deputy_id)
    errors, typed, status = {}, {}, 200
    if request.method == "POST":
        services.check_may_answer(survey, deputy_id)  # answered already, closed: the error page says so (409)
        typed = _typed(survey)
        answers, errors = services.parse_answers(survey, request.form)
        if not errors:
            services.submit_response(survey, deputy_id, answers)
            flash("感谢您的意见！答卷已提交。", "success")
            return redirect(url_for("surveys.answer", survey_id=survey.id), 303)
        status = 422
    return render("surveys/answer.html", block="content", survey=survey, response=response, errors=errors,
                  typed=typed, open=services.answerable(survey)), status
