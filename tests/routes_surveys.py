"""The surveys area's routes in the role matrix (see tests/route_matrix.py).

Deputies reach only the surveys sent to them, and the matrix logs in a *new* deputy after the records exist:
``records`` hands the open survey's recipient row over to the next deputy account created (as the hearings'
matrix does with invitations), so the deputy who logs in may answer it.
"""
from datetime import timedelta

from sqlalchemy import update

from portal import clock
from portal.auth.models import Role
from portal.extensions import db
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
from tests.route_matrix import EDITORS, STAFF, hand_to_next_users

DEPUTY = {Role.DEPUTY}

ROUTES = {
    "surveys.index": ("GET", "/surveys/", STAFF),
    "surveys.create": ("GET", "/surveys/new", EDITORS),
    "surveys.detail": ("GET", "/surveys/{draft_survey}", STAFF),
    "surveys.edit": ("GET", "/surveys/{draft_survey}/edit", EDITORS),
    "surveys.delete": ("POST", "/surveys/{draft_survey}/delete", EDITORS),
    "surveys.add_question": ("POST", "/surveys/{draft_survey}/questions", EDITORS,
                             {"text": "您对本院诉讼服务的评价", "kind": "scale", "scale": "five", "required": "y"}),
    "surveys.move_question": ("POST", "/surveys/{draft_survey}/questions/{draft_question}/move", EDITORS,
                              {"step": "down"}),
    "surveys.delete_question": ("POST", "/surveys/{draft_survey}/questions/{draft_question}/delete", EDITORS),
    "surveys.recipients": ("GET", "/surveys/{draft_survey}/recipients", EDITORS),
    "surveys.open_survey": ("POST", "/surveys/{draft_survey}/open", EDITORS),
    "surveys.remind": ("POST", "/surveys/{open_survey}/remind", EDITORS),
    "surveys.close": ("POST", "/surveys/{open_survey}/close", EDITORS),
    "surveys.paper": ("GET", "/surveys/{open_survey}/paper", EDITORS),
    "surveys.results": ("GET", "/surveys/{open_survey}/results", STAFF),
    "surveys.results_docx": ("GET", "/surveys/{open_survey}/results.docx", STAFF),
    "surveys.answer_item": ("POST", "/surveys/{open_survey}/answers/{survey_answer}/item", EDITORS),
    "surveys.mine": ("GET", "/surveys/mine", DEPUTY),
    "surveys.answer": ("GET", "/surveys/mine/{open_survey}", DEPUTY),
}


def _hand_over(survey_id: int, owner_id: int) -> None:
    def hand_over(connection, user):
        if user.role != Role.DEPUTY or user.deputy_id is None:
            return
        connection.execute(update(SurveyRecipient)
                           .where(SurveyRecipient.survey_id == survey_id, SurveyRecipient.deputy_id == owner_id)
                           .values(deputy_id=user.deputy_id))

    hand_to_next_users("surveys", hand_over)


def records(court, make_user, make_deputy, make_department) -> dict:
    """A draft with two questions; an open survey sent to two deputies, one of whom answered in words."""
    owner, other = make_deputy(name="测评代表"), make_deputy(name="另一测评代表")
    deadline = clock.today() + timedelta(days=10)
    draft = Survey(court_id=court.id, title="民意测评草稿", kind=SurveyKind.RATING, deadline=deadline,
                   recipient_filters={})
    draft.questions = [SurveyQuestion(position=1, kind=QuestionKind.SCALE, text="总体评价",
                                      options=["满意", "基本满意", "不满意"]),
                       SurveyQuestion(position=2, kind=QuestionKind.TEXT, text="意见建议", options=[],
                                      required=False)]
    survey = Survey(court_id=court.id, title="征求意见函", kind=SurveyKind.SOLICIT, deadline=deadline,
                    state=SurveyState.OPEN, recipient_filters={}, opened_at=clock.now())
    survey.questions = [SurveyQuestion(position=1, kind=QuestionKind.SINGLE, text="通报方式",
                                       options=["书面", "座谈"]),
                        SurveyQuestion(position=2, kind=QuestionKind.TEXT, text="意见", options=[], required=False)]
    db.session.add_all([draft, survey])
    db.session.flush()
    db.session.add_all([SurveyRecipient(survey_id=survey.id, deputy_id=d.id) for d in (owner, other)])
    response = SurveyResponse(survey_id=survey.id, deputy_id=other.id)
    response.answers = [SurveyAnswer(question_id=survey.questions[0].id, option=1),
                        SurveyAnswer(question_id=survey.questions[1].id, text="建议多开座谈会")]
    db.session.add(response)
    db.session.commit()
    _hand_over(survey.id, owner.id)
    return {"draft_survey": draft.id, "draft_question": draft.questions[0].id, "open_survey": survey.id,
            "survey_answer": response.answers[1].id}
