"""Queries and writes for administration."""
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal import audit, clock
from portal.access import court_subtree_ids
from portal.audit import AuditLog
from portal.auth import services as accounts
from portal.auth.models import STAFF_ROLES, Court, CourtLevel, Department, Duty, LoginThrottle, Role, User
from portal.errors import Forbidden, ServiceError
from portal.extensions import db
from portal.models import like_pattern, utcnow
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
    user.username, user.display_name, user.role, user.admin_duty = username.strip(), display_name.strip(), role, duty
    user.court, user.department, user.phone, user.active = court, department, phone, active
    if ends_sessions:
        user.rotate_session_token()
    db.session.flush()
    return user, None


# --- the security administrator's work ---------------------------------------------------------------------

def _not_own(user: User, actor: User, what: str) -> None:
    if user.id == actor.id:
        raise Forbidden(f"不能为自己{what}：请使用“修改密码”或“退出”。")


def reset_password(user: User, actor: User) -> str:
    """A new password for ``user`` (shown once), ending their sessions and any login lock; not one's own."""
    _not_own(user, actor, "重置密码")
    password = accounts.reset_password(user)
    audit.record_access("重置密码", entity="user", record_id=user.id, detail={"账户": user.username})
    return password


def end_sessions(user: User, actor: User) -> None:
    """End every session of ``user`` on every server (their session token changes); not one's own."""
    _not_own(user, actor, "结束会话")
    user.rotate_session_token()
    db.session.flush()
    audit.record_access("结束全部会话", entity="user", record_id=user.id, detail={"账户": user.username})


def locked_logins() -> list[LoginThrottle]:
    """The user names locked now after too many failed logins (whether or not such an account exists)."""
    return list(db.session.scalars(select(LoginThrottle).where(LoginThrottle.locked_until > utcnow())
                                   .order_by(LoginThrottle.locked_until.desc())))


def unlock(username: str) -> bool:
    """Lift the login lock of ``username``; False when it was not locked."""
    throttle = db.session.get(LoginThrottle, username.strip().lower()[:60])
    if throttle is None or throttle.locked_until is None or throttle.locked_until <= utcnow():
        return False
    db.session.delete(throttle)
    db.session.flush()
    audit.record_access("解除登录锁定", entity="登录锁定", detail={"用户名": throttle.username})
    return True


# --- the audit administrator's work ------------------------------------------------------------------------

def record_audit_read(filters: dict) -> None:
    """Reading the trail is in the trail: whoever reads it (the audit administrator) is audited as well."""
    shown = "；".join(f"{key}={value}" for key, value in filters.items() if value not in (None, "")) or "（无）"
    audit.record_access("查阅审计日志", entity="审计日志查阅", detail={"筛选条件": shown})


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


def list_audit(*, entity: str, actor: str, action: str, record_id: int | None, day_from: date | None,
               day_to: date | None, cursor: str | None, per_page: int, total: int | None, number: int) -> Page:
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
    return paginate(query, [AuditLog.id], cursor=cursor, per_page=per_page, descending=True, total=total,
                    number=number)


def audit_entities() -> list[str]:
    return list(db.session.scalars(select(AuditLog.entity).distinct().order_by(AuditLog.entity)))
