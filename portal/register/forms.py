"""Forms of the register. No WTForms validators: the values are checked once, by ``services.validate_deputy`` and
``services.validate_mandate``, the same rules that check every row of an Excel import."""
from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.widgets import CheckboxInput, ListWidget

from portal.forms import Form
from portal.register.models import COURT_ROLES, DeputyKind, DeputyLevel, Gender
from portal.versioning import VersionField


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class MandateFields:
    """Field names match ``services.MANDATE_FIELDS``."""

    kind = SelectField("类别", choices=[("", "请选择")] + DeputyKind.choices(), validate_choice=False)
    level = SelectField("层级", choices=[("", "请选择")] + DeputyLevel.choices(), validate_choice=False)
    term = StringField("届次", render_kw={"placeholder": "如：第十四届"})
    group_name = StringField("代表组/界别")
    constituency = StringField("选区")


class FormValues:
    def raw_values(self) -> dict:
        return {name: self[name].data for name in self._fields if name not in ("csrf_token", "version")}


class MandateForm(FormValues, MandateFields, Form):
    """One mandate of a person; validation happens in ``services.validate_mandate``."""


class PersonForm(FormValues, Form):
    """Field names match ``services.PERSON_FIELDS``; validation happens in ``services.validate_deputy``."""

    version = VersionField()  # the record's version when the edit form was opened

    name = StringField("姓名")
    gender = SelectField("性别", choices=[("", "请选择")] + Gender.choices(), validate_choice=False)
    work_unit = StringField("工作单位")
    post = StringField("职务")
    mobile = StringField("手机号码", render_kw={"inputmode": "numeric", "maxlength": 20})
    email = StringField("电子邮箱")
    address = StringField("通讯地址")
    court_roles = CheckboxesField("在本院担任", choices=[(r, r) for r in COURT_ROLES], validate_choice=False)
    note = TextAreaField("备注", render_kw={"rows": 2})


class DeputyForm(MandateFields, PersonForm):
    """A new person with their first mandate."""
