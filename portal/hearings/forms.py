"""Forms of the hearings area: every rule of a form is a WTForms validator here (Chinese messages, what was typed
kept on errors); the services check only what depends on the records (the hearing's state, the dates of steps)."""

from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    IntegerField,
    MultipleFileField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from portal import clock, params
from portal.casenumber import EXAMPLE, parse_case_number
from portal.forms import Form
from portal.hearings.models import SCORE_FIELDS, CaseType, HearingStatus
from portal.items.models import ItemKind
from portal.versioning import VersionField

TIME_FORMAT = "%Y-%m-%dT%H:%M"


def to_utc(value):
    """A naive Beijing-time datetime typed into a form, as an aware UTC instant."""
    return clock.from_local(value) if value else None


def to_local_input(value):
    """An aware instant as the naive Beijing time a datetime-local input shows."""
    return clock.to_local(value).replace(tzinfo=None) if value else None


class HearingForm(Form):
    version = VersionField()  # the record's version when the edit form was opened
    court_id = SelectField("法院", coerce=int, validate_choice=False)
    case_number = StringField("案号", validators=[Length(max=60, message="案号不能超过 60 个字。")],
                              render_kw={"placeholder": EXAMPLE})
    cause = StringField("案由", validators=[DataRequired("请填写案由。"), Length(max=100, message="案由不能超过 100 个字。")],
                        render_kw={"placeholder": "如：民间借贷纠纷"})
    case_type = SelectField("案件类型", choices=[("", "按案号判断")] + CaseType.choices(), validate_choice=False)
    department_id = SelectField("承办部门", validate_choice=False)
    presiding_judge = StringField("审判长", validators=[DataRequired("请填写审判长。"), Length(max=40)])
    court_room = StringField("法庭", validators=[DataRequired("请填写开庭的法庭。"), Length(max=60)],
                             render_kw={"placeholder": "如：第一审判庭"})
    starts_at = DateTimeLocalField("开庭时间", format=TIME_FORMAT, validators=[InputRequired("请填写开庭时间。")])
    ends_at = DateTimeLocalField("预计结束时间", format=TIME_FORMAT, validators=[InputRequired("请填写预计结束时间。")])
    invite_reason = TextAreaField("邀请旁听的事由", validators=[Length(max=2000)], render_kw={"rows": 2,
                                  "placeholder": "如：涉及群众切身利益、社会关注度高、代表委员关注的案件"})
    public = BooleanField("公开审理", default=True)
    materials = MultipleFileField("案件材料（PDF、Word、Excel、图片，每个不超过 20 MB）")

    def __init__(self, *args, courts=(), departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.court_id.choices = [(c.id, c.name) for c in courts]
        self.department_id.choices = [("", "（未指定）")] + [(str(d.id), f"{d.court.name} · {d.name}"
                                                          if len(courts) > 1 else d.name) for d in departments]
        self._departments = {d.id: d for d in departments}
        self.parsed_case_number = None
        scheduled = kwargs.get("obj")
        self._scheduled = (scheduled.starts_at, scheduled.ends_at) if scheduled is not None else None

    def validate_starts_at(self, field):
        """A hearing already scheduled is not moved into the past (one that took place is marked 已开庭)."""
        new_start = to_utc(field.data)
        if new_start and self._scheduled and new_start != self._scheduled[0] and new_start < clock.now():
            raise ValidationError("开庭时间不能改到现在之前；已经开过的庭审请在庭审页面把状态改为“已开庭”。")

    def validate_court_id(self, field):
        if field.data not in {value for value, _ in field.choices}:
            raise ValidationError("请选择法院。")

    def validate_case_number(self, field):
        parsed, problem = parse_case_number(field.data)
        if problem:
            raise ValidationError(problem)
        self.parsed_case_number = parsed

    def validate_ends_at(self, field):
        if field.data and self.starts_at.data and field.data <= self.starts_at.data:
            raise ValidationError("结束时间应晚于开庭时间。")

    def validate_case_type(self, field):
        if field.data and field.data not in CaseType.__members__.values():
            raise ValidationError("请选择案件类型。")
        parsed = self.parsed_case_number
        if not field.data and (parsed is None or parsed.case_type is None) and not self.case_number.errors:
            raise ValidationError("无法从案号判断案件类型，请选择。")

    def validate_department_id(self, field):
        if field.data:
            department = self._departments.get(params.parse_id(str(field.data)))
            if department is None or department.court_id != self.court_id.data:
                raise ValidationError("承办部门应为所选法院的部门。")

    def values(self) -> dict:
        parsed = self.parsed_case_number
        case_type = CaseType(self.case_type.data) if self.case_type.data else parsed.case_type
        return {"court_id": self.court_id.data, "case_number": parsed.value, "cause": self.cause.data.strip(),
                "case_type": case_type, "department_id": int(self.department_id.data) if self.department_id.data
                else None, "presiding_judge": self.presiding_judge.data.strip(),
                "court_room": self.court_room.data.strip(), "starts_at": to_utc(self.starts_at.data),
                "ends_at": to_utc(self.ends_at.data), "invite_reason": (self.invite_reason.data or "").strip(),
                "public": bool(self.public.data)}


class StatusForm(Form):
    status = SelectField("状态", choices=HearingStatus.choices(), validate_choice=False)
    starts_at = DateTimeLocalField("新的开庭时间", format=TIME_FORMAT, validators=[Optional()])
    ends_at = DateTimeLocalField("新的结束时间", format=TIME_FORMAT, validators=[Optional()])
    change_note = TextAreaField("说明", validators=[Length(max=1000)], render_kw={"rows": 2,
                                "placeholder": "如：当事人申请延期，经合议庭准许"})

    def validate_status(self, field):
        if field.data not in HearingStatus.__members__.values():
            raise ValidationError("请选择状态。")

    def validate_starts_at(self, field):
        if self.status.data == HearingStatus.MOVED and not field.data:
            raise ValidationError("改期请填写新的开庭时间。")
        if field.data and self.status.data != HearingStatus.HELD and to_utc(field.data) < clock.now():
            raise ValidationError("新的开庭时间不能早于现在。")  # moving into the past; a held one records its time

    def validate_ends_at(self, field):
        if self.status.data == HearingStatus.MOVED and not field.data:
            raise ValidationError("改期请填写新的结束时间。")
        if field.data and self.starts_at.data and field.data <= self.starts_at.data:
            raise ValidationError("结束时间应晚于开庭时间。")

    def validate_change_note(self, field):
        if self.status.data in (HearingStatus.ADJOURNED, HearingStatus.CANCELLED) and not (field.data or "").strip():
            raise ValidationError("请说明延期或取消的原因，以便告知受邀的代表委员。")


class DrawForm(Form):
    count = IntegerField("抽选人数", default=10, validators=[
        InputRequired("请填写抽选人数。"), NumberRange(1, 50, "抽选人数应在 1 到 50 之间。")])


class AnswerForm(Form):
    answer = SelectField("答复", choices=[("accept", "接受邀请"), ("decline", "谢绝邀请")], validate_choice=False)
    decline_reason = TextAreaField("谢绝理由", validators=[Length(max=500, message="谢绝理由不能超过 500 个字。")],
                                   render_kw={"rows": 2, "placeholder": "如：当天需参加代表活动"})

    def validate_answer(self, field):
        if field.data not in ("accept", "decline"):
            raise ValidationError("请选择接受或谢绝。")

    def validate_decline_reason(self, field):
        if self.answer.data == "decline" and not (field.data or "").strip():
            raise ValidationError("谢绝邀请请填写理由。")


class ForumForm(Form):
    forum_on = DateField("座谈日期", validators=[InputRequired("请填写座谈日期。")])
    forum_place = StringField("座谈地点", validators=[Length(max=100)])
    forum_speakers = TextAreaField("法院参加人员及发言", validators=[Length(max=2000)], render_kw={
        "rows": 2, "placeholder": "如：副院长王某主持，审判长李某介绍案件审理情况"})
    forum_summary = TextAreaField("座谈纪要", validators=[Length(max=5000)], render_kw={"rows": 3})


class OpinionForm(Form):
    deputy_id = SelectField("发言的代表委员", validate_choice=False)
    opinion = TextAreaField("意见建议", validators=[DataRequired("请填写代表委员的意见。"), Length(max=5000)],
                            render_kw={"rows": 3})

    def validate_deputy_id(self, field):
        if field.data not in {value for value, _ in field.choices if value}:
            raise ValidationError("请选择出席旁听的代表委员。")


ITEM_KINDS = [(k.value, k.label) for k in (ItemKind.SUGGESTION, ItemKind.PROPOSAL, ItemKind.CONCERNED_CASE)]


class ToItemForm(Form):
    kind = SelectField("件别", choices=ITEM_KINDS, validate_choice=False)

    def validate_kind(self, field):
        if field.data not in {value for value, _ in ITEM_KINDS}:
            raise ValidationError("请选择件别。")


class MediationForm(Form):
    joined_mediation = BooleanField("参与调解")
    mediation_note = StringField("调解情况", validators=[Length(max=500)])


SCORE_CHOICES = [(str(n), f"{n} 分") for n in (5, 4, 3, 2, 1)]


def _score(label: str):
    """A score of 1–5 (the choices); the message names the line of the form."""

    def check(form, field):
        if str(field.data) not in {value for value, _ in SCORE_CHOICES}:
            raise ValidationError(f"请为“{label}”打分（1–5 分）。")

    return check


class RatingForm(Form):
    review_comment = TextAreaField("点评意见", validators=[Length(max=2000, message="点评意见不能超过 2000 个字。")],
                                   render_kw={"rows": 3})

    def scores(self) -> dict[str, int]:
        """The six scores as integers (after ``validate``)."""
        return {name: int(self[name].data) for name, _ in SCORE_FIELDS}


for _name, _label in SCORE_FIELDS:
    setattr(RatingForm, _name, SelectField(_label, choices=SCORE_CHOICES, validate_choice=False,
                                           validators=[_score(_label)]))
