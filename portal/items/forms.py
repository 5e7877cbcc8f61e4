"""Forms of tracked items: they only read the fields; the checks are the services' (``services.validate_item``,
``contacts.validate_contact``), which registrations from other areas go through too."""
from wtforms import (
    DateField,
    DateTimeLocalField,
    MultipleFileField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Optional

from portal.forms import Form
from portal.items.contacts import CONTACT_CHANNELS
from portal.items.models import ItemKind, ItemOrigin
from portal.versioning import VersionField


class ItemForm(Form):
    """Registration (登记) by the liaison office; deputies see only kind, title, content, case number and files."""
    version = VersionField()  # the record's version when the edit form was opened

    kind = SelectField("类别", choices=[("", "请选择")] + ItemKind.choices(), validate_choice=False)
    origin = SelectField("来件方式", choices=[("", "请选择")] + ItemOrigin.choices(), validate_choice=False)
    received_on = DateField("收件日期", validators=[Optional()])
    source_body = StringField("交办机关", render_kw={"placeholder": "如：市人大常委会办公室（交办件必填）"})
    title = StringField("标题", render_kw={"maxlength": 200})
    content = TextAreaField("内容", render_kw={"rows": 5})
    case_number = StringField("相关案号", render_kw={"placeholder": "如：(2024)南0102民初1234号"})
    files = MultipleFileField("附件", render_kw={"accept": ".pdf,.jpg,.jpeg,.png,.docx,.xlsx"})

    def raw_values(self, deputy_ids: list[str]) -> dict:
        values = {name: self[name].data for name in ("kind", "origin", "received_on", "source_body", "title",
                                                      "content", "case_number")}
        values["deputy_ids"] = deputy_ids
        return values

    def limit_kinds(self, kinds: list[ItemKind]) -> None:
        self.kind.choices = [("", "请选择")] + [(k.value, k.label) for k in kinds]


class ContactForm(Form):
    """过问留痕: who asked about the case, when, how and what."""

    contacted_at = DateTimeLocalField("过问时间", format="%Y-%m-%dT%H:%M", validators=[Optional()])
    person = StringField("过问人")
    deputy_id = SelectField("关联代表委员", choices=[], validate_choice=False)
    channel = SelectField("方式", choices=[("", "请选择")] + [(c, c) for c in CONTACT_CHANNELS],
                          validate_choice=False)
    content = TextAreaField("过问内容（说了什么、问了什么）", render_kw={"rows": 3})

    def set_deputies(self, deputies) -> None:
        self.deputy_id.choices = [("", "（非代表委员）")] + [(str(d.id), d.name) for d in deputies]
