"""The audit trail: every insert, update and delete of an audited model, with each changed field.

Models opt in with ``__audited__ = True`` and may hide fields with ``__audit_exclude__``. Rows are written in
the same flush as the change, so a change and its audit record commit or roll back together.
"""
import enum
from datetime import date, datetime
from decimal import Decimal

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import JSON, ForeignKey, Integer, String, event, insert, inspect
from sqlalchemy.orm import Mapped, Session, mapped_column

from portal.extensions import db
from portal.models import UTCDateTime, utcnow


class AuditLog(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    actor: Mapped[str] = mapped_column(String(60))  # username at the time, or "cli"
    action: Mapped[str] = mapped_column(String(10))  # create / update / delete
    entity: Mapped[str] = mapped_column(String(40), index=True)
    record_id: Mapped[int | None] = mapped_column(Integer, index=True)
    summary: Mapped[str] = mapped_column(String(200), default="")
    changes: Mapped[dict] = mapped_column(JSON, default=dict)
    ip: Mapped[str] = mapped_column(String(45), default="")


ACTION_LABELS = {"create": "新增", "update": "修改", "delete": "删除"}


def _plain(value):
    """A JSON-safe rendering of a column value."""
    if isinstance(value, enum.Enum):
        return getattr(value, "label", value.value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _audited(obj) -> bool:
    return getattr(type(obj), "__audited__", False)


def _field_changes(obj, action: str) -> dict:
    state = inspect(obj)
    excluded = getattr(type(obj), "__audit_exclude__", set()) | {"created_at", "updated_at"}
    changes = {}
    for attr in state.mapper.column_attrs:
        key = attr.key
        if key in excluded:
            continue
        history = state.attrs[key].history
        if action == "create":
            value = getattr(obj, key)
            if value not in (None, ""):
                changes[key] = [None, _plain(value)]
        elif action == "delete":
            changes[key] = [_plain(getattr(obj, key)), None]
        elif history.has_changes():
            before = history.deleted[0] if history.deleted else None
            after = history.added[0] if history.added else None
            if before != after:
                changes[key] = [_plain(before), _plain(after)]
    return changes


def _actor() -> tuple[int | None, str, str]:
    if has_request_context():
        ip = request.remote_addr or ""
        if current_user and current_user.is_authenticated:
            return current_user.id, current_user.username, ip
        return None, "anonymous", ip
    return None, "cli", ""


@event.listens_for(Session, "before_flush")
def _forbid_audit_edits(session: Session, flush_context, instances) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditLog):
            raise PermissionError("审计记录不可修改或删除")


@event.listens_for(Session, "after_flush")
def _write_audit_rows(session: Session, flush_context) -> None:
    rows = []
    for action, objects in (("create", session.new), ("update", session.dirty), ("delete", session.deleted)):
        for obj in objects:
            if not _audited(obj):
                continue
            if action == "update" and not session.is_modified(obj, include_collections=False):
                continue
            changes = _field_changes(obj, action)
            if action == "update" and not changes:
                continue
            primary_key = inspect(obj).mapper.primary_key_from_instance(obj)  # set by the INSERT just flushed
            rows.append({"action": action, "entity": obj.__tablename__, "record_id": primary_key[0],
                         "summary": str(obj)[:200], "changes": changes})
    if not rows:
        return
    user_id, actor, ip = _actor()
    now = utcnow()
    for row in rows:
        row.update(at=now, user_id=user_id, actor=actor, ip=ip)
    session.connection().execute(insert(AuditLog.__table__), rows)

# Foreign keys whose ids the audit page shows as names: field -> (model module, model name).
REFERENCES = {
    "court_id": ("portal.auth.models", "Court"), "parent_id": ("portal.auth.models", "Court"),
    "department_id": ("portal.auth.models", "Department"), "paired_leader_id": ("portal.auth.models", "User"),
    "deputy_id": ("portal.register.models", "Deputy"),
}

ENTITY_LABELS = {"court": "法院", "department": "部门", "user": "用户", "deputy": "代表委员", "deputy_mandate": "代表委员任职",
                 "attachment": "附件",
                 "item": "交办督办件", "item_event": "办理记录", "item_contact": "过问留痕"}
FIELD_LABELS = {
    "name": "名称/姓名", "code": "代码", "level": "层级", "parent_id": "上级法院", "court_id": "所属法院",
    "active": "启用", "username": "用户名", "display_name": "姓名", "role": "角色", "department_id": "部门",
    "deputy_id": "关联代表委员", "phone": "电话", "gender": "性别", "kind": "类别", "term": "届次",
    "group_name": "代表组/界别", "constituency": "选区", "work_unit": "工作单位", "post": "职务", "mobile": "手机号码",
    "email": "电子邮箱", "address": "通讯地址", "court_roles": "在本院担任", "paired_leader_id": "结对院领导",
    "status": "状态", "left_on": "离任日期", "note": "备注",
}
FIELD_LABELS.update({k: v for k, v in {"number": "登记编号", "origin": "来件方式", "origin_id": "来源记录", "source_body": "交办机关", "received_on": "收件日期", "proposal_due": "拟办期限", "title": "标题", "case_number": "相关案号", "state": "办理状态", "round": "办理轮次", "instruction": "领导批示", "instructed_by_id": "批示领导", "instructed_at": "批示时间", "leader_id": "责任领导", "handler_id": "承办人", "assigned_at": "交办时间", "deadline": "办理期限", "reply": "答复", "reply_heard_note": "代表委员对答复稿的意见", "reply_heard_at": "听取意见时间", "answered_at": "答复时间", "answered_on": "答复日期", "rating": "评价", "rating_comment": "评价意见", "rated_at": "评价时间", "closed_at": "办结时间", "escalated_at": "超期升级时间", "panel_opinion": "合议庭意见", "division_opinion": "庭长意见", "vice_president_opinion": "分管副院长意见", "division_signed_by_id": "庭长签署人", "division_signed_at": "庭长签署时间", "vice_president_signed_by_id": "分管副院长签署人", "vice_president_signed_at": "分管副院长签署时间", "item_id": "事项", "at": "时间", "action": "操作", "from_state": "原状态", "to_state": "新状态", "contacted_at": "过问时间", "person": "过问人", "recorded_by_id": "登记人"}.items() if k not in FIELD_LABELS})
REFERENCES.update({k: ("portal.auth.models", "User") for k in ("leader_id", "handler_id", "instructed_by_id", "division_signed_by_id", "vice_president_signed_by_id", "recorded_by_id") if k not in REFERENCES})
ENTITY_LABELS.update({"reception": "来访接待", "reception_deputy": "来访代表委员", "reception_host": "接待人员"})
FIELD_LABELS.update({k: v for k, v in {"received_at": "接待时间", "channel": "接待方式", "place": "接待地点", "other_visitors": "其他来访人员", "liaison_officer_id": "联络员", "subject": "事由", "content": "内容", "requests": "反映诉求", "handling": "办理情况", "reception_id": "来访接待", "user_id": "用户", "created_by_id": "登记人"}.items() if k not in FIELD_LABELS})
ENTITY_LABELS.update({"hearing": "旁听庭审", "hearing_invitation": "旁听邀请", "hearing_opinion": "座谈意见", "hearing_rating": "庭审点评"})
FIELD_LABELS.update({k: v for k, v in {"cause": "案由", "case_type": "案件类型", "presiding_judge": "审判长", "court_room": "法庭", "starts_at": "开庭时间", "ends_at": "结束时间", "invite_reason": "邀请事由", "public": "公开审理", "change_note": "变更说明", "original_starts_at": "原定开庭时间", "scheduled_by_id": "登记人", "forum_on": "座谈日期", "forum_place": "座谈地点", "forum_speakers": "法院参加人员", "forum_summary": "座谈纪要", "hearing_id": "庭审", "invite_method": "邀请方式", "draw_reason": "抽选理由", "invited_by_id": "邀请人", "invited_at": "邀请时间", "answered_by_staff": "联络员代为登记", "decline_reason": "谢绝理由", "reminded_at": "提醒时间", "reminded_by_id": "提醒人", "needs_notice": "需通知变更", "notified_at": "通知时间", "checked_in_at": "签到时间", "checked_in_by_id": "签到登记人", "joined_mediation": "参与调解", "mediation_note": "调解情况", "opinion": "意见建议", "invitation_id": "旁听邀请", "score_procedure": "庭审程序", "score_conduct": "法官言行举止", "score_control": "庭审驾驭", "score_law": "法律适用", "score_language": "庭审语言", "score_overall": "总体评价", "review_comment": "点评意见", "entered_by_id": "录入人", "entered_by_staff": "据纸质表录入", "low_score_item_id": "督办件"}.items() if k not in FIELD_LABELS})
REFERENCES.update({k: v for k, v in {"hearing_id": ("portal.hearings.models", "Hearing"), "invited_by_id": ("portal.auth.models", "User"), "scheduled_by_id": ("portal.auth.models", "User")}.items() if k not in REFERENCES})
ENTITY_LABELS.update({"duty_term": "届期", "duty_report": "述职报告", "duty_report_version": "述职报告版本", "duty_report_event": "述职报告审查记录", "duty_session": "述职会", "duty_session_deputy": "述职代表及评议", "duty_rectification": "整改事项"})
FIELD_LABELS.update({k: v for k, v in {"start_year": "起始年份", "end_year": "届满年份", "year": "年度", "kind": "类别", "state": "状态", "review_comment": "审查意见", "submitted_at": "提交时间", "reviewed_at": "审查时间", "reviewed_by_id": "审查人", "filed_at": "备案时间", "report_id": "述职报告", "number": "编号", "action": "操作", "content": "内容", "saved_by_id": "保存人", "saved_at": "保存时间", "from_state": "原状态", "to_state": "新状态", "comment": "意见", "held_on": "述职会日期", "place": "地点", "organiser": "组织单位", "voters_present": "参会选民", "session_id": "述职会", "satisfied": "满意票", "basically": "基本满意票", "unsatisfied": "不满意票", "comments": "选民评议意见", "evaluated_at": "评议录入时间", "evaluated_by_id": "评议录入人", "reporter_id": "述职代表", "owner": "责任人", "deadline": "期限", "outcome": "整改结果", "outcome_at": "结果时间", "outcome_by_id": "结果登记人"}.items() if k not in FIELD_LABELS})
REFERENCES.update({k: ("portal.auth.models", "User") for k in ("reviewed_by_id", "saved_by_id", "evaluated_by_id", "outcome_by_id") if k not in REFERENCES})
