from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from portal.auth.forms import strong_password
from portal.auth.models import CourtLevel, Role
from portal.forms import Form


class UserForm(Form):
    username = StringField("用户名", validators=[DataRequired("请填写用户名。"), Length(max=60, message="用户名不能超过 60 个字符。"),
                                              Regexp(r"^[A-Za-z0-9_.@-]+$", message="用户名只能包含字母、数字和 _ . @ -。")])
    display_name = StringField("姓名", validators=[DataRequired("请填写姓名。"), Length(max=60)])
    role = SelectField("角色", choices=Role.choices())
    court_id = SelectField("所属法院", coerce=int, choices=[])
    department_id = SelectField("所属部门", coerce=lambda v: int(v) if v else None, choices=[])
    phone = StringField("联系电话", validators=[Optional(), Length(max=20)])
    password = PasswordField("初始密码", validators=[Optional(), strong_password],
                             description="留空则自动生成随机密码并在保存后显示一次。")
    active = BooleanField("启用", default=True)


class DepartmentForm(Form):
    name = StringField("部门名称", validators=[DataRequired("请填写部门名称。"), Length(max=60)])
    court_id = SelectField("所属法院", coerce=int, choices=[])
    active = BooleanField("启用", default=True)


class CourtForm(Form):
    code = StringField("法院代码", validators=[DataRequired("请填写法院代码。"), Length(max=20),
                                             Regexp(r"^[A-Za-z0-9_-]+$", message="代码只能包含字母、数字、_ 和 -。")])
    name = StringField("法院名称", validators=[DataRequired("请填写法院名称。"), Length(max=100)])
    level = SelectField("层级", choices=CourtLevel.choices())
    parent_id = SelectField("上级法院", coerce=lambda v: int(v) if v else None, choices=[])
