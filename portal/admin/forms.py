"""Forms of administration: users, departments and courts. Every rule is a WTForms validator here (the record's
neighbours, such as a taken code, are asked of the services), so every problem is reported at once."""
from flask_login import current_user
from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from portal import params
from portal.admin import services
from portal.auth.forms import strong_password
from portal.auth.models import Court, CourtLevel, Duty, Role, User
from portal.auth.services import duty_problem, normalise_phone, phone_problem, username_taken
from portal.forms import Form


def _id(value) -> int:
    """A record id for a select field; anything else is WTForms' "not a valid choice" (a ValueError)."""
    number = params.parse_id(value if isinstance(value, int) else str(value))
    if number is None:
        raise ValueError(value)
    return number


def _id_or_none(value):
    return _id(value) if value else None


class UserForm(Form):
    """A user's account. Every problem is reported at once: a taken username along with the others."""

    username = StringField("用户名", validators=[DataRequired("请填写用户名。"), Length(max=60, message="用户名不能超过 60 个字符。"),
                                              Regexp(r"^[A-Za-z0-9_.@-]+$", message="用户名只能包含字母、数字和 _ . @ -。")])
    display_name = StringField("姓名", validators=[DataRequired("请填写姓名。"), Length(max=60)])
    role = SelectField("业务角色", choices=Role.choices(), description="管理员不做联络工作时选“无业务角色”。")
    # 三员分立: at most one duty a person; only a business role lets anyone change business records.
    admin_duty = SelectField("管理职责", choices=[("", "（无）")] + Duty.choices(), filters=[lambda v: v or None],
                             validate_choice=False)
    court_id = SelectField("所属法院", coerce=_id, choices=[])
    # The choices are the chosen court's departments; whether the posted one is of that court is checked below,
    # with a message that says so, not WTForms' "not a valid choice".
    department_id = SelectField("所属部门", coerce=_id_or_none, choices=[], validate_choice=False)
    phone = StringField("联系电话", filters=[normalise_phone], validators=[Length(max=20)],
                        render_kw={"inputmode": "tel", "autocomplete": "tel"})
    password = PasswordField("初始密码", validators=[Optional(), strong_password],
                             description="留空则自动生成随机密码并在保存后显示一次。")
    active = BooleanField("启用", default=True)

    def __init__(self, *args, user: User | None = None, **kwargs):
        super().__init__(*args, obj=user, **kwargs)
        self.user = user

    def validate_username(self, field) -> None:
        if username_taken(field.data, exclude_id=self.user.id if self.user else None):
            raise ValidationError("该用户名已被使用。")

    def validate_department_id(self, field) -> None:
        problem = services.department_problem(self.court_id.data, field.data)
        if problem:
            raise ValidationError(problem)

    def validate_phone(self, field) -> None:
        problem = phone_problem(field.data)
        if problem:
            raise ValidationError(problem)

    def validate_role(self, field) -> None:
        if self._own and field.data != self.user.role.value:
            raise ValidationError("不能修改自己的业务角色，请由另一位系统管理员修改。")

    def validate_admin_duty(self, field) -> None:
        if field.data is not None and field.data not in Duty.__members__.values():
            raise ValidationError("请选择列表中的管理职责。")
        if self._own and field.data != (self.user.admin_duty.value if self.user.admin_duty else None):
            raise ValidationError("不能修改自己的管理职责。")
        problem = duty_problem(Role(self.role.data), Duty(field.data) if field.data else None) \
            if self.role.data in Role.__members__.values() else None
        if problem:
            raise ValidationError(problem)

    def validate_active(self, field) -> None:
        if self._own and not field.data:
            raise ValidationError("不能停用自己的账户。")

    @property
    def _own(self) -> bool:
        """Whether the form edits the signed-in user's own account: nobody raises or changes their own powers."""
        return self.user is not None and self.user.id == current_user.id


class DepartmentForm(Form):
    name = StringField("部门名称", validators=[DataRequired("请填写部门名称。"), Length(max=60)])
    court_id = SelectField("所属法院", coerce=_id, choices=[])
    head_id = SelectField("庭长（部门负责人）", coerce=_id_or_none, choices=[],
                          description="关注案件办理报告由承办部门的庭长签署。")
    active = BooleanField("启用", default=True)

    def set_heads(self, heads: list[User]) -> None:
        """Offer ``heads`` (services.head_choices) as the department's head."""
        self.heads = {u.id: u for u in heads}
        self.head_id.choices = [("", "（未设置）")] + [(u.id, f"{u.court.name} · {u.display_name}（{u.role.label}）")
                                                     for u in heads]

    def validate_head_id(self, field) -> None:
        """The head must be a staff member of the department's court."""
        head = self.heads.get(field.data) if field.data else None
        if field.data and (head is None or head.court_id != self.court_id.data):
            raise ValidationError("庭长应为所属法院的在职工作人员。")


class CourtForm(Form):
    code = StringField("法院代码", validators=[DataRequired("请填写法院代码。"), Length(max=20),
                                             Regexp(r"^[A-Za-z0-9_-]+$", message="代码只能包含字母、数字、_ 和 -。")])
    name = StringField("法院名称", validators=[DataRequired("请填写法院名称。"), Length(max=100)])
    level = SelectField("层级", choices=CourtLevel.choices())
    parent_id = SelectField("上级法院", coerce=_id_or_none, choices=[])

    def __init__(self, *args, court: Court | None = None, **kwargs):
        super().__init__(*args, obj=court, **kwargs)
        self.court = court

    def validate_code(self, field) -> None:
        if services.court_code_taken(field.data, self.court):
            raise ValidationError("该法院代码已被使用。")

    def validate_parent_id(self, field) -> None:
        problem = services.court_problem(self.court, field.data)
        if problem:
            raise ValidationError(problem)


class SetupForm(CourtForm):
    """The first court's name, asked of the admin at their first login when ``init-db`` was given none."""

    name = StringField("本院名称", validators=[DataRequired("请填写本院名称。"), Length(max=100)],
                       description="如“某某市中级人民法院”，显示在每页顶部和导出的文书上。")
    parent_id = None
