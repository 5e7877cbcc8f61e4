"""Courts, departments, user accounts and login throttling."""
import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from portal.extensions import db
from portal.models import LabeledEnum, TimestampMixin, UTCDateTime, enum_type, utcnow

# Werkzeug's scrypt with its parameters spelled out: a stored hash that starts otherwise was made with other
# parameters and is redone at the next login (User.needs_rehash). The test suite swaps in a cheap method.
PASSWORD_HASH_METHOD = "scrypt:32768:8:1"


def verify_password(password_hash: str, password: str) -> bool:
    """The one place a password is checked against a hash (tests count the calls)."""
    return check_password_hash(password_hash, password)


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=PASSWORD_HASH_METHOD)


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
                        "court_id": "所属法院", "department_id": "部门", "deputy_id": "关联代表委员", "phone": "电话",
                        "active": "启用", "must_change_password": "须修改密码"}
    __audit_exclude__ = {"password_hash", "session_token", "last_login_at", "password_changed_at", "totp_secret",
                         "totp_last_step"}
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
    # No longer read since sessions are UserSession rows (0021); kept so older SQL and fixtures still insert.
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=lambda: secrets.token_urlsafe(32))
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # An initial or reset password must be changed at the next login; so must one older than the policy allows.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Two-factor login (RFC 6238): the base32 secret, never shown again after enrolment, encrypted with the data
    # key (portal.crypto; read and written only by portal.auth.twofactor), and the last time step accepted, so
    # that a code cannot be used twice.
    totp_secret: Mapped[str | None] = mapped_column(String(255))
    totp_last_step: Mapped[int | None] = mapped_column(Integer)

    court: Mapped[Court] = relationship()
    department: Mapped[Department | None] = relationship(foreign_keys=[department_id])
    deputy: Mapped["Deputy | None"] = relationship(foreign_keys=[deputy_id])  # noqa: F821
    password_history: Mapped[list["PasswordHistory"]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="PasswordHistory.id.desc()")

    def __str__(self) -> str:
        return self.display_name

    @property
    def is_active(self) -> bool:
        return self.active

    # The raw token of the UserSession this request runs in, set at login and by the user loader: Flask-Login keeps
    # it in the cookie, never the user's id, so ending the session row ends the cookie.
    session_key = None  # str | None

    def get_id(self) -> str | None:
        return self.session_key

    def set_password(self, password: str) -> None:
        """A new password; the old hash goes to the history that the policy's "no reuse" checks."""
        if self.password_hash:
            self.password_history.insert(0, PasswordHistory(password_hash=self.password_hash))  # newest first
        self.password_hash = hash_password(password)
        self.password_changed_at = utcnow()

    def check_password(self, password: str) -> bool:
        return verify_password(self.password_hash, password)

    @property
    def needs_rehash(self) -> bool:
        """Whether the stored hash was made with other parameters than PASSWORD_HASH_METHOD."""
        return self.password_hash.split("$", 1)[0] != PASSWORD_HASH_METHOD

    @property
    def twofactor_enabled(self) -> bool:
        return bool(self.totp_secret)

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
    """Failed logins per username and source address, whether or not an account of that name exists: a lock
    keeps one address out of one account, never the account's owner working from elsewhere."""

    __table_args__ = (UniqueConstraint("username", "address"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(60))
    address: Mapped[str] = mapped_column(String(45), default="")
    failures: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)

    def __str__(self) -> str:
        return f"{self.username} @ {self.address}"


class UserSession(db.Model):
    """One login: the cookie carries a random token, the table only its SHA-256. Deleting the row ends the session
    on every app server at once."""

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)  # the absolute lifetime, however active
    user_agent: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(45), default="")
    user: Mapped[User] = relationship()


class PasswordHistory(db.Model):
    """A user's earlier password hashes, for the policy's "not one of the last N"."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RecoveryCode(db.Model):
    """A single-use code for a two-factor login without the phone; only its SHA-256 is stored."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SecurityPolicy(TimestampMixin, db.Model):
    """The security administrator's settings, one row (id 1); until saved, SecurityPolicy.defaults() apply."""

    __audited__ = True
    __audit_label__ = "安全策略"
    __audit_labels__ = {"min_length": "密码最短长度", "min_classes": "密码字符类别数", "history_count": "不得重复最近密码数",
                        "max_age_days": "密码最长使用天数", "check_common": "禁止常见密码", "twofactor_roles": "须双因素登录的角色"}
    id: Mapped[int] = mapped_column(primary_key=True)
    min_length: Mapped[int] = mapped_column(Integer, default=8)
    min_classes: Mapped[int] = mapped_column(Integer, default=3)  # of lower case, upper case, digits, symbols
    history_count: Mapped[int] = mapped_column(Integer, default=5)
    max_age_days: Mapped[int] = mapped_column(Integer, default=90)  # 0: no maximum
    check_common: Mapped[bool] = mapped_column(Boolean, default=True)
    twofactor_roles: Mapped[list] = mapped_column(JSON, default=list)  # Role and Duty values

    def __str__(self) -> str:
        return "安全策略"

    @classmethod
    def defaults(cls, production: bool) -> "SecurityPolicy":
        """The policy before the security administrator saves one: two-factor login for the staff in production."""
        return cls(id=1, min_length=8, min_classes=3, history_count=5, max_age_days=90, check_common=True,
                   twofactor_roles=[r.value for r in (*STAFF_ROLES, *Duty)] if production else [])
