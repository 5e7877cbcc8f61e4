"""The audit trail: every insert, update and delete of an audited model, with each changed field.

Models opt in with ``__audited__ = True`` and may hide fields with ``__audit_exclude__``. Rows are written in
the same flush as the change, so a change and its audit record commit or roll back together.

Each audited model names itself and its fields for people: ``__audit_label__`` (the record type) and
``__audit_labels__`` (field -> label; ``"field.key"`` labels the keys of a JSON field). ``shown()`` turns stored
entries into what the audit page and the edit conflict message show: display names, the court's local time,
referenced records by name, labels of the entry's own record type.
"""
import contextvars
import enum
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cache

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import JSON, ForeignKey, Integer, String, event, insert, inspect, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from portal import clock, events
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


ACTION_LABELS = {"create": "新增", "update": "修改", "delete": "删除", "event": "事件"}


def _plain(value):
    """A JSON-safe rendering of a column value."""
    if isinstance(value, enum.Enum):
        return getattr(value, "label", value.value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _version_key(obj) -> str | None:
    column = inspect(obj).mapper.version_id_col
    return column.key if column is not None else None


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
        elif key == _version_key(obj):
            # SQLAlchemy sets the new version during the flush without history; a save is one step up.
            if action == "update":
                changes[key] = [obj.version - 1, obj.version]
        elif history.has_changes():
            before = history.deleted[0] if history.deleted else None
            after = history.added[0] if history.added else None
            if before != after:
                changes[key] = [_plain(before), _plain(after)]
    return changes


_SYSTEM = contextvars.ContextVar("audit_system", default=False)


@contextmanager
def as_system(session: Session):
    """Record the changes flushed inside as the system's (actor "system", no user), not the logged-in user's:
    for what the portal does by itself, such as the overdue escalation."""
    session.flush()
    token = _SYSTEM.set(True)
    try:
        yield
        session.flush()
    finally:
        _SYSTEM.reset(token)


def current_actor() -> tuple[int | None, str, str]:
    """(user id, name, address) of whoever makes changes now: the system, a signed-in user, or the CLI."""
    if _SYSTEM.get():
        return None, "system", ""
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
    user_id, actor, ip = current_actor()
    now = utcnow()
    for row in rows:
        row.update(at=now, user_id=user_id, actor=actor, ip=ip)
    session.connection().execute(insert(AuditLog.__table__), rows)



@events.on("*", in_transaction=True)
def _record_event(announced: events.Event) -> None:
    """Every domain event in the trail, beside the field changes it came with: 事件 · 交办承办."""
    db.session.add(AuditLog(at=announced.at, user_id=announced.user_id, actor=announced.actor, ip=announced.ip,
                            action="event",
                            entity=announced.subject_type, record_id=announced.subject_id,
                            summary=events.labels()[announced.name][:200],
                            changes={key: [None, _plain(value)] for key, value in announced.data.items()}))


# --- showing the trail --------------------------------------------------------------------------------------

SYSTEM_ACTOR = "系统"  # what an entry written without a signed-in user shows (CLI, scheduled work)
COMMON_LABELS = {"id": "记录编号", "version": "版本"}


@dataclass
class ShownChange:
    label: str
    before: str
    after: str


@dataclass
class ShownEntry:
    entry: AuditLog
    at: str  # the court's local time
    who: str
    action: str
    entity: str
    changes: list[ShownChange] = field(default_factory=list)


@cache
def audited_models() -> dict[str, type]:
    """Table name -> audited model, for every audited model of every area (all imported by create_app)."""
    return {mapper.local_table.name: mapper.class_ for mapper in db.Model.registry.mappers
            if getattr(mapper.class_, "__audited__", False)}


def entity_label(entity: str) -> str:
    model = audited_models().get(entity)
    return getattr(model, "__audit_label__", entity) if model else entity


def field_label(entity: str, key: str) -> str:
    model = audited_models().get(entity)
    labels = getattr(model, "__audit_labels__", {}) if model else {}
    return labels.get(key) or COMMON_LABELS.get(key, key)


def _column(entity: str, key: str):
    model = audited_models().get(entity)
    return model.__table__.columns.get(key) if model is not None else None


def _reference(entity: str, key: str) -> type | None:
    """The model a foreign-key field of ``entity`` points to."""
    column = _column(entity, key)
    if column is None or not column.foreign_keys:
        return None
    return audited_models().get(next(iter(column.foreign_keys)).column.table.name)


def _names(entries: list[AuditLog]) -> dict[tuple[type, int], str]:
    """Names of the records that foreign-key fields of ``entries`` refer to: one query per referenced model."""
    wanted: dict[type, set[int]] = {}
    for entry in entries:
        for key, values in (entry.changes or {}).items():
            model = _reference(entry.entity, key)
            if model is not None:
                wanted.setdefault(model, set()).update(v for v in values if isinstance(v, int))
    names = {}
    for model, ids in wanted.items():
        for record in db.session.scalars(select(model).where(model.id.in_(ids))):
            names[(model, record.id)] = getattr(record, "display_name", None) or str(record)
    return names


def _text(entity: str, key: str, value, names: dict) -> str:
    """One stored value as a person reads it; any JSON value renders."""
    if value is None or value == "":
        return "（空）"
    if value is True or value is False:
        return "是" if value else "否"
    if isinstance(value, dict):
        return "；".join(f"{field_label(entity, f'{key}.{k}')}：{_text(entity, f'{key}.{k}', v, names)}"
                        for k, v in value.items()) or "（空）"
    if isinstance(value, list):
        return "、".join(_text(entity, key, v, names) for v in value) or "（空）"
    model = _reference(entity, key)
    if model is not None and isinstance(value, int):
        return names.get((model, value), f"#{value}")
    column = _column(entity, key)
    if column is not None and isinstance(column.type, UTCDateTime) and isinstance(value, str):
        try:
            return clock.to_local(datetime.fromisoformat(value)).strftime("%Y-%m-%d %H:%M")
        except ValueError:
            return value
    return str(value)


def _who(entry: AuditLog, people: dict[int, str]) -> str:
    if entry.user_id is None:
        return SYSTEM_ACTOR
    return people.get(entry.user_id, entry.actor)


def shown(entries: list[AuditLog], *, skip: frozenset = frozenset({"version"})) -> list[ShownEntry]:
    """The entries as people read them (``skip``: fields not worth showing)."""
    from portal.auth.models import User

    user_ids = {e.user_id for e in entries if e.user_id is not None}
    people = dict(db.session.execute(select(User.id, User.display_name).where(User.id.in_(user_ids))).all()) \
        if user_ids else {}
    names = _names(entries)
    result = []
    for entry in entries:
        changes = [ShownChange(field_label(entry.entity, key), _text(entry.entity, key, values[0], names),
                               _text(entry.entity, key, values[1], names))
                   for key, values in (entry.changes or {}).items() if key not in skip]
        result.append(ShownEntry(entry=entry, at=clock.to_local(entry.at).strftime("%Y-%m-%d %H:%M"),
                                 who=_who(entry, people), action=ACTION_LABELS.get(entry.action, entry.action),
                                 entity=entity_label(entry.entity), changes=changes))
    return result


# --- reading and exporting -----------------------------------------------------------------------------------
# What leaves the portal is audited too: a page of the audit trail read, a file with personal information
# downloaded. (The audit branch's ``security()`` events supersede these at merge: the same facts, one call.)

def record_access(summary: str, *, entity: str, record_id: int | None = None, detail: dict) -> None:
    """Record what whoever acts now did that changes no audited field (``entity`` and the keys of ``detail`` are
    shown as they are, so they are Chinese): read or exported something, unlocked a
    login, ended someone's sessions. Who, when, from where, and ``detail`` (the filter, the file, the account).
    Added to the request's session, so it commits with the request."""
    user_id, actor, ip = current_actor()
    db.session.add(AuditLog(at=utcnow(), user_id=user_id, actor=actor, ip=ip, action="event", entity=entity,
                            record_id=record_id, summary=summary[:200],
                            changes={key: [None, _plain(value)] for key, value in detail.items()}))


def record_export(description: str, filters: dict | str, filename: str = "") -> None:
    """An export of personal information (``description``: 代表委员名册) with the filter it used."""
    detail = {"内容": description, "筛选条件": (filters if isinstance(filters, str) else "；".join(
        f"{key}={value}" for key, value in filters.items() if value not in (None, ""))) or "（无）"}
    if filename:
        detail["文件"] = filename
    record_access(f"导出个人信息：{description}", entity="个人信息导出", detail=detail)
