"""Forms of the activities area: WTForms checks what was typed; ``services.check_people`` checks who took part."""
from wtforms import DateField, MultipleFileField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from portal.activities.models import ActivityKind
from portal.forms import Form
from portal.versioning import VersionField


class ActivityForm(Form):
    version = VersionField()  # the record's version when the edit form was opened
    held_on = DateField("活动日期", validators=[InputRequired("请填写活动日期，格式如 2025-03-01。")],
                        render_kw={"type": "date"})
    kind = SelectField("活动类型", choices=ActivityKind.choices(),
                       validators=[InputRequired("请选择活动类型。")])
    court_id = SelectField("组织法院", choices=[], validate_choice=False)  # checked against the user's courts
    title = StringField("活动主题", validators=[DataRequired("请填写活动主题（如：走访企业代表听取意见）。"),
                                             Length(max=200, message="不能超过 200 个字。")],
                        render_kw={"placeholder": "如：走访辖区企业代表、开展执行工作视察"})
    place = StringField("活动地点", validators=[Length(max=100, message="不能超过 100 个字。")])
    other_participants = StringField("其他参加人员", render_kw={"placeholder": "未在名册中的参加人员，用顿号分隔"})
    staff_ids = SelectMultipleField("院方参加人员", choices=[], validate_choice=False, render_kw={"size": 6})  # checked by the service
    content = TextAreaField("活动内容", validators=[Length(max=10000, message="不能超过 10000 个字。")],
                            render_kw={"rows": 5})
    attachments = MultipleFileField("照片和附件", render_kw={"accept": ".jpg,.jpeg,.png,.pdf,.docx,.xlsx"})

    def set_choices(self, courts, staff) -> None:
        self.court_id.choices = [(str(c.id), c.name) for c in courts]
        self.staff_ids.choices = [(str(u.id), f"{u.display_name}（{u.role.label}）") for u in staff]


class OpinionForm(Form):
    deputy_id = SelectField("提出人", choices=[], validate_choice=False)  # checked by the service
    text = TextAreaField("意见建议", render_kw={"rows": 2, "placeholder": "代表委员提出的意见建议"})

    def set_choices(self, deputies) -> None:
        prompt = [] if len(deputies) == 1 else [("", "请选择")]  # the only deputy is the speaker by default
        self.deputy_id.choices = prompt + [(str(d.id), d.name) for d in deputies]
