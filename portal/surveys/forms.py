"""Forms of the surveys area. The answer sheet has one field per question, read by ``services.parse_answers``."""
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField

from portal.forms import Form, Required, longest, stripped
from portal.register.models import DeputyKind, DeputyLevel
from portal.surveys.models import QuestionKind, SurveyKind
from portal.surveys.services import SCALES


class SurveyForm(Form):
    title = StringField("标题", filters=[stripped], validators=[Required("请填写问卷标题。"), longest(200)],
                        render_kw={"placeholder": "如：2025年度人大代表对法院工作民意测评表"})
    kind = SelectField("类型", choices=SurveyKind.choices(), validators=[Required("请选择类型。")])
    deadline = DateField("截止日期", validators=[Required("请填写截止日期，格式如 2025-03-01。")])
    intro = TextAreaField("说明", filters=[stripped], validators=[longest(2000)], render_kw={"rows": 3})


class QuestionForm(Form):
    text = StringField("题目", filters=[stripped], validators=[Required("请填写题目。"), longest(300)],
                       render_kw={"placeholder": "如：您对本院审判工作的总体评价"})
    kind = SelectField("题型", choices=QuestionKind.choices(), validators=[Required("请选择题型。")])
    scale = SelectField("评价等级", choices=[*((k, label) for k, (label, _) in SCALES.items()), ("", "自定义（在选项中填写）")],
                        default="satisfaction")
    options = TextAreaField("选项（每行一个）", render_kw={"rows": 3, "placeholder": "单选、多选题的选项，每行一个"})
    required = BooleanField("必答", default=True)


class RecipientsForm(Form):
    """The register filters that choose the recipients (in-office deputies), as batch notices choose theirs."""

    kind = SelectField("类别", choices=[("", "全部"), *DeputyKind.choices()], default="")
    level = SelectField("级别", choices=[("", "全部"), *DeputyLevel.choices()], default="")
    term = SelectField("届次", choices=[("", "全部")], validate_choice=False, default="")
    group = SelectField("代表组或界别", choices=[("", "全部")], validate_choice=False, default="")
    q = StringField("姓名或单位", filters=[stripped], validators=[longest(60)])

    def set_choices(self, choices: dict) -> None:
        """The terms and groups present in the register (``register.services.filter_choices``)."""
        self.term.choices = [("", "全部"), *choices["terms"]]
        self.group.choices = [("", "全部"), *choices["groups"]]


class PaperForm(Form):
    """Whose paper form it is and the day it came back; the answers are the answer sheet's fields."""

    deputy_id = SelectField("代表委员", choices=[], validate_choice=False)
    returned_on = DateField("收回日期", validators=[Required("请填写纸质表收回的日期。")])
