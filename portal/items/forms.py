"""Forms of tracked items, with their checks: registration (登记) and a contact about a case (过问留痕).

Registrations from other areas (a reception's follow-up, a forum opinion) call ``services.create_item`` with
values their own forms checked; the 案号 check they share is ``services.check_case_number``.
"""
from datetime import timedelta

from sqlalchemy import select
from wtforms import (
    DateField,
    DateTimeLocalField,
    MultipleFileField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Optional, ValidationError

from portal import clock, params
from portal.extensions import db
from portal.forms import Form, IdListField, Required, longest, stripped
from portal.items.contacts import CONTACT_CHANNELS
from portal.items.models import TEXT_LIMIT, ItemKind, ItemOrigin
from portal.items.services import check_case_number
from portal.register.models import Deputy
from portal.versioning import VersionField


class ItemForm(Form):
    """Registration by the liaison office; a deputy's form has only kind, title, content, case number and files
    (``staff=False``), and only the kinds they may submit (``kinds``)."""

    version = VersionField()  # the record's version when the edit form was opened

    kind = SelectField("类别", choices=[("", "请选择")] + ItemKind.choices(), validate_choice=False)
    origin = SelectField("来件方式", choices=[("", "请选择")] + ItemOrigin.choices(), validate_choice=False)
    received_on = DateField("收件日期", validators=[Optional()])
    source_body = StringField("交办机关", filters=[stripped], validators=[longest(100)],
                              render_kw={"placeholder": "如：市人大常委会办公室（交办件必填）"})
    title = StringField("标题", filters=[stripped], validators=[Required("请填写标题。"), longest(200)], render_kw={"maxlength": 200})
    content = TextAreaField("内容", filters=[stripped], validators=[Required("请填写内容。"), longest(TEXT_LIMIT)],
                            render_kw={"rows": 5})
    case_number = StringField("相关案号", filters=[stripped], validators=[longest(60)],
                              render_kw={"placeholder": "如：(2024)南0102民初1234号"})
    deputy_ids = IdListField("代表委员")
    files = MultipleFileField("附件", render_kw={"accept": ".pdf,.jpg,.jpeg,.png,.docx,.xlsx"})

    def __init__(self, *args, kinds: list[ItemKind] | None = None, staff: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds, self.staff = kinds or list(ItemKind), staff
        self.kind.choices = [("", "请选择")] + [(k.value, k.label) for k in self.kinds]
        self.deputies: list[Deputy] = []

    @property
    def chosen_kind(self) -> ItemKind | None:
        kind = ItemKind.from_label(self.kind.data or "")
        return kind if kind in self.kinds else None

    def validate_kind(self, field):
        if self.chosen_kind is None:
            raise ValidationError(f"请选择类别（{'、'.join(k.label for k in self.kinds)}）。")

    def validate_case_number(self, field):
        errors: dict[str, str] = {}
        values = {"case_number": (field.data or "").strip()}
        check_case_number(values, errors, required=self.chosen_kind == ItemKind.CONCERNED_CASE)
        if errors:
            raise ValidationError(errors["case_number"])
        field.data = values["case_number"]

    def validate(self, extra_validators=None) -> bool:
        """The fields, then what the liaison office must fill in that depends on the kind."""
        valid = super().validate(extra_validators)
        if not self.staff:
            return valid
        checks = {
            "origin": "请选择来件方式。" if ItemOrigin.from_label(self.origin.data or "") is None else None,
            "received_on": ("请填写收件日期（如 2025-03-01）。" if self.received_on.data is None
                            else "收件日期不能晚于今天。" if self.received_on.data > clock.today() else None),
            "source_body": ("交办件请填写交办机关（如 市人大常委会办公室）。"
                            if self.chosen_kind == ItemKind.REFERRAL and not self.source_body.data
                            else None),
        }
        self.deputies = list(db.session.scalars(select(Deputy).where(Deputy.id.in_(self.deputy_ids.data or []))))
        if self.chosen_kind in (ItemKind.SUGGESTION, ItemKind.PROPOSAL) and not self.deputies:
            checks["deputy_ids"] = f"{self.chosen_kind.label}请选择提出的代表委员。"
        for name, message in checks.items():
            if message and not self[name].errors:
                self[name].errors = [*self[name].errors, message]
                valid = False
        return valid

    def values(self) -> dict:
        """What ``create_item`` and ``update_item`` take, once valid."""
        return {"kind": self.chosen_kind, "origin": ItemOrigin.from_label(self.origin.data or ""),
                "received_on": self.received_on.data, "title": self.title.data,
                "content": self.content.data, "case_number": self.case_number.data,
                "source_body": self.source_body.data or "", "deputies": self.deputies}


class ContactForm(Form):
    """过问留痕: who asked about the case, when, how and what."""

    contacted_at = DateTimeLocalField("过问时间", format="%Y-%m-%dT%H:%M",
                                      validators=[Required("请填写过问时间（如 2025-03-01 14:05）。")])
    person = StringField("过问人", filters=[stripped], validators=[Required("请填写过问人。"), longest(60)])
    deputy_id = SelectField("关联代表委员", choices=[], validate_choice=False)
    channel = SelectField("方式", choices=[("", "请选择")] + [(c, c) for c in CONTACT_CHANNELS],
                          validate_choice=False)
    content = TextAreaField("过问内容（说了什么、问了什么）", validators=[Required("请填写过问内容。"),
                                                                  longest(TEXT_LIMIT)], render_kw={"rows": 3})

    def set_deputies(self, deputies) -> None:
        self.deputies = {d.id for d in deputies}
        self.deputy_id.choices = [("", "（非代表委员）")] + [(str(d.id), d.name) for d in deputies]

    def validate_contacted_at(self, field):
        if field.data is not None and clock.from_local(field.data) > clock.now() + timedelta(minutes=5):
            raise ValidationError("过问时间不能晚于现在。")

    def validate_channel(self, field):
        if field.data not in CONTACT_CHANNELS:
            raise ValidationError(f"请选择方式（{'、'.join(CONTACT_CHANNELS)}）。")

    def validate_deputy_id(self, field):
        chosen = params.parse_id(field.data or "")
        if chosen and chosen not in self.deputies:
            raise ValidationError("请选择本事项关联的代表委员。")

    def values(self) -> dict:
        return {"contacted_at": clock.from_local(self.contacted_at.data), "person": self.person.data,
                "channel": self.channel.data, "content": self.content.data,
                "deputy_id": params.parse_id(self.deputy_id.data or "")}
