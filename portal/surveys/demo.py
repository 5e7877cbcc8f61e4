"""Demo surveys: last year's 民意测评 of the congress deputies, closed, with their answers (a few entered from paper
forms, one text answer tracked as an item), and this year's 征求意见函 to every deputy and member, open since three
days ago. Their notices are taken as sent long ago: none is queued (``notify send-due`` on a fresh demo delivers
only the hearing reminders)."""
from __future__ import annotations

from datetime import date, timedelta

from portal import clock
from portal.demo import DemoContext
from portal.extensions import db
from portal.register.models import DeputyKind
from portal.surveys import services
from portal.surveys.models import (
    QuestionKind,
    Survey,
    SurveyAnswer,
    SurveyKind,
    SurveyQuestion,
    SurveyRecipient,
    SurveyResponse,
    SurveyState,
)

SATISFACTION = services.SCALES["satisfaction"][1]
RATING_QUESTIONS = (
    (QuestionKind.SCALE, "您对本院审判执行工作的总体评价", SATISFACTION),
    (QuestionKind.SCALE, "您对本院联络代表工作的评价", SATISFACTION),
    (QuestionKind.MULTIPLE, "您认为本院最需要改进的方面（可多选）",
     ["审判效率", "执行力度", "诉讼服务", "司法公开", "队伍作风"]),
    (QuestionKind.TEXT, "您对本院工作的意见和建议", []),
)
OPINIONS = ("建议进一步缩短民事案件审理周期。", "希望加强对涉企案件的执行力度。", "建议在乡镇增设巡回审判点。",
            "建议多邀请代表旁听庭审。", "希望通报会增加典型案例讲解。")
SOLICIT_QUESTIONS = (
    (QuestionKind.SINGLE, "您希望法院以何种方式向您通报工作", ["书面材料", "座谈会", "平台消息"]),
    (QuestionKind.TEXT, "您对本院《工作报告（征求意见稿）》的意见", []),
)


def _questions(survey: Survey, questions) -> None:
    survey.questions = [SurveyQuestion(position=n, kind=kind, text=text, options=list(options),
                                       required=kind != QuestionKind.TEXT)
                        for n, (kind, text, options) in enumerate(questions, 1)]


def seed(ctx: DemoContext) -> None:
    for label in ("民意测评", "民意测评答卷"):
        ctx.add(label, 0)
    court = ctx.intermediate
    deputies = [d for d in ctx.deputies if d.active]
    if court is None or not deputies:
        return
    rng = ctx.rng("surveys")
    today = clock.today()
    year = today.year - 1
    closed = Survey(court_id=court.id, title=f"{year}年度人大代表对法院工作民意测评表", kind=SurveyKind.RATING,
                    intro="为进一步改进法院工作，诚请您对本院审判执行和联络代表工作作出评价。", deadline=date(year, 11, 30),
                    state=SurveyState.CLOSED, recipient_filters={"kind": DeputyKind.NPC.value},
                    opened_at=clock.start_of_day(date(year, 11, 10)), closed_at=clock.start_of_day(date(year, 12, 1)))
    _questions(closed, RATING_QUESTIONS)
    db.session.add(closed)
    db.session.flush()
    ctx.add("民意测评")
    chosen = [d for d in deputies if d.kind == DeputyKind.NPC] or deputies
    db.session.add_all(SurveyRecipient(survey_id=closed.id, deputy_id=d.id, sent_at=closed.opened_at) for d in chosen)
    scale_a, scale_b, multiple, text = closed.questions
    for n, deputy in enumerate(d for d in chosen if rng.random() < 0.8):
        day = date(year, 11, 10) + timedelta(days=rng.randint(0, 19))
        paper = n % 6 == 0
        response = SurveyResponse(survey_id=closed.id, deputy_id=deputy.id, submitted_at=clock.start_of_day(day)
                                  + timedelta(hours=rng.randint(9, 17)), returned_on=day if paper else None)
        for question in (scale_a, scale_b):
            response.answers.append(SurveyAnswer(question_id=question.id, option=rng.choices((0, 1, 2), (7, 2, 1))[0]))
        for option in sorted(rng.sample(range(5), rng.randint(1, 2))):
            response.answers.append(SurveyAnswer(question_id=multiple.id, option=option))
        if rng.random() < 0.3:
            response.answers.append(SurveyAnswer(question_id=text.id, text=rng.choice(OPINIONS)))
        db.session.add(response)
        ctx.add("民意测评答卷")
    db.session.flush()
    first_text = db.session.scalars(db.select(SurveyAnswer).where(SurveyAnswer.question_id == text.id)
                                    .order_by(SurveyAnswer.id).limit(1)).first()
    if first_text is not None:
        services.answer_to_item(closed, first_text)

    opened = clock.now() - timedelta(days=3)
    current = Survey(court_id=court.id, title=f"关于征求对本院{today.year}年工作报告意见的函", kind=SurveyKind.SOLICIT,
                     intro="本院工作报告（征求意见稿）已通过平台发送，请提出宝贵意见。", deadline=today + timedelta(days=14),
                     recipient_filters={}, state=SurveyState.OPEN, opened_at=opened)
    _questions(current, SOLICIT_QUESTIONS)
    db.session.add(current)
    db.session.flush()
    db.session.add_all(SurveyRecipient(survey_id=current.id, deputy_id=d.id, sent_at=opened) for d in deputies)
    db.session.flush()
    ctx.add("民意测评")
