"""Who may reach what: role checks for routes and court scopes for records."""
from collections.abc import Callable
from functools import wraps

from flask import abort
from flask_login import current_user, login_required
from sqlalchemy import select

from portal.auth.models import STAFF_ROLES, Court, CourtLevel, Role
from portal.extensions import db


def require_role(*roles: Role) -> Callable:
    """Let only logged-in users with one of ``roles`` through; others get 403."""

    def decorator(view: Callable) -> Callable:
        @login_required
        @wraps(view)
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        wrapped.allowed_roles = roles  # read by the role-matrix test and the navigation
        return wrapped

    return decorator


require_staff = require_role(*STAFF_ROLES)


def visible_court_ids(user) -> list[int]:
    """The courts whose records ``user`` sees.

    Everyone sees their own court; the admin sees all; the intermediate court's leaders and liaison staff
    also see the courts below it (basic courts and their tribunals).
    """
    if user.role == Role.ADMIN:
        return list(db.session.scalars(select(Court.id)))
    court = db.session.get(Court, user.court_id)
    if user.role in (Role.LEADER, Role.LIAISON) and court.level == CourtLevel.INTERMEDIATE:
        return court_subtree_ids(court.id)
    return [court.id]


def court_subtree_ids(court_id: int) -> list[int]:
    """``court_id`` and every court below it, by a recursive query."""
    tree = select(Court.id).where(Court.id == court_id).cte(recursive=True)
    tree = tree.union_all(select(Court.id).where(Court.parent_id == tree.c.id))
    return list(db.session.scalars(select(tree.c.id)))
