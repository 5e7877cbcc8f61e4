"""Queries and writes for surveys. Services flush and raise ServiceError; the request commits once.

A survey is built while it is a draft (its fields, questions and the register filters that choose its
recipients); opening it freezes all that, records who it went to and announces ``survey.opened`` (the notices
area queues the messages). Deputies, or staff from a returned paper form, answer once while it is open (paper
forms also after it closed); the results are counted in SQL.
"""
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import selectinload

from portal import clock, events, params
from portal.access import current_user_id
from portal.errors import NotFound, ServiceError
from portal.extensions import db
from portal.figures.definitions import Chart
from portal.items.models import Item, ItemKind, ItemOrigin
from portal.items.services import create_item, deputy_kinds
from portal.notices.services import link_to
from portal.pagination import Page, paginate
from portal.register.models import Deputy
from portal.register.services import RegisterFilters, filtered_query
from portal.surveys.models import (
    CHOICE_KINDS,
    QuestionKind,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyRecipient,
    SurveyResponse,
    SurveyState,
)
from portal.trash import services as trash

# The points of a rating question, best first; staff pick one of these or type their own choices.
SCALES = {"satisfaction": ("满意度（满意/基本满意/不满意）", ["满意", "基本满意", "不满意"]),
          "five": ("1–5 分", ["5 分", "4 分", "3 分", "2 分", "1 分"])}
MAX_OPTIONS = 12
OPTION_LIMIT = 60
TEXT_LIMIT = 2000
REMIND_DAYS = 2  # the deadline reminder goes out this many days before the deadline (court days)
FILTER_KEYS = ("kind", "level", "term", "group", "q")


# --- lists ----------------------------------------------------------------------------------------------------------

def list_surveys(court_ids: list[int], *, cursor: str | None, per_page: int, total: int | None,
                 number: int) -> Page:
    query = select(Survey).where(Survey.court_id.in_(court_ids)).options(selectinload(Survey.court))
    return paginate(query, [Survey.id], cursor=cursor, per_page=per_page, descending=True, total=total,
                    number=number)


def counts_of(survey_ids: list[int]) -> dict[int, tuple[int, int]]:
    """(recipients, responses) of each survey, in two grouped queries."""
    sent = dict(db.session.execute(select(SurveyRecipient.survey_id, func.count()).where(
        SurveyRecipient.survey_id.in_(survey_ids)).group_by(SurveyRecipient.survey_id)).all())
    answered = dict(db.session.execute(select(SurveyResponse.survey_id, func.count()).where(
        SurveyResponse.survey_id.in_(survey_ids)).group_by(SurveyResponse.survey_id)).all())
    return {i: (sent.get(i, 0), answered.get(i, 0)) for i in survey_ids}


def load_survey(survey_id: int, court_ids: list[int]) -> Survey:
    """The survey if it is of a court the user sees; any other is not found."""
    survey = db.session.scalar(select(Survey).where(Survey.id == survey_id, Survey.court_id.in_(court_ids))
                               .options(selectinload(Survey.questions), selectinload(Survey.court)))
    if survey is None:
        raise NotFound()
    return survey


# --- building ---------------------------------------------------------------------------------------------------------

def _draft_only(survey: Survey) -> None:
    if survey.state != SurveyState.DRAFT:
        raise ServiceError("问卷已发出，题目和发送范围不能再修改。", status=409)


def _check_deadline(deadline: date | None) -> None:
    if deadline is not None and deadline < clock.today():
        raise ServiceError("表单有误，请查看标红的字段。", {"deadline": "截止日期不能早于今天。"})


def create_survey(court_id: int, values: dict) -> Survey:
    _check_deadline(values["deadline"])
    survey = Survey(court_id=court_id, created_by_id=current_user_id(), recipient_filters={}, **values)
    db.session.add(survey)
    db.session.flush()
    return survey


def update_survey(survey: Survey, values: dict) -> Survey:
    _draft_only(survey)
    _check_deadline(values["deadline"])
    for key, value in values.items():
        setattr(survey, key, value)
    db.session.flush()
    return survey


def delete_survey(survey: Survey) -> None:
    """Put a draft, with its questions, in the recycle bin (a survey sent out is never deleted)."""
    _draft_only(survey)
    trash.discard(survey, kind="survey", label=f"民意测评草稿：{survey.title}", court_id=survey.court_id)


def parse_options(kind: QuestionKind, scale: str, typed: str) -> list[str]:
    """The options of a new question: a scale's points, the typed choices (one a line), none for free text."""
    if kind == QuestionKind.TEXT:
        return []
    if kind == QuestionKind.SCALE and scale in SCALES:
        return list(SCALES[scale][1])
    options = list(dict.fromkeys(line.strip() for line in (typed or "").splitlines() if line.strip()))
    if len(options) < 2:
        raise ServiceError("题目未添加，请查看标红的字段。", {"options": "请至少填写两个选项，每行一个。"})
    if len(options) > MAX_OPTIONS or any(len(o) > OPTION_LIMIT for o in options):
        raise ServiceError("题目未添加，请查看标红的字段。",
                           {"options": f"最多 {MAX_OPTIONS} 个选项，每个不超过 {OPTION_LIMIT} 个字。"})
    return options


def add_question(survey: Survey, *, kind: QuestionKind, text: str, options: list[str],
                 required: bool) -> SurveyQuestion:
    _draft_only(survey)
    position = max((q.position for q in survey.questions), default=0) + 1
    question = SurveyQuestion(survey=survey, position=position, kind=kind, text=text.strip(), options=options,
                              required=required)
    db.session.add(question)
    db.session.flush()
    return question


def find_question(survey: Survey, question_id: int) -> SurveyQuestion:
    question = next((q for q in survey.questions if q.id == question_id), None)
    if question is None:
        raise NotFound()
    return question


def move_question(survey: Survey, question: SurveyQuestion, step: int) -> None:
    """Swap the question with the one before (``step`` -1) or after (+1); at either end nothing moves."""
    _draft_only(survey)
    ordered = list(survey.questions)
    index = ordered.index(question)
    other = index + step
    if 0 <= other < len(ordered):
        ordered[index], ordered[other] = ordered[other], ordered[index]
        for position, q in enumerate(ordered, 1):
            q.position = position
        db.session.flush()
        db.session.expire(survey, ["questions"])


def delete_question(survey: Survey, question: SurveyQuestion) -> None:
    _draft_only(survey)
    survey.questions.remove(question)
    db.session.delete(question)
    for position, q in enumerate(survey.questions, 1):
        q.position = position
    db.session.flush()


# --- recipients ----------------------------------------------------------------------------------------------------

def filters_of(survey: Survey) -> RegisterFilters:
    """The register filters that choose the survey's recipients: in-office deputies matching the saved ones."""
    saved = survey.recipient_filters or {}
    return RegisterFilters(**{k: str(saved.get(k) or "") for k in FILTER_KEYS})


def recipients_count(filters: RegisterFilters) -> int:
    """How many deputies the register filters find (the same query batch notices send to)."""
    return db.session.scalar(select(func.count()).select_from(filtered_query(filters).order_by(None)
                                                               .subquery())) or 0


def save_recipients(survey: Survey, filters: RegisterFilters) -> int:
    _draft_only(survey)
    survey.recipient_filters = {k: getattr(filters, k) for k in FILTER_KEYS if getattr(filters, k)}
    db.session.flush()
    return recipients_count(filters)


def _body(survey: Survey, reminder: bool) -> str:
    lead = "您尚未填写" if reminder else "诚邀您填写"
    return (f"{{称呼}}：{survey.court.name}{lead}《{survey.title}》（{survey.kind.label}），"
            f"截止日期 {survey.deadline.isoformat()}。请登录平台填写。")


def _announce(name: str, survey: Survey, deputy_ids: list[int]) -> None:
    reminder = name == "survey.reminded"
    events.announce(name, survey, deputy_ids=deputy_ids, heading=f"{survey.kind.label}{'催填' if reminder else ''}",
                    body=_body(survey, reminder), link=link_to("surveys.answer", survey_id=survey.id))


def open_survey(survey: Survey) -> int:
    """Send the survey: the deputies the filters find now become its recipients; the number of them."""
    _draft_only(survey)
    problems = []
    if not survey.questions:
        problems.append("请先添加题目")
    if survey.deadline < clock.today():
        problems.append("截止日期已过，请先修改截止日期")
    deputies = list(db.session.scalars(filtered_query(filters_of(survey)).order_by(Deputy.id)))
    if not deputies:
        problems.append("没有符合发送范围的代表委员，请调整发送范围")
    if problems:
        raise ServiceError("问卷未发出：" + "；".join(problems) + "。", status=409)
    now = clock.now()
    db.session.add_all(SurveyRecipient(survey_id=survey.id, deputy_id=d.id, sent_at=now) for d in deputies)
    survey.state, survey.opened_at = SurveyState.OPEN, now
    db.session.flush()
    _announce("survey.opened", survey, [d.id for d in deputies])
    return len(deputies)


def close_survey(survey: Survey) -> None:
    if survey.state != SurveyState.OPEN:
        raise ServiceError("只有征集中的问卷可以结束。", status=409)
    survey.state, survey.closed_at = SurveyState.CLOSED, clock.now()
    db.session.flush()


def _waiting(survey: Survey) -> list[int]:
    answered = select(SurveyResponse.deputy_id).where(SurveyResponse.survey_id == survey.id)
    return list(db.session.scalars(select(SurveyRecipient.deputy_id).where(
        SurveyRecipient.survey_id == survey.id, SurveyRecipient.deputy_id.not_in(answered))
        .order_by(SurveyRecipient.deputy_id)))


def waiting_deputies(survey: Survey) -> list[Deputy]:
    """The recipients who have not answered, by pinyin (whose paper form staff may enter)."""
    ids = _waiting(survey)
    return list(db.session.scalars(select(Deputy).where(Deputy.id.in_(ids)).order_by(Deputy.name_pinyin, Deputy.id)))


def remind(survey: Survey) -> int:
    """Remind the recipients who have not answered yet; how many."""
    if survey.state != SurveyState.OPEN:
        raise ServiceError("只有征集中的问卷可以催填。", status=409)
    waiting = _waiting(survey)
    if not waiting:
        raise ServiceError("所有发送对象均已答复，无需催填。", status=409)
    survey.reminded_at = clock.now()
    db.session.flush()
    _announce("survey.reminded", survey, waiting)
    return len(waiting)


def queue_deadline_reminders(today: date | None = None) -> int:
    """The reminder ``REMIND_DAYS`` before the deadline, once per survey (a survey already reminded by hand is
    not reminded again); for the scheduled ``flask --app portal surveys remind``. The number of surveys."""
    today = today or clock.today()
    due = db.session.scalars(select(Survey).where(
        Survey.state == SurveyState.OPEN, Survey.reminded_at.is_(None), Survey.deadline >= today,
        Survey.deadline <= today + timedelta(days=REMIND_DAYS)).options(selectinload(Survey.court))).all()
    reminded = 0
    for survey in due:
        if _waiting(survey):
            remind(survey)
            reminded += 1
    return reminded


# --- answering ---------------------------------------------------------------------------------------------------------

def answerable(survey: Survey) -> bool:
    return survey.state == SurveyState.OPEN and clock.today() <= survey.deadline


def is_recipient(survey: Survey, deputy_id: int | None) -> bool:
    return deputy_id is not None and db.session.get(SurveyRecipient, (survey.id, deputy_id)) is not None


def response_of(survey_id: int, deputy_id: int) -> SurveyResponse | None:
    return db.session.scalar(select(SurveyResponse).where(SurveyResponse.survey_id == survey_id,
                                                          SurveyResponse.deputy_id == deputy_id)
                             .options(selectinload(SurveyResponse.answers)))


def parse_answers(survey: Survey, form) -> tuple[dict[int, list[int] | str], dict[str, str]]:
    """What a filled form says for each question (field ``q<position>``: option indexes, or the text), by question
    id, and what is wrong, by field. A sheet with nothing answered at all is refused too."""
    answers: dict[int, list[int] | str] = {}
    errors: dict[str, str] = {}
    for question in survey.questions:
        name = f"q{question.position}"
        if question.kind == QuestionKind.TEXT:
            text = params.clean_text(form.get(name) or "", multiline=True).strip()
            if len(text) > TEXT_LIMIT:
                errors[name] = f"不能超过 {TEXT_LIMIT} 个字。"
            elif text:
                answers[question.id] = text
        else:
            raw = form.getlist(name) if question.kind == QuestionKind.MULTIPLE else form.getlist(name)[:1]
            chosen = sorted({n for n in (params.parse_int(v, minimum=0, maximum=len(question.options) - 1)
                                         for v in raw) if n is not None})
            if chosen:
                answers[question.id] = chosen
        if question.required and question.id not in answers and name not in errors:
            errors[name] = "请填写此题。" if question.kind == QuestionKind.TEXT else "请选择此题的答案。"
    if not answers and not errors and survey.questions:
        errors[f"q{survey.questions[0].position}"] = "答卷是空的，请至少回答一题。"
    return answers, errors


def check_may_answer(survey: Survey, deputy_id: int | None, *, paper: bool = False) -> None:
    """Raise why ``deputy_id`` may not hand in an answer sheet now: not a recipient (404), answered already,
    the survey closed or past its deadline (a paper form may still be entered then), or not sent yet."""
    if not is_recipient(survey, deputy_id):
        raise NotFound()
    earlier = response_of(survey.id, deputy_id)
    if earlier is not None:
        raise ServiceError(f"已于 {clock.to_local(earlier.submitted_at):%Y-%m-%d %H:%M} 提交过本问卷的答卷，"
                           "每位代表委员只能提交一次。", status=409)
    if paper and survey.state == SurveyState.DRAFT:
        raise ServiceError("问卷尚未发出。", status=409)
    if not paper and not answerable(survey):
        raise ServiceError("本问卷已结束或已过截止日期，不能再提交。如有意见请联系法院联络部门。", status=409)


def submit_response(survey: Survey, deputy_id: int, answers: dict[int, list[int] | str], *,
                    returned_on: date | None = None) -> SurveyResponse:
    """Keep a deputy's answers: their own (``returned_on`` None), or a paper form staff enter. Once only."""
    check_may_answer(survey, deputy_id, paper=returned_on is not None)
    paper = returned_on is not None
    if paper and returned_on > clock.today():
        raise ServiceError("表单有误，请查看标红的字段。", {"returned_on": "收回日期不能晚于今天。"})
    response = SurveyResponse(survey_id=survey.id, deputy_id=deputy_id, returned_on=returned_on,
                              entered_by_id=current_user_id() if paper else None, submitted_at=clock.now())
    for question in survey.questions:
        given = answers.get(question.id)
        if isinstance(given, str):
            response.answers.append(SurveyAnswer(question_id=question.id, text=given))
        elif given:
            response.answers.extend(SurveyAnswer(question_id=question.id, option=n) for n in given)
    db.session.add(response)
    db.session.flush()
    return response


@dataclass
class Mine:
    survey: Survey
    response: SurveyResponse | None
    open: bool  # may still be answered


def surveys_of_deputy(deputy_id: int, year: int | None = None, *, only_waiting: bool = False,
                      limit: int | None = None) -> list[Mine]:
    """The surveys sent to a deputy (in ``year``, when given), latest deadline first, with their response: two
    queries."""
    query = (select(Survey).join(SurveyRecipient, SurveyRecipient.survey_id == Survey.id)
             .where(SurveyRecipient.deputy_id == deputy_id).options(selectinload(Survey.court))
             .order_by(Survey.deadline.desc(), Survey.id.desc()))
    if year:  # the year it was sent in
        query = query.where(SurveyRecipient.sent_at >= clock.start_of_day(date(year, 1, 1)),
                            SurveyRecipient.sent_at < clock.start_of_day(date(year + 1, 1, 1)))
    surveys = list(db.session.scalars(query))
    responses = {r.survey_id: r for r in db.session.scalars(select(SurveyResponse).where(
        SurveyResponse.deputy_id == deputy_id, SurveyResponse.survey_id.in_([s.id for s in surveys])))}
    found = [Mine(s, responses.get(s.id), answerable(s)) for s in surveys]
    if only_waiting:
        found = [m for m in found if m.open and m.response is None]
    return found[:limit] if limit else found


# --- results -----------------------------------------------------------------------------------------------------------

@dataclass
class OptionCount:
    label: str
    count: int
    percent: int  # of those who answered the question


def satisfaction_rate(options: list[str], counts: list[int], answered: int) -> int | None:
    """满意率 as the summaries count it, (满意 + 基本满意) / rated, for a question on the satisfaction scale."""
    if options != SCALES["satisfaction"][1] or not answered:
        return None
    return round(100 * (counts[0] + counts[1]) / answered)


@dataclass
class QuestionResult:
    question: SurveyQuestion
    answered: int
    options: list[OptionCount] = field(default_factory=list)
    texts: list[SurveyAnswer] = field(default_factory=list)

    @property
    def satisfaction(self) -> int | None:
        return satisfaction_rate(self.question.options, [o.count for o in self.options], self.answered)

    @property
    def chart(self) -> Chart:
        """The answers per option, drawn as the dashboard draws its bars (templates/figures/_charts.html)."""
        return Chart(f"question-{self.question.id}", self.question.text, "bars", [o.label for o in self.options],
                     [("人数", [o.count for o in self.options])])


@dataclass
class Results:
    survey: Survey
    recipients: int
    responses: int
    paper: int  # of the responses, entered from paper forms
    questions: list[QuestionResult]

    @property
    def rate(self) -> int:
        """Response rate, a whole percent (the summaries' way)."""
        return round(100 * self.responses / self.recipients) if self.recipients else 0


def results(survey: Survey) -> Results:
    """The survey's figures: every choice and scale question counted in one grouped query, how many answered each
    question in another, the free-text answers with their deputies in a third."""
    of_survey = SurveyResponse.survey_id == survey.id
    counts = {(q, o): n for q, o, n in db.session.execute(
        select(SurveyAnswer.question_id, SurveyAnswer.option, func.count())
        .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
        .where(of_survey, SurveyAnswer.option.is_not(None))
        .group_by(SurveyAnswer.question_id, SurveyAnswer.option))}
    answered = dict(db.session.execute(
        select(SurveyAnswer.question_id, func.count(distinct(SurveyAnswer.response_id)))
        .join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id).where(of_survey)
        .group_by(SurveyAnswer.question_id)).all())
    texts = db.session.scalars(
        select(SurveyAnswer).join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
        .where(of_survey, SurveyAnswer.option.is_(None))
        .options(selectinload(SurveyAnswer.response).selectinload(SurveyResponse.deputy),
                 selectinload(SurveyAnswer.item)).order_by(SurveyAnswer.id)).all()
    found = []
    for question in survey.questions:
        n = answered.get(question.id, 0)
        result = QuestionResult(question=question, answered=n)
        if question.kind in CHOICE_KINDS:
            for index, label in enumerate(question.options):
                count = counts.get((question.id, index), 0)
                result.options.append(OptionCount(label, count, round(100 * count / n) if n else 0))
        else:
            result.texts = [a for a in texts if a.question_id == question.id]
        found.append(result)
    sent, responses, paper = db.session.execute(select(
        select(func.count()).select_from(SurveyRecipient).where(SurveyRecipient.survey_id == survey.id)
        .scalar_subquery(),
        select(func.count()).select_from(SurveyResponse).where(of_survey).scalar_subquery(),
        select(func.count()).select_from(SurveyResponse).where(of_survey, SurveyResponse.returned_on.is_not(None))
        .scalar_subquery())).one()
    return Results(survey=survey, recipients=sent, responses=responses, paper=paper, questions=found)


@dataclass
class YearLine:
    survey: Survey
    recipients: int
    responses: int
    satisfaction: int | None  # of its first question on the satisfaction scale


@dataclass
class YearSummary:
    """The year's surveys as the annual summary cites them."""

    year: int
    lines: list[YearLine]

    @property
    def recipients(self) -> int:
        return sum(line.recipients for line in self.lines)

    @property
    def responses(self) -> int:
        return sum(line.responses for line in self.lines)

    @property
    def rate(self) -> int:
        return round(100 * self.responses / self.recipients) if self.recipients else 0

    @property
    def sentence(self) -> str:
        """“全年开展民意测评、征求意见 2 次，发出 150 份，收回 120 份，回收率 80%；其中《…》满意率 95%。”"""
        if not self.lines:
            return f"{self.year}年未开展民意测评和征求意见。"
        rated = [f"《{line.survey.title}》满意率 {line.satisfaction}%" for line in self.lines
                 if line.satisfaction is not None]
        return (f"{self.year}年开展民意测评、征求意见 {len(self.lines)} 次，发出 {self.recipients} 份，"
                f"收回 {self.responses} 份，回收率 {self.rate}%" + (f"；其中{'，'.join(rated)}" if rated else "") + "。")


def year_summary(court_ids: list[int], year: int) -> YearSummary:
    """The surveys of these courts sent in ``year``, with their counts and 满意率."""
    return YearSummary(year=year, lines=lines_between(court_ids, date(year, 1, 1), date(year, 12, 31)))


def lines_between(court_ids: list[int], start: date, end: date) -> list[YearLine]:
    """The surveys of these courts sent from ``start`` to ``end`` (court days), each with its counts and 满意率:
    four queries in all."""
    surveys = list(db.session.scalars(select(Survey).where(
        Survey.court_id.in_(court_ids), Survey.opened_at >= clock.start_of_day(start),
        Survey.opened_at < clock.start_of_day(end + timedelta(days=1))).options(selectinload(Survey.questions))
        .order_by(Survey.opened_at, Survey.id)))
    ids = [s.id for s in surveys]
    counts = counts_of(ids)
    chosen = {(q, o): n for q, o, n in db.session.execute(
        select(SurveyAnswer.question_id, SurveyAnswer.option, func.count())
        .join(SurveyQuestion, SurveyQuestion.id == SurveyAnswer.question_id)
        .where(SurveyQuestion.survey_id.in_(ids), SurveyQuestion.kind == QuestionKind.SCALE)
        .group_by(SurveyAnswer.question_id, SurveyAnswer.option))}
    lines = []
    for survey in surveys:
        rate = None
        for question in survey.questions:
            per_option = [chosen.get((question.id, n), 0) for n in range(len(question.options))]
            rate = satisfaction_rate(question.options, per_option, sum(per_option))
            if rate is not None:
                break
        lines.append(YearLine(survey, *counts[survey.id], rate))
    return lines


def find_text_answer(survey: Survey, answer_id: int) -> SurveyAnswer:
    answer = db.session.scalar(select(SurveyAnswer).join(SurveyResponse, SurveyResponse.id == SurveyAnswer.response_id)
                               .where(SurveyAnswer.id == answer_id, SurveyResponse.survey_id == survey.id,
                                      SurveyAnswer.option.is_(None)))
    if answer is None:
        raise NotFound()
    return answer


def answer_to_item(survey: Survey, answer: SurveyAnswer) -> tuple[Item, bool]:
    """The tracked item of a free-text answer, registered now unless it already was; True when new. A deputy's
    answer becomes a 建议, a CPPCC member's a 提案, received the day the answer was given."""
    if answer.item is not None:
        return answer.item, False
    response = answer.response
    kinds = deputy_kinds(response.deputy)
    kind = next((k for k in kinds if k in (ItemKind.SUGGESTION, ItemKind.PROPOSAL)), ItemKind.SUGGESTION)
    received = response.returned_on or clock.local_date(response.submitted_at)
    item = create_item(court_id=survey.court_id, kind=kind, title=f"{survey.kind.label}意见：{survey.title}"[:200],
                       content=answer.text, deputies=[response.deputy], origin=ItemOrigin.SURVEY,
                       origin_id=survey.id, received_on=min(received, clock.today()))
    answer.item = item
    db.session.flush()
    return item, True


trash.register("survey", "民意测评草稿", link=lambda values: ("surveys.detail", {"survey_id": values["id"]}))
