"""Forms of the reception log. They render the fields and carry the CSRF token; no WTForms validators: the values
are checked once, by the services (``validate_reception``, ``followup_from_form``), whose rules depend on the
receiving court chosen and on the register, with messages in Chinese."""
from wtforms import (
    MultipleFileField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)

from portal.forms import Form
from portal.reception.models import Channel
from portal.reception.services import FOLLOWUP_KINDS
from portal.versioning import VersionField


class ReceptionForm(Form):
    version = VersionField()  # the record's version when the edit form was opened
    received_at = StringField("接待时间", render_kw={"type": "datetime-local"})
    channel = SelectField("接待方式", choices=Channel.choices(), validate_choice=False)
    court_id = SelectField("接待法院", choices=[], validate_choice=False)
    place = StringField("接待地点")
    other_visitors = StringField("其他来访人员", render_kw={"placeholder": "未在名册中的来访人员，用顿号分隔"})
    host_ids = SelectMultipleField("接待领导/人员", choices=[], validate_choice=False)
    liaison_officer_id = SelectField("联络员", choices=[], validate_choice=False)
    subject = StringField("事由", render_kw={"placeholder": "如：反映执行难问题、了解案件进展"})
    content = TextAreaField("谈话内容", render_kw={"rows": 4})
    requests = TextAreaField("反映诉求", render_kw={"rows": 3})
    handling = TextAreaField("办理情况", render_kw={"rows": 2, "placeholder": "当场答复、转交等情况（可不填）"})
    followup_kind = SelectField("类别", choices=[(k.value, k.label) for k in FOLLOWUP_KINDS], validate_choice=False)
    followup_title = StringField("登记为跟踪事项", render_kw={"placeholder": "需要跟踪办理的，填写事项标题"})
    followup_case_number = StringField("相关案号", render_kw={"placeholder": "关注案件必填，如（2024）桂0981民初1234号"})
    attachments = MultipleFileField("附件（扫描件、照片）", render_kw={"accept": ".pdf,.jpg,.jpeg,.png,.docx,.xlsx"})

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

    def raw_values(self, deputy_ids: list[str]) -> dict:
        values = {name: self[name].data for name in self._fields if name not in ("csrf_token", "version", "attachments")}
        values["deputy_ids"] = deputy_ids
        return values


class FollowupForm(Form):
    """A follow-up raised on a reception's page, checked by ``services.followup_from_form``."""

    kind = SelectField("类别", choices=[(k.value, k.label) for k in FOLLOWUP_KINDS], validate_choice=False)
    title = StringField("标题")
    case_number = StringField("相关案号", render_kw={"placeholder": "关注案件必填"})
    content = TextAreaField("内容", render_kw={"rows": 2})

