"""Forms of the deputy's voter work: WTForms checks everything typed (the service checks who may save)."""
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional, StopValidation, ValidationError

from portal import clock
from portal.forms import Form, Required, longest, stripped
from portal.versioning import VersionField
from portal.voters.models import ContactKind, LetterState


def not_in_future(form, field):
    if field.data is not None and field.data > clock.today():
        raise ValidationError("日期不能晚于今天：活动开展（来信收到）后再登记。")


def voter_count(form, field):
    """One message for a count left empty or not a whole number (instead of WTForms' own beside a range's)."""
    if field.data is None:
        field.errors.clear()
        raise StopValidation("请填写参加的选民人数（整数，如 25）。")
    if not 1 <= field.data <= 100000:
        raise StopValidation("人数应在 1 至 100000 之间。")


class ContactForm(Form):
    version = VersionField()
    held_on = DateField("活动日期", validators=[Required("请填写活动日期，格式如 2025-03-01。"), not_in_future],
                        render_kw={"type": "date"})
    kind = SelectField("活动形式", choices=[("", "请选择")] + ContactKind.choices(),
                       validators=[Required("请选择活动形式（问难、问需或问计）。")])
    place = StringField("活动地点", filters=[stripped], validators=[Required("请填写活动地点。"), longest(100)],
                        render_kw={"placeholder": "如：城东街道代表联络站"})
    voters = IntegerField("参加选民人数", validators=[voter_count],
                          render_kw={"inputmode": "numeric", "min": 1})
    raised = TextAreaField("选民反映的问题和意见", filters=[stripped],
                           validators=[Required("请填写选民反映的问题和意见。"), longest(5000)], render_kw={"rows": 4})


class LetterForm(Form):
    version = VersionField()
    received_on = DateField("收信日期", validators=[Required("请填写收信日期，格式如 2025-03-01。"), not_in_future],
                            render_kw={"type": "date"})
    sender = StringField("来信人", filters=[stripped], validators=[longest(40)],
                         render_kw={"placeholder": "不填即为匿名"})
    subject = StringField("来信事由", filters=[stripped], validators=[Required("请填写来信事由。"), longest(200)])
    content = TextAreaField("来信内容", filters=[stripped], validators=[longest(5000)], render_kw={"rows": 3})
    handling = TextAreaField("办理情况", filters=[stripped], validators=[longest(2000)],
                             render_kw={"rows": 2, "placeholder": "如：已转区住建局办理；或已当面答复来信人"})
    outcome = TextAreaField("办理结果", filters=[stripped], validators=[longest(2000)], render_kw={"rows": 2})
    state = SelectField("办理状态", choices=LetterState.choices(), validators=[Required("请选择办理状态。")])
    state_on = DateField("状态日期", validators=[Optional(), not_in_future], render_kw={"type": "date"})

    def validate_state(self, field):
        if field.data == LetterState.HANDLING and not self.handling.data:
            raise ValidationError("办理中的来信请填写办理情况（转何单位办理或如何答复）。")
        if field.data == LetterState.CLOSED and not self.outcome.data:
            raise ValidationError("办结的来信请填写办理结果。")

    def validate_state_on(self, field):
        if field.data and self.received_on.data and field.data < self.received_on.data:
            raise ValidationError("状态日期不能早于收信日期。")
