"""Forms of the reception log, with their checks (messages in Chinese): a visit (ReceptionForm, which may raise a
follow-up too) and a follow-up raised on a visit's page (FollowupForm). Who may be recorded as receiving depends on
the receiving court chosen; a follow-up's 案号 is checked as a directly registered item's is
(``portal.items.services.check_case_number``)."""
import re
from datetime import timedelta

from flask_wtf.file import MultipleFileField
from wtforms import (
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import ValidationError

from portal import clock, params
from portal.attachments import check_files
from portal.auth.models import Role, User
from portal.forms import Form, IdListField, Required, longest, stripped
from portal.items.models import ItemKind
from portal.items.services import check_case_number
from portal.reception.models import Channel
from portal.reception.services import FOLLOWUP_KINDS, host_choices, parse_local
from portal.register.models import Deputy
from portal.register.services import deputies_by_ids
from portal.versioning import VersionField

NAME_SEPARATORS = re.compile(r"[、,，;；/\s]+")
KIND_CHOICES = [(k.value, k.label) for k in FOLLOWUP_KINDS]


def split_names(text: str) -> list[str]:
    """The names typed as other visitors, whatever separates them."""
    return [n for n in NAME_SEPARATORS.split(text or "") if n]


def _case_number(field, kind: ItemKind | None) -> None:
    """A follow-up's 案号, checked and normalised as a directly registered item's is (required for a 关注案件)."""
    values, problems = {"case_number": (field.data or "")[:60]}, {}
    check_case_number(values, problems, required=kind == ItemKind.CONCERNED_CASE)
    if problems:
        raise ValidationError(problems["case_number"])
    field.data = values["case_number"]


class ReceptionForm(Form):
    """A visit, checked against the courts the user may record for (``court_ids``)."""

    version = VersionField()  # the record's version when the edit form was opened
    received_at = StringField("接待时间", render_kw={"type": "datetime-local"})
    channel = SelectField("接待方式", choices=Channel.choices(), validate_choice=False)
    court_id = SelectField("接待法院", choices=[], validate_choice=False)
    place = StringField("接待地点", filters=[stripped], validators=[longest(100)])
    deputy_ids = IdListField("来访代表委员")  # the chips of the deputy picker
    other_visitors = StringField("其他来访人员", filters=[stripped], validators=[longest(200)],
                                 render_kw={"placeholder": "未在名册中的来访人员，用顿号分隔"})
    host_ids = SelectMultipleField("接待领导/人员", choices=[], validate_choice=False)
    liaison_officer_id = SelectField("联络员", choices=[], validate_choice=False)
    subject = StringField("事由", filters=[stripped],
                          validators=[Required("请填写事由（如：反映执行难问题）。"), longest(200)],
                          render_kw={"placeholder": "如：反映执行难问题、了解案件进展"})
    content = TextAreaField("谈话内容", filters=[stripped], validators=[longest(10000)], render_kw={"rows": 4})
    requests = TextAreaField("反映诉求", filters=[stripped], validators=[longest(10000)], render_kw={"rows": 3})
    handling = TextAreaField("办理情况", filters=[stripped], validators=[longest(5000)],
                             render_kw={"rows": 2, "placeholder": "当场答复、转交等情况（可不填）"})
    followup_kind = SelectField("类别", choices=KIND_CHOICES, validate_choice=False)
    followup_title = StringField("登记为跟踪事项", filters=[stripped], validators=[longest(200)],
                                 render_kw={"placeholder": "需要跟踪办理的，填写事项标题"})
    followup_case_number = StringField("相关案号", filters=[stripped],
                                       render_kw={"placeholder": "关注案件必填，如（2024）桂0981民初1234号"})
    attachments = MultipleFileField("附件（扫描件、照片）", render_kw={"accept": ".pdf,.jpg,.jpeg,.png,.docx,.xlsx"})

    def __init__(self, *args, court_ids: list[int] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.court_ids = list(court_ids)
        self.deputies: list[Deputy] = []
        self.hosts: list[User] = []

    def set_choices(self, courts, hosts) -> None:
        self.court_id.choices = [(str(c.id), c.name) for c in courts]
        several = len({u.court_id for u in hosts}) > 1

        def label(user) -> str:
            return f"{user.display_name}（{user.court.name}{user.role.label}）" if several else \
                f"{user.display_name}（{user.role.label}）"

        self.host_ids.choices = [(str(u.id), label(u)) for u in hosts]
        self.liaison_officer_id.choices = [("", "（无）")] + [
            (str(u.id), f"{u.display_name}（{u.court.name}）" if several else u.display_name)
            for u in hosts if u.role.value == "liaison"]

    @property
    def uploads(self) -> list:
        """The files chosen (flask_wtf's field keeps only real files: None when there are none)."""
        return [f for f in self.attachments.data or [] if f.filename]

    def validate_received_at(self, field):
        received_at = parse_local(field.data or "")
        if received_at is None:
            raise ValidationError("请填写接待时间，格式如 2025-03-01 14:30。")
        if received_at > clock.now() + timedelta(minutes=10):
            raise ValidationError("接待时间不能晚于现在。")
        if received_at.year < 2000:
            raise ValidationError("接待时间早于 2000 年，请检查。")

    def validate_channel(self, field):
        if Channel.from_label(field.data or "") is None:
            raise ValidationError(f"请选择接待方式（{'、'.join(c.label for c in Channel)}）。")

    def validate_court_id(self, field):
        if params.parse_id((field.data or "").strip()) not in self.court_ids:
            raise ValidationError("请选择接待法院。")

    def validate_attachments(self, field):
        problems = check_files(self.uploads)
        if problems:
            raise ValidationError("；".join(problems))

    def validate(self, extra_validators=None) -> bool:
        """The fields, then what depends on other fields: the visitors, the receiving court's hosts and liaison
        officer, the follow-up; files chosen on a form that has mistakes are not kept, and the form says so."""
        valid = super().validate(extra_validators)
        checks: dict[str, str] = {}

        wanted = self.deputy_ids.data or []
        self.deputies = deputies_by_ids(wanted)
        if len(self.deputies) != len(wanted):
            checks["deputy_ids"] = "有来访代表委员在名册中找不到，请重新选择。"
        elif not self.deputies and not split_names(self.other_visitors.data):
            checks["deputy_ids"] = "请至少选择一名来访代表委员（或在“其他来访人员”中填写姓名）。"

        court_id = params.parse_id((self.court_id.data or "").strip())
        allowed = {u.id: u for u in host_choices([court_id])} if court_id else {}
        host_ids = params.parse_ids(v.strip() for v in self.host_ids.data or [])
        self.hosts = [allowed[i] for i in host_ids if i in allowed]
        if len(self.hosts) != len(host_ids):
            checks["host_ids"] = "接待人员应为接待法院的院领导或联络员。"
        elif not host_ids:
            checks["host_ids"] = "请选择接待领导或接待人员。"
        officer = params.parse_id((self.liaison_officer_id.data or "").strip())
        if officer is not None and (officer not in allowed or allowed[officer].role != Role.LIAISON):
            checks["liaison_officer_id"] = "联络员应为接待法院的联络员账户。"

        if self.followup_title.data:  # a follow-up is raised only when it has a title
            kind = ItemKind.from_label(self.followup_kind.data or "")
            try:
                _case_number(self.followup_case_number, kind)
            except ValidationError as error:
                checks["followup_case_number"] = str(error)
            if kind not in FOLLOWUP_KINDS:
                checks["followup_kind"] = "请选择跟踪事项的类别。"

        for name, message in checks.items():  # these fields have no checks of their own
            self[name].errors = [message]
        valid = valid and not checks
        if not valid and not self.attachments.errors and self.uploads:
            self.attachments.errors = ["表单有误，附件未保存，请改正后重新选择附件。"]
        return valid

    def values(self) -> dict:
        """What ``create_reception`` and ``update_reception`` take, once valid."""
        text = {name: self[name].data or "" for name in ("place", "subject", "content", "requests", "handling")}
        names = split_names(self.other_visitors.data)
        title = self.followup_title.data
        return {**text, "court_id": params.parse_id(self.court_id.data.strip()),
                "received_at": parse_local(self.received_at.data), "channel": Channel.from_label(self.channel.data),
                "other_visitors": "、".join(names), "other_count": len(names),
                "liaison_officer_id": params.parse_id((self.liaison_officer_id.data or "").strip()),
                "deputies": self.deputies, "hosts": self.hosts,
                "followup": (ItemKind.from_label(self.followup_kind.data or ""), title,
                             self.followup_case_number.data or "") if title else None}


class FollowupForm(Form):
    """A follow-up raised on a reception's page."""

    kind = SelectField("类别", choices=KIND_CHOICES, validate_choice=False)
    title = StringField("标题", filters=[stripped],
                        validators=[Required("请填写标题（如：关于某案执行进度的建议）。"), longest(200)])
    case_number = StringField("相关案号", filters=[stripped], render_kw={"placeholder": "关注案件必填"})
    content = TextAreaField("内容", filters=[stripped], validators=[longest(10000)], render_kw={"rows": 2})

    @property
    def chosen_kind(self) -> ItemKind | None:
        kind = ItemKind.from_label(self.kind.data or "")
        return kind if kind in FOLLOWUP_KINDS else None

    def validate_kind(self, field):
        if self.chosen_kind is None:
            raise ValidationError("请选择类别。")

    def validate_case_number(self, field):
        _case_number(field, self.chosen_kind)

    def values(self) -> dict:
        """What ``services.add_followup`` takes after the reception, once valid."""
        return {"kind": self.chosen_kind, "title": self.title.data, "case_number": self.case_number.data or "",
                "content": self.content.data or ""}
