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

ENTITY_LABELS = {"court": "法院", "department": "部门", "user": "用户", "deputy": "代表委员", "attachment": "附件",
                 "item": "交办督办件", "item_event": "办理记录", "item_contact": "过问留痕"}
FIELD_LABELS = {
    "name": "名称/姓名", "code": "代码", "level": "层级", "parent_id": "上级法院", "court_id": "所属法院",
    "active": "启用", "username": "用户名", "display_name": "姓名", "role": "角色", "department_id": "部门",
    "deputy_id": "关联代表委员", "phone": "电话", "gender": "性别", "kind": "类别", "term": "届次",
    "group_name": "代表组/界别", "constituency": "选区", "work_unit": "工作单位", "post": "职务", "mobile": "手机号码",
    "email": "电子邮箱", "address": "通讯地址", "court_roles": "在本院担任", "paired_leader_id": "结对院领导",
    "status": "状态", "left_on": "离任日期", "note": "备注",
}
