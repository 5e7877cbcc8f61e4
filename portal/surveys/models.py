"""Surveys, their questions, the deputies they went to, and the deputies' responses with one answer row per
chosen option (or one row with the text), so that the results are one GROUP BY.

A deputy answers a survey once (``uq_survey_response_survey_id``): a response is handed in like the paper form
it replaces and is not changed afterwards; its free-text answers may already have become tracked items, and the
counts staff have cited stay true. A second submission is refused with a message.
"""
from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models import LabeledEnum, TimestampMixin, UTCDateTime, enum_type, utcnow


class SurveyKind(LabeledEnum):
    RATING = "rating", "民意测评"
    SOLICIT = "solicit", "征求意见函"


class SurveyState(LabeledEnum):
    DRAFT = "draft", "草稿"
    OPEN = "open", "征集中"
    CLOSED = "closed", "已结束"


class QuestionKind(LabeledEnum):
    SCALE = "scale", "评价等级"
    SINGLE = "single", "单选"
    MULTIPLE = "multiple", "多选"
    TEXT = "text", "文字意见"


CHOICE_KINDS = (QuestionKind.SCALE, QuestionKind.SINGLE, QuestionKind.MULTIPLE)


class Survey(TimestampMixin, db.Model):
    __audited__ = True
    __audit_label__ = "民意测评"
    __audit_labels__ = {"court_id": "法院", "title": "标题", "kind": "类型", "intro": "说明", "deadline": "截止日期",
                        "state": "状态", "created_by_id": "创建人", "recipient_filters": "发送范围",
                        "opened_at": "发出时间", "closed_at": "结束时间", "reminded_at": "催填时间"}

    id: Mapped[int] = mapped_column(primary_key=True)
    court_id: Mapped[int] = mapped_column(ForeignKey("court.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[SurveyKind] = mapped_column(enum_type(SurveyKind, "survey_kind"))
    intro: Mapped[str] = mapped_column(Text, default="")
    deadline: Mapped[date] = mapped_column(Date)
    state: Mapped[SurveyState] = mapped_column(enum_type(SurveyState, "survey_state"), default=SurveyState.DRAFT)
    recipient_filters: Mapped[dict] = mapped_column(JSON, default=dict)  # RegisterFilters.as_args() of the draft
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the deadline reminder went out

    court: Mapped["Court"] = relationship()  # noqa: F821
    created_by: Mapped["User | None"] = relationship()  # noqa: F821
    questions: Mapped[list["SurveyQuestion"]] = relationship(
        back_populates="survey", cascade="all, delete-orphan", order_by="SurveyQuestion.position")

    def __str__(self) -> str:
        return self.title


class SurveyQuestion(db.Model):
    """One question; ``options`` are the scale's points or the choices, in order (none for free text)."""

    __audited__ = True
    __audit_label__ = "测评题目"
    __audit_labels__ = {"survey_id": "民意测评", "position": "序号", "kind": "题型", "text": "题目",
                        "options": "选项", "required": "必答"}
    __tablename__ = "survey_question"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[QuestionKind] = mapped_column(enum_type(QuestionKind, "survey_question_kind"))
    text: Mapped[str] = mapped_column(String(300))
    options: Mapped[list] = mapped_column(JSON, default=list)
    required: Mapped[bool] = mapped_column(default=True)

    survey: Mapped[Survey] = relationship(back_populates="questions")

    def __str__(self) -> str:
        return f"{self.position}. {self.text}"


class SurveyRecipient(db.Model):
    """A deputy the survey was sent to, and when."""

    __audited__ = True
    __audit_label__ = "测评发送对象"
    __audit_labels__ = {"survey_id": "民意测评", "deputy_id": "代表委员", "sent_at": "发送时间"}
    __tablename__ = "survey_recipient"

    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), primary_key=True)
    deputy_id: Mapped[int] = mapped_column(ForeignKey("deputy.id"), primary_key=True, index=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    deputy: Mapped["Deputy"] = relationship()  # noqa: F821


class SurveyResponse(db.Model):
    """A deputy's answers: submitted by them in the portal, or entered by staff from a returned paper form
    (``entered_by_id``, with ``returned_on`` the day the form came back)."""

    __audited__ = True
    __audit_label__ = "测评答卷"
    __audit_labels__ = {"survey_id": "民意测评", "deputy_id": "代表委员", "entered_by_id": "录入人",
                        "returned_on": "纸质表收回日期", "submitted_at": "提交时间"}
    __tablename__ = "survey_response"
    __table_args__ = (UniqueConstraint("survey_id", "deputy_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"))
    deputy_id: Mapped[int] = mapped_column(ForeignKey("deputy.id"), index=True)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    returned_on: Mapped[date | None] = mapped_column(Date)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    deputy: Mapped["Deputy"] = relationship()  # noqa: F821
    entered_by: Mapped["User | None"] = relationship()  # noqa: F821
    answers: Mapped[list["SurveyAnswer"]] = relationship(back_populates="response", cascade="all, delete-orphan",
                                                         order_by="SurveyAnswer.id")

    def __str__(self) -> str:
        return f"民意测评 {self.survey_id}：{self.deputy.name if self.deputy else self.deputy_id}"


class SurveyAnswer(db.Model):
    """One chosen option (its index in the question's ``options``) or the text of a free-text answer;
    ``item_id``: the tracked item a text answer became."""

    __audited__ = True
    __audit_label__ = "测评答案"
    __audit_labels__ = {"response_id": "答卷", "question_id": "题目", "option": "选项", "text": "意见",
                        "item_id": "跟踪事项"}
    __tablename__ = "survey_answer"

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("survey_response.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("survey_question.id", ondelete="CASCADE"), index=True)
    option: Mapped[int | None] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text, default="")
    item_id: Mapped[int | None] = mapped_column(ForeignKey("item.id"), index=True)

    response: Mapped[SurveyResponse] = relationship(back_populates="answers")
    question: Mapped[SurveyQuestion] = relationship()
    item: Mapped["Item | None"] = relationship()  # noqa: F821

    def __str__(self) -> str:
        return self.text[:200] if self.text else f"选项 {self.option}"
