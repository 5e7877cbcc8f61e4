"""Forms of logging in and changing one's password; every rule is a WTForms validator."""
from flask_login import current_user
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from portal.auth.services import password_problem
from portal.forms import Form


class LoginForm(Form):
    username = StringField("用户名", validators=[DataRequired("请输入用户名。"), Length(max=60)])
    password = PasswordField("密码", validators=[DataRequired("请输入密码。"), Length(max=200)])


def strong_password(form, field) -> None:
    problem = password_problem(field.data or "")
    if problem:
        raise ValidationError(problem)


class PasswordForm(Form):
    current = PasswordField("当前密码", validators=[DataRequired("请输入当前密码。")])
    new = PasswordField("新密码", validators=[DataRequired("请输入新密码。"), strong_password])
    confirm = PasswordField("确认新密码", validators=[DataRequired("请再次输入新密码。"),
                                                 EqualTo("new", "两次输入的新密码不一致。")])

    def validate_current(self, field) -> None:
        if not current_user.check_password(field.data):
            raise ValidationError("当前密码不正确。")
