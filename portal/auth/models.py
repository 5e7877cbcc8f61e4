"""Courts, departments, user accounts and login throttling."""
import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from portal.extensions import db
from portal.models import LabeledEnum, TimestampMixin, UTCDateTime, enum_type

# Werkzeug's default (scrypt). The test suite swaps in a cheap method to stay fast.
PASSWORD_HASH_METHOD = "scrypt"


class Role(LabeledEnum):
    """A user's business role: what liaison work they do. An administrator may hold none (``NONE``)."""

    NONE = "none", "无业务角色"
    LIAISON = "liaison", "联络员"
    LEADER = "leader", "院领导"
    HANDLER = "handler", "承办人"
    DEPUTY = "deputy", "代表委员"


STAFF_ROLES = (Role.LIAISON, Role.LEADER, Role.HANDLER)  # the court's staff doing the liaison work
BUSINESS_ROLES = (*STAFF_ROLES, Role.DEPUTY)


class Duty(LabeledEnum):
    """An administrator's duty (三员分立, 等保三级): each is held by a different person, and none does another's work.

    A duty comes beside the business role, not instead of it: a small court's liaison may also be its system
    administrator, and only a business role lets anyone change the liaison work's records."""

    SYSTEM = "system", "系统管理员"  # users, departments, courts, settings
    SECURITY = "security", "安全管理员"  # security policy, two-factor, unlocks, password resets, ending sessions
    AUDIT = "audit", "审计管理员"  # reads and exports the audit trail, nothing else


class CourtLevel(LabeledEnum):
    INTERMEDIATE = "intermediate", "中级人民法院"
    BASIC = "basic", "基层人民法院"
    TRIBUNAL = "tribunal", "人民法庭"


class Court(TimestampMixin, db.Model):
    __audited__ = True
    __audit_label__ = "法院"
    __audit_labels__ = {"code": "代码", "name": "名称", "level": "层级", "parent_id": "上级法院"}
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    level: Mapped[CourtLevel] = mapped_column(enum_type(CourtLevel, "court_level"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("court.id"))
    parent: Mapped["Court | None"] = relationship(remote_side="Court.id", back_populates="children")
    children: Mapped[list["Court"]] = relationship(back_populates="parent", order_by="Court.code")

    def __str__(self) -> str:
        return self.name or "（未命名法院）"

    @property
    def named(self) -> bool:
        """False for the first court while it waits for the admin to name it (``init-db`` without a name)."""
        return bool(self.name)


class Department(TimestampMixin, db.Model):
    __audited__ = True
    __audit_label__ = "部门"
    __audit_labels__ = {"court_id": "所属法院", "name": "名称", "active": "启用", "head_id": "负责人（庭长）"}
    id: Mapped[int] = mapped_column(primary_key=True)
    court_id: Mapped[int] = mapped_column(ForeignKey("court.id"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # 庭长 (or the head of an office): signs the department's concerned-case reports as 庭长
    head_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", use_alter=True, ondelete="SET NULL"))
    court: Mapped[Court] = relationship()
    head: Mapped["User | None"] = relationship(foreign_keys=[head_id])

    def __str__(self) -> str:
        return self.name


class User(UserMixin, TimestampMixin, db.Model):
    __audited__ = True
    __audit_label__ = "用户"
    __audit_labels__ = {"username": "用户名", "display_name": "姓名", "role": "业务角色", "admin_duty": "管理职责",
                        "court_id": "所属法院",
                        "department_id": "部门", "deputy_id": "关联代表委员", "phone": "电话", "active": "启用"}
    __audit_exclude__ = {"password_hash", "session_token", "last_login_at"}
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    display_name: Mapped[str] = mapped_column(String(60))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(enum_type(Role, "user_role"))
    admin_duty: Mapped[Duty | None] = mapped_column(enum_type(Duty, "admin_duty"))
    court_id: Mapped[int] = mapped_column(ForeignKey("court.id"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    deputy_id: Mapped[int | None] = mapped_column(ForeignKey("deputy.id"), unique=True)
    phone: Mapped[str] = mapped_column(String(20), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # The session cookie carries this token, not the id: rotating it ends every session of the user.
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=lambda: secrets.token_urlsafe(32))
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    court: Mapped[Court] = relationship()
    department: Mapped[Department | None] = relationship(foreign_keys=[department_id])
    deputy: Mapped["Deputy | None"] = relationship(foreign_keys=[deputy_id])  # noqa: F821

    def __str__(self) -> str:
        return self.display_name

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        return self.session_token

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method=PASSWORD_HASH_METHOD)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def rotate_session_token(self) -> None:
        self.session_token = secrets.token_urlsafe(32)

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles

    def holds(self, *grants: "Role | Duty") -> bool:
        """Whether the user's business role or administrator duty is one of ``grants``."""
        return self.role in grants or (self.admin_duty is not None and self.admin_duty in grants)

    @property
    def roles_label(self) -> str:
        """The role and the duty as lists show them: 联络员、系统管理员; 安全管理员 (a duty alone)."""
        parts = [self.role.label] if self.role != Role.NONE else []
        if self.admin_duty is not None:
            parts.append(self.admin_duty.label)
        return "、".join(parts) or Role.NONE.label

    @property
    def short_role_label(self) -> str:
        """One word for the page header: the business role, else the duty."""
        if self.role == Role.NONE and self.admin_duty is not None:
            return self.admin_duty.label
        return self.role.label


class LoginThrottle(db.Model):
    """Failed logins per username, whether or not an account of that name exists."""

    username: Mapped[str] = mapped_column(String(60), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
