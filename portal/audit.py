"""The audit trail: every insert, update and delete of an audited model, with each changed field.

Models opt in with ``__audited__ = True`` and may hide fields with ``__audit_exclude__``. Rows are written in
the same flush as the change, so a change and its audit record commit or roll back together.

Each audited model names itself and its fields for people: ``__audit_label__`` (the record type) and
``__audit_labels__`` (field -> label; ``"field.key"`` labels the keys of a JSON field). ``shown()`` turns stored
entries into what the audit page and the edit conflict message show: display names, the court's local time,
referenced records by name, labels of the entry's own record type.

Security events (log in, failed login, lockout, log out, session end, password change or reset, two-factor
enrolment, role change, downloads of personal information) are rows of action "security" written by
``security()``, with the event type in ``event`` and whether it succeeded in ``success``.

The trail is append-only and tamper-evident (等保三级 安全审计):

- Every row carries ``hash`` = HMAC-SHA256 over the canonical JSON of the row (``canonical()``: id, time in UTC
  to the microsecond, user, actor, action, entity, record, event, summary, changes, address, success) and the
  previous row's hash (``prev_hash``). The key is ``AUDIT_KEY`` (PORTAL_AUDIT_KEY) or ``instance/audit_key``,
  never the database, so someone who can write to the database cannot forge a row. ``verify()`` (``flask
  --app portal audit verify``) names the first row whose hash or link does not hold.
- Rows are only ever appended by ``_append()``, which serializes appends (PostgreSQL: a transaction advisory
  lock; SQLite: the write lock, which it takes first) so that two transactions never chain to the same row.
- Triggers (migration 0019) refuse UPDATE and DELETE of audit rows in the database itself.
- Retention: rows are kept at least 180 days (网络安全法 第二十一条). ``purge()`` is the only way to remove
  rows, and only rows older than that. It appends a row (event "audit_purge") recording the last removed row's
  id and hash, then removes that prefix of the trail while a row in ``audit_purge`` (inserted and removed in the
  same transaction, so no other transaction ever sees it) tells the DELETE trigger a purge is running. The
  first remaining row's ``prev_hash`` must equal the hash the newest purge recorded, so removing rows at the
  start of the trail is detected as well as removing them in the middle.
"""
import contextvars
import enum
import hashlib
import hmac
import json
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from functools import cache

from flask import current_app, has_request_context, request
from flask_login import current_user
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    ForeignKey,
    Integer,
    String,
    delete,
    event,
    func,
    insert,
    inspect,
    select,
    text,
    true,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from portal import clock, events
from portal.extensions import db
from portal.models import UTCDateTime, utcnow


class AuditLog(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # SET NULL would now be refused by the append-only trigger: users with a history are deactivated, not deleted.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    actor: Mapped[str] = mapped_column(String(60))  # username at the time, or "cli"
    action: Mapped[str] = mapped_column(String(10))  # create / update / delete
    entity: Mapped[str] = mapped_column(String(40), index=True)
    record_id: Mapped[int | None] = mapped_column(Integer, index=True)
    summary: Mapped[str] = mapped_column(String(200), default="")
    changes: Mapped[dict] = mapped_column(JSON, default=dict)
    ip: Mapped[str] = mapped_column(String(45), default="")
    event: Mapped[str] = mapped_column(String(40), default="", server_default="")  # "login", "item.assigned"…
    success: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    prev_hash: Mapped[str] = mapped_column(String(64), default="", server_default="")
    hash: Mapped[str] = mapped_column(String(64), default="", server_default="")


# While it holds a row (only ever inside the purging transaction), the DELETE trigger lets audit rows go.
audit_purge = db.Table("audit_purge", Column("id", Integer, primary_key=True))

ACTION_LABELS = {"create": "新增", "update": "修改", "delete": "删除", "event": "事件", "security": "安全事件"}

SECURITY_EVENTS = {
    "login": "登录", "login_failed": "登录失败", "lockout": "账户锁定", "logout": "退出登录",
    "session_end": "会话超时结束", "password_change": "修改密码", "password_reset": "重置密码",
    "totp_enrol": "绑定双因素认证", "role_change": "变更角色", "export": "导出个人信息",
    "audit_export": "导出审计日志", "audit_read": "查阅审计日志", "audit_purge": "清理过期审计日志",
}
RETENTION_DAYS = 180  # 网络安全法 第二十一条: network logs kept no less than six months


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
    if any(isinstance(obj, AuditLog) for obj in session.new):
        raise TypeError("audit rows are appended by portal.audit (security(), the flush), never added to a session")


# --- the chain -------------------------------------------------------------------------------------------------

_LOCK_KEY = 0x6175646974  # "audit": the PostgreSQL advisory lock that serializes appends


def chain_key(app=None) -> bytes:
    """The HMAC key of the chain (AUDIT_KEY, set by create_app from PORTAL_AUDIT_KEY or instance/audit_key)."""
    return (app or current_app).config["AUDIT_KEY"].encode()


def _utc_text(moment: datetime) -> str:
    if moment.tzinfo is None:  # SQLite hands back naive UTC
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(row) -> bytes:
    """What a row's hash covers, as bytes that do not depend on the database: sorted-key JSON, UTF-8, no spaces,
    the time in UTC with microseconds. ``row`` is a mapping or an AuditLog."""
    get = row.get if isinstance(row, dict) else lambda name: getattr(row, name)
    payload = {"id": get("id"), "at": _utc_text(get("at")), "user_id": get("user_id"), "actor": get("actor"),
               "action": get("action"), "entity": get("entity"), "record_id": get("record_id"),
               "event": get("event") or "", "summary": get("summary") or "", "changes": get("changes") or {},
               "ip": get("ip") or "", "success": bool(get("success")), "prev_hash": get("prev_hash") or ""}
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def digest(row, secret: bytes) -> str:
    return hmac.new(secret, canonical(row), hashlib.sha256).hexdigest()


def _append(connection, rows: list[dict]) -> None:
    """Insert ``rows`` at the end of the chain: ids, links and hashes given here, one appender at a time."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
    else:
        # pysqlite opens the transaction at the first write; this no-op write takes SQLite's single write lock now,
        # before the last row is read, so no other connection can append in between.
        connection.execute(delete(audit_purge).where(text("0 = 1")))
    last = connection.execute(select(AuditLog.id, AuditLog.hash).order_by(AuditLog.id.desc()).limit(1)).first()
    last_id, prev = (last.id, last.hash) if last else (0, "")
    secret = chain_key()
    for number, row in enumerate(rows, start=last_id + 1):
        row.setdefault("event", "")
        row.setdefault("success", True)
        row["summary"] = (row.get("summary") or "")[:200]
        row["actor"] = (row.get("actor") or "")[:60]
        row["ip"] = (row.get("ip") or "")[:45]
        row["changes"] = json.loads(json.dumps(row.get("changes") or {}))  # exactly what the database gives back
        row.update(id=number, prev_hash=prev)
        row["hash"] = prev = digest(row, secret)
    connection.execute(insert(AuditLog.__table__), rows)


def security(event_type: str, *, success: bool = True, user=None, username: str | None = None, target=None,
             detail: dict | None = None, changed: dict | None = None) -> None:
    """Record a security event (``SECURITY_EVENTS``) by whoever acts now, or by ``user`` (who just logged in)
    or ``username`` (as typed at a failed login); ``target`` is the record it concerns (the user whose password
    was reset), ``detail`` plain facts, ``changed`` ``{field: [before, after]}``."""
    if event_type not in SECURITY_EVENTS:
        raise KeyError(f"{event_type}: not a security event")
    user_id, actor, ip = current_actor()
    if user is not None:
        user_id, actor = user.id, user.username
    elif username is not None:
        actor = username
    subject = target if target is not None else user
    changes = {k: [None, _plain(v)] for k, v in (detail or {}).items()}
    changes.update({k: [_plain(v[0]), _plain(v[1])] for k, v in (changed or {}).items()})
    _append(db.session.connection(), [{
        "at": utcnow(), "user_id": user_id, "actor": actor, "ip": ip, "action": "security",
        "entity": subject.__tablename__ if subject is not None else "security",
        "record_id": subject.id if subject is not None else None, "event": event_type, "success": success,
        "summary": SECURITY_EVENTS[event_type], "changes": changes}])


def in_batches(query, session: Session | None = None, size: int = 2000):
    """The audit rows of ``query`` in id order, read ``size`` at a time (keyset: no server cursor left open when
    the reader stops early)."""
    session = session or db.session
    after = 0
    while batch := session.scalars(query.where(AuditLog.id > after).order_by(AuditLog.id).limit(size)).all():
        yield from batch
        after = batch[-1].id


@dataclass
class Verdict:
    rows: int
    broken_id: int | None = None
    reason: str = ""

    @property
    def intact(self) -> bool:
        return self.broken_id is None


def verify(session: Session | None = None) -> Verdict:
    """Check every row's hash and link, in id order; the first row that fails is named."""
    session = session or db.session
    secret = chain_key()
    anchor = ""
    newest_purge = session.scalar(select(AuditLog).where(AuditLog.action == "security",
                                                            AuditLog.event == "audit_purge")
                                     .order_by(AuditLog.id.desc()).limit(1))
    if newest_purge is not None:
        anchor = (newest_purge.changes.get("last_hash") or [None, ""])[1]
    count, prev, prev_id = 0, None, None
    for row in in_batches(select(AuditLog), session):
        count += 1
        expected = anchor if prev is None else prev
        if row.prev_hash != expected:
            where = f"前一条记录 #{prev_id}" if prev_id else "清理记录所载的衔接值" if anchor else "链首"
            return Verdict(count, row.id, f"与{where}不衔接：其间的记录被删除、插入或调换")
        if not hmac.compare_digest(row.hash, digest(row, secret)):
            return Verdict(count, row.id, "内容与校验值不符：该记录被修改")
        prev, prev_id = row.hash, row.id
    return Verdict(count)


def purge(before: date) -> int:
    """Remove the rows written before the court's day ``before`` (at least RETENTION_DAYS ago), keeping the
    chain verifiable; returns how many. The caller commits."""
    if before > clock.today() - timedelta(days=RETENTION_DAYS):
        raise ValueError(f"审计日志至少保存 {RETENTION_DAYS} 天，只能清理 "
                         f"{clock.today() - timedelta(days=RETENTION_DAYS):%Y-%m-%d} 之前的记录")
    cutoff = datetime.combine(before, datetime.min.time(), clock.zone())
    last = db.session.execute(select(AuditLog.id, AuditLog.hash).where(AuditLog.at < cutoff)
                              .order_by(AuditLog.id.desc()).limit(1)).first()
    if last is None:
        return 0
    count = db.session.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.id <= last.id))
    security("audit_purge", detail={"before": before, "count": count, "last_id": last.id, "last_hash": last.hash})
    with purging(db.session.connection()) as connection:
        connection.execute(delete(AuditLog.__table__).where(AuditLog.id <= last.id))
    return count


_REFUSED = "audit_log is append-only"
TRIGGERS = {  # created by migration 0019; tests drop and recreate them to simulate tampering
    "sqlite": [
        f"CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, '{_REFUSED}'); END",
        f"CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log WHEN NOT EXISTS (SELECT 1 FROM audit_purge) "
        f"BEGIN SELECT RAISE(ABORT, '{_REFUSED}'); END",
    ],
    "postgresql": [
        f"""CREATE OR REPLACE FUNCTION audit_log_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'DELETE' AND EXISTS (SELECT 1 FROM audit_purge) THEN
                    RETURN OLD;
                END IF;
                RAISE EXCEPTION '{_REFUSED}' USING ERRCODE = 'insufficient_privilege';
            END $$""",
        "CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log "
        "FOR EACH ROW EXECUTE FUNCTION audit_log_refuse()",
        "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse()",
    ],
}
DROP_TRIGGERS = {
    "sqlite": ["DROP TRIGGER IF EXISTS audit_log_no_update", "DROP TRIGGER IF EXISTS audit_log_no_delete"],
    "postgresql": ["DROP TRIGGER IF EXISTS audit_log_no_change ON audit_log",
                   "DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log"],
}


@contextmanager
def purging(connection):
    """Let the DELETE trigger pass inside: for ``purge()``, and for tests that empty the database."""
    connection.execute(insert(audit_purge).values(id=1))
    try:
        yield connection
    finally:
        connection.execute(delete(audit_purge))


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
    _append(session.connection(), rows)


@events.on("*", in_transaction=True)
def _record_event(announced: events.Event) -> None:
    """Every domain event in the trail, beside the field changes it came with: 事件 · 交办承办."""
    _append(db.session.connection(), [{
        "at": announced.at, "user_id": announced.user_id, "actor": announced.actor, "ip": announced.ip,
        "action": "event", "event": announced.name, "entity": announced.subject_type,
        "record_id": announced.subject_id, "summary": events.labels()[announced.name],
        "changes": {name: [None, _plain(value)] for name, value in announced.data.items()}}])


# --- showing the trail --------------------------------------------------------------------------------------

SYSTEM_ACTOR = "系统"  # what an entry written without a signed-in user shows (CLI, scheduled work)
COMMON_LABELS = {"id": "记录编号", "version": "版本", "reason": "原因", "file": "文件", "content": "内容",
                 "filter": "筛选条件", "idle_minutes": "闲置分钟数", "before": "清理此日之前", "count": "条数",
                 "last_id": "最后一条编号", "last_hash": "最后一条校验值", "username": "用户名", "role": "角色"}


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
        if entry.action == "security" and entry.actor not in ("cli", "system", "anonymous"):
            return f"{entry.actor}（未登录）"  # the name typed at a failed login
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

