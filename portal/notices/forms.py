"""The deputy's choice of channels, a batch notice's text and recipients, an issue of 《法院工作信息》 and a
deputy's comment on it."""
from wtforms import BooleanField, DateField, FileField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from portal.forms import Form, Required, longest, stripped
from portal.register.models import DeputyKind, DeputyLevel
from portal.versioning import VersionField


class PreferenceForm(Form):
    sms = BooleanField("短信")
    email = BooleanField("电子邮件")
    greetings = BooleanField("接收节日问候等非工作类消息")


class BatchForm(Form):
    subject = StringField("标题", validators=[DataRequired("请填写标题。"), Length(max=200)])
    body = TextAreaField("内容", validators=[DataRequired("请填写消息内容。"),
                                            Length(max=1000, message="消息内容不能超过 1000 个字。")])
    greeting = BooleanField("问候类消息（不发给选择不接收问候的代表委员）")
    kind = SelectField("类别", choices=[("", "全部"), *DeputyKind.choices()], default="")
    level = SelectField("级别", choices=[("", "全部"), *DeputyLevel.choices()], default="")
    term = SelectField("届次", choices=[("", "全部")], validate_choice=False, default="")
    group = SelectField("代表组或界别", choices=[("", "全部")], validate_choice=False, default="")
    q = StringField("姓名或单位", validators=[Length(max=60)])

    def set_choices(self, choices: dict) -> None:
        """The terms and groups present in the register (``register.services.filter_choices``)."""
        self.term.choices = [("", "全部"), *choices["terms"]]
        self.group.choices = [("", "全部"), *choices["groups"]]


class NewsletterForm(Form):
    title = StringField("标题", filters=[stripped], validators=[Required("请填写标题。"), longest(200)],
                        render_kw={"maxlength": 200})
    published_on = DateField("印发日期", validators=[Required("请填写印发日期。")])
    summary = TextAreaField("内容摘要", filters=[stripped], validators=[longest(2000)], render_kw={"rows": 4})
    file = FileField("文件（PDF 或 Word）", render_kw={"accept": ".pdf,.docx"})
    notify = BooleanField("同时通知代表委员")


class NewsletterEditForm(NewsletterForm):
    """Correcting an issue: no one is told again; a file chosen replaces the issue's file."""

    notify = None
    version = VersionField()


class NewsletterCommentForm(Form):
    text = TextAreaField("我的意见", filters=[stripped], validators=[Required("请填写意见内容。"), longest(1000)],
                         render_kw={"rows": 4})
