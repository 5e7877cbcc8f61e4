"""Forms of the duty-report area. Content rules (lengths, completeness on submit) live in ``services``."""

from wtforms import (
    DateField,
    IntegerField,
    MultipleFileField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from portal import clock
from portal.duty.models import SECTIONS, RectificationStatus
from portal.forms import Form
from portal.register.models import DeputyLevel
from portal.versioning import VersionField

VOTES = [NumberRange(min=0, max=100000, message="请填写 0 或正整数。")]


class ReportForm(Form):
    """The five sections of a report; attachments are added and removed with an explicit save."""

    congress = TextAreaField(SECTIONS[0][1])
    between_sessions = TextAreaField(SECTIONS[1][1])
    voters = TextAreaField(SECTIONS[2][1])
    law = TextAreaField(SECTIONS[3][1])
    deeds = TextAreaField(SECTIONS[4][1])
    files = MultipleFileField("附件（可选，PDF、图片、Word、Excel）")

    def sections(self):
        return [self[key] for key, _, _ in SECTIONS]

    def values(self) -> dict[str, str]:
        return {key: self[key].data or "" for key, _, _ in SECTIONS}


class ReviewForm(Form):
    action = SelectField("审查结果", choices=[("return", "退回修改"), ("accept", "审查通过"), ("file", "备案")])
    comment = TextAreaField("审查意见", validators=[Length(max=2000, message="审查意见不能超过 2000 字。")],
                            render_kw={"rows": 3})


def _year(form, field) -> None:
    if field.data is not None and not 1949 <= field.data <= 2100:
        raise ValidationError("请填写四位数的年份，如 2021。")


class TermForm(Form):
    level = SelectField("层级", choices=DeputyLevel.choices(), default=DeputyLevel.COUNTY.value)
    name = StringField("届次", validators=[DataRequired("请填写届次，如：第十八届。"),
                                         Length(max=20, message="届次不能超过 20 个字。")],
                       render_kw={"placeholder": "如：第十八届"})
    start_year = IntegerField("起始年份", validators=[DataRequired("请填写起始年份（当选的年份）。"), _year])
    end_year = IntegerField("届满年份", validators=[DataRequired("请填写届满年份。"), _year])

    def validate_end_year(self, field) -> None:
        if self.start_year.data and field.data and field.data <= self.start_year.data:
            raise ValidationError("届满年份应晚于起始年份。")


class SessionForm(Form):
    version = VersionField()  # the record's version when the edit form was opened
    group = SelectField("代表组", choices=[], validate_choice=False)
    held_on = DateField("述职会日期", validators=[DataRequired("请填写述职会日期（如 2025-06-18）。")])
    place = StringField("地点", validators=[DataRequired("请填写地点。"), Length(max=100, message="地点不能超过 100 个字。")])
    organiser = StringField("组织单位", validators=[Length(max=100, message="组织单位不能超过 100 个字。")],
                            render_kw={"placeholder": "如：城东街道人大工委"})
    voters_present = IntegerField("参会选民（人）", validators=[Optional(), *VOTES])
    note = TextAreaField("备注", validators=[Length(max=2000)], render_kw={"rows": 2})

    def validate_held_on(self, field) -> None:
        if field.data and not 2000 <= field.data.year <= clock.local_now().year + 1:
            raise ValidationError("日期的年份不对，请检查。")


class HoldForm(Form):
    voters_present = IntegerField("参会选民（人）", validators=[
        DataRequired("请填写参会选民人数。"), NumberRange(min=1, max=100000, message="参会选民人数应为正整数。")])


class EvaluationForm(Form):
    satisfied = IntegerField("满意", default=0, validators=[Optional(), *VOTES])
    basically = IntegerField("基本满意", default=0, validators=[Optional(), *VOTES])
    unsatisfied = IntegerField("不满意", default=0, validators=[Optional(), *VOTES])
    comments = TextAreaField("选民评议意见", validators=[Length(max=5000, message="评议意见不能超过 5000 字。")])


class RectificationForm(Form):
    content = TextAreaField("整改事项", validators=[DataRequired("请填写整改事项。"),
                                                 Length(max=2000, message="整改事项不能超过 2000 字。")])
    owner = StringField("责任人", validators=[DataRequired("请填写责任人。"), Length(max=60)])
    deadline = DateField("整改期限", validators=[Optional()])


class OutcomeForm(Form):
    status = SelectField("整改结果", choices=[(s.value, s.label) for s in RectificationStatus
                                          if s != RectificationStatus.PENDING])
    outcome = TextAreaField("结果说明", validators=[DataRequired("请写明整改结果。"),
                                                 Length(max=2000, message="结果说明不能超过 2000 字。")])
