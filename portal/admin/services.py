"""Queries and writes for administration."""
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal import audit, clock
from portal.access import court_subtree_ids
from portal.audit import SECURITY_EVENTS, AuditLog, in_batches, shown
from portal.auth import services as accounts
from portal.auth.models import STAFF_ROLES, Court, CourtLevel, Department, Duty, Role, User
from portal.errors import Forbidden, ServiceError
from portal.extensions import db
from portal.models import like_pattern
from portal.pagination import Page, paginate


def courts() -> list[Court]:
    return list(db.session.scalars(select(Court).order_by(Court.parent_id.is_not(None), Court.code)))


def departments(court_id: int | None = None) -> list[Department]:
    query = select(Department).join(Department.court).order_by(Court.code, Department.name)
    if court_id:
        query = query.where(Department.court_id == court_id)
    return list(db.session.scalars(query))


def user_departments(court_id: int | None, user: User | None = None) -> list[Department]:
    """The departments a user of court ``court_id`` can be put in: the court's active ones, and the user's own."""
    if not court_id:
        return []
    query = select(Department).where(Department.court_id == court_id)
    if user is not None and user.department_id:
        query = query.where(Department.active.is_(True) | (Department.id == user.department_id))
    else:
        query = query.where(Department.active.is_(True))
    return list(db.session.scalars(query.order_by(Department.name)))


def department_problem(court_id: int | None, department_id: int | None) -> str | None:
    """Why department ``department_id`` cannot be the department of a user of court ``court_id``, or None."""
    if not department_id:
        return None
    department = db.session.get(Department, department_id)
    if department is None:
        return "所选部门不存在，请重新选择。"
    return accounts.department_problem(court_id, department)


def save_user(user: User | None, *, actor: User, username: str, display_name: str, role: str,
              admin_duty: str | None, court_id: int, department_id: int | None, phone: str, active: bool,
              password: str | None = None) -> tuple[User, str | None]:
    """Create ``user`` (None) or update it from the user form; returns it and the password generated, if any.

    A department of another court, or a role with a duty it cannot hold, is refused (ServiceError; the user form
    checks first). ``actor`` (the system administrator) changes neither their own role nor their own duty, nor
    disables their own account (Forbidden): nobody raises their own powers. A password is set only on a new
    account: resetting one is the security administrator's. Disabling the account ends the user's sessions.
    Changes of role and duty are in the audit trail (the user's ``role`` and ``admin_duty`` fields).
    """
    court = db.session.get(Court, court_id)
    department = db.session.get(Department, department_id) if department_id else None
    role, duty = Role(role), Duty(admin_duty) if admin_duty else None
    if user is None:
        generated = None if password else accounts.generate_password()
        user = accounts.create_user(username=username, display_name=display_name, role=role, court=court,
                                    password=password or generated, phone=phone, department=department,
                                    admin_duty=duty)
        user.active = active
        return user, generated
    if user.id == actor.id and (role != user.role or duty != user.admin_duty or not active):
        raise Forbidden("不能修改自己的业务角色或管理职责，也不能停用自己的账户。")
    problem = accounts.department_problem(court.id, department) or accounts.duty_problem(role, duty)
    if problem:
        raise ServiceError(problem, {"department_id" if "部门" in problem else "role": problem})
    ends_sessions = user.active and not active
    before = user.roles_label
    user.username, user.display_name, user.role, user.admin_duty = username.strip(), display_name.strip(), role, duty
    user.court, user.department, user.phone, user.active = court, department, phone, active
    if user.roles_label != before:
        audit.security("role_change", target=user, changed={"role": [before, user.roles_label]})
    if ends_sessions:
        accounts.end_sessions(user)
    db.session.flush()
    return user, None


# --- the security administrator's and the audit administrator's work -------------------------------------

def reset_password(user: User, actor: User) -> str:
    """A new password for ``user`` (shown once, changed at their next login), ending their sessions and any login
    lock; not one's own (修改密码 is for that). Recorded in the audit trail."""
    if user.id == actor.id:
        raise Forbidden("不能为自己重置密码：请使用“修改密码”。")
    return accounts.reset_password(user)


def record_audit_read(filters: dict) -> None:
    """Reading the trail is in the trail: whoever reads it (the audit administrator) is recorded too."""
    shown_filters = "；".join(f"{key}={value}" for key, value in filters.items() if value not in (None, ""))
    audit.security("audit_read", detail={"filter": shown_filters or "（无）"})


def unnamed_court() -> Court | None:
    """The top court while it waits for a name (``init-db`` was given none), else None."""
    court = db.session.scalar(select(Court).where(Court.parent_id.is_(None)).order_by(Court.id))
    return court if court is not None and not court.named else None


def court_code_taken(code: str, court: Court | None) -> bool:
    other = db.session.scalar(select(Court).where(Court.code == code))
    return other is not None and other is not court


def name_court(court: Court, *, name: str, code: str, level: str) -> None:
    court.name, court.code, court.level = name.strip(), code.strip(), CourtLevel(level)
    db.session.flush()


def head_choices() -> list[User]:
    """Who may head a department (庭长): the active staff, by court."""
    return list(db.session.scalars(select(User).options(selectinload(User.court))
                                   .where(User.active.is_(True), User.role.in_(STAFF_ROLES))
                                   .order_by(User.court_id, User.display_name)))


def list_departments(*, cursor: str | None, per_page: int, total: int | None, number: int) -> Page:
    query = select(Department).options(selectinload(Department.court))
    return paginate(query, [Department.court_id, Department.name, Department.id], cursor=cursor,
                    per_page=per_page, total=total, number=number)


def list_courts(*, cursor: str | None, per_page: int, total: int | None, number: int) -> Page:
    query = select(Court).options(selectinload(Court.parent))
    return paginate(query, [Court.code, Court.id], cursor=cursor, per_page=per_page, total=total, number=number)


def list_users(*, q: str, role: str, court_id: int | None, cursor: str | None, per_page: int,
               total: int | None, number: int) -> Page:
    query = select(User).options(selectinload(User.court), selectinload(User.department))
    if q:
        pattern = like_pattern(q)
        query = query.where(User.username.ilike(pattern, escape="\\") | User.display_name.ilike(pattern, escape="\\"))
    if role in Role.__members__.values():
        query = query.where(User.role == Role(role))
    elif role in Duty.__members__.values():
        query = query.where(User.admin_duty == Duty(role))
    if court_id:
        query = query.where(User.court_id == court_id)
    return paginate(query, [User.username, User.id], cursor=cursor, per_page=per_page, total=total,
                    number=number)


def court_problem(court: Court | None, parent_id: int | None) -> str | None:
    """Why ``parent_id`` cannot be the court's parent: a court cannot sit below itself or one of its own
    subordinate courts. None when it can."""
    if parent_id is None or court is None:
        return None
    if parent_id in court_subtree_ids(court.id):
        return "上级法院不能是本院或本院的下级法院。"
    return None


def _audit_query(*, entity: str, actor: str, action: str, record_id: int | None, day_from: date | None,
                 day_to: date | None):
    query = select(AuditLog)
    if entity:
        query = query.where(AuditLog.entity == entity)
    if actor:
        query = query.where(AuditLog.actor == actor)
    if action:
        query = query.where(AuditLog.action == action)
    if record_id:
        query = query.where(AuditLog.record_id == record_id)
    if day_from:
        query = query.where(AuditLog.at >= datetime.combine(day_from, time(), clock.zone()))
    if day_to:
        query = query.where(AuditLog.at < datetime.combine(day_to + timedelta(days=1), time(), clock.zone()))
    return query


def list_audit(*, cursor: str | None, per_page: int, total: int | None, number: int, **filters) -> Page:
    return paginate(_audit_query(**filters), [AuditLog.id], cursor=cursor, per_page=per_page, descending=True,
                    total=total, number=number)


def audit_rows(**filters):
    """Every entry matching the filters, oldest first, read in batches."""
    return in_batches(_audit_query(**filters))


AUDIT_COLUMNS = ["编号", "时间", "操作人", "用户编号", "操作", "事件", "结果", "对象", "记录编号", "摘要", "内容",
                 "来源地址", "校验值"]


def _csv_cell(value) -> str:
    """A cell Excel will not run: text that starts like a formula gets a leading apostrophe."""
    value = "" if value is None else str(value)
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def audit_csv(entries) -> bytes:
    """The entries as CSV, with the court's local time and the same labels as the audit page."""
    import csv
    import io
    import json

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(AUDIT_COLUMNS)
    batch = []

    def flush():
        for entry_shown in shown(batch):
            entry = entry_shown.entry
            writer.writerow([_csv_cell(v) for v in (
                entry.id, clock.to_local(entry.at).strftime("%Y-%m-%d %H:%M:%S"), entry.actor, entry.user_id,
                entry_shown.action, SECURITY_EVENTS.get(entry.event, entry.event), "成功" if entry.success else "失败",
                entry_shown.entity, entry.record_id, entry.summary,
                json.dumps(entry.changes, ensure_ascii=False) if entry.changes else "", entry.ip, entry.hash)])
        batch.clear()

    for entry in entries:
        batch.append(entry)
        if len(batch) == 1000:
            flush()
    flush()
    return ("\ufeff" + buffer.getvalue()).encode()


def audit_entities() -> list[str]:
    return list(db.session.scalars(select(AuditLog.entity).distinct().order_by(AuditLog.entity)))
