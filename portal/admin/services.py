"""Queries and writes for administration."""
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal import clock
from portal.audit import AuditLog
from portal.auth.models import Court, Department, Role, User
from portal.extensions import db
from portal.pagination import Page, paginate


def courts() -> list[Court]:
    return list(db.session.scalars(select(Court).order_by(Court.parent_id.is_not(None), Court.code)))


def departments(court_id: int | None = None) -> list[Department]:
    query = select(Department).join(Department.court).order_by(Court.code, Department.name)
    if court_id:
        query = query.where(Department.court_id == court_id)
    return list(db.session.scalars(query))


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
        pattern = f"%{q}%"
        query = query.where(User.username.ilike(pattern) | User.display_name.ilike(pattern))
    if role in Role.__members__.values():
        query = query.where(User.role == Role(role))
    if court_id:
        query = query.where(User.court_id == court_id)
    return paginate(query, [User.username, User.id], cursor=cursor, per_page=per_page, total=total,
                    number=number)


def court_problem(court: Court | None, parent_id: int | None) -> str | None:
    """A court cannot sit below itself or below one of its own subordinate courts."""
    if parent_id is None or court is None:
        return None
    from portal.access import court_subtree_ids

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
