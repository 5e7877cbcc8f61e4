"""Forms of logging in, the second factor and changing one's password; every rule is a WTForms validator."""
from flask_login import current_user
from wtforms import BooleanField, IntegerField, PasswordField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, NumberRange, ValidationError

from portal.auth.models import Duty, Role
from portal.auth.services import password_problem
from portal.forms import Form


class LoginForm(Form):
    username = StringField("用户名", validators=[DataRequired("请输入用户名。"), Length(max=60)])
    password = PasswordField("密码", validators=[DataRequired("请输入密码。"), Length(max=200)])


def strong_password(form, field) -> None:
    """The security policy's rules; a form with ``password_owner`` also refuses that user's recent passwords."""
    problem = password_problem(field.data or "", getattr(form, "password_owner", None))
    if problem:
        raise ValidationError(problem)


class PasswordForm(Form):
    current = PasswordField("当前密码", validators=[DataRequired("请输入当前密码。")])
    new = PasswordField("新密码", validators=[DataRequired("请输入新密码。"), Length(max=200), strong_password])
    confirm = PasswordField("确认新密码", validators=[DataRequired("请再次输入新密码。"),
                                                 EqualTo("new", "两次输入的新密码不一致。")])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.password_owner = current_user._get_current_object()

    def validate_current(self, field) -> None:
        if not current_user.check_password(field.data):
            raise ValidationError("当前密码不正确。")


class CodeForm(Form):
    code = StringField("验证码", validators=[DataRequired("请输入验证码。"), Length(max=20)],
                       render_kw={"inputmode": "numeric", "autocomplete": "one-time-code"})


class PolicyForm(Form):
    """The security administrator's policy."""

    min_length = IntegerField("密码最短长度", validators=[InputRequired("请填写密码最短长度。"),
                                                     NumberRange(8, 64, "密码最短长度应在 8 到 64 位之间。")])
    min_classes = IntegerField("至少包含的字符类别数", description="小写字母、大写字母、数字、符号四类中须包含的类数。",
                               validators=[InputRequired("请填写字符类别数。"), NumberRange(1, 4, "字符类别数应为 1 到 4。")])
    history_count = IntegerField("不得重复最近几次的密码", description="0 表示不检查。",
                                 validators=[InputRequired("请填写次数。"), NumberRange(0, 24, "次数应在 0 到 24 之间。")])
    max_age_days = IntegerField("密码最长使用天数", description="超过后登录时须修改密码；0 表示不限。",
                                validators=[InputRequired("请填写天数。"), NumberRange(0, 3650, "天数应在 0 到 3650 之间。")])
    check_common = BooleanField("禁止使用常见弱密码（如 123456、woaini1314）")
    twofactor_roles = SelectMultipleField("须使用双因素认证登录的角色", choices=Role.choices()[1:] + Duty.choices(),
                                          description="这些角色的用户输入密码后还须输入手机认证应用中的验证码；未绑定的将在登录时被引导绑定。")
