"""Account operations: authentication with lockout, users, departments and courts."""
import re
import secrets
import unicodedata
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select

from portal.auth.models import Court, CourtLevel, Department, Duty, LoginThrottle, Role, User
from portal.errors import ServiceError
from portal.extensions import db
from portal.models import utcnow


class LoginLocked(Exception):
    """Too many failed logins for this username; try again later."""


def authenticate(username: str, password: str) -> User | None:
    """The active user with these credentials, or None. Raises LoginLocked while the name is locked.

    Failures are counted per username whether or not the account exists, so the answer never tells
    whether an account exists.
    """
    key = username.strip().lower()[:60]
    throttle = db.session.get(LoginThrottle, key)
    now = utcnow()
    if throttle and throttle.locked_until and throttle.locked_until > now:
        raise LoginLocked
    user = db.session.scalar(select(User).where(func.lower(User.username) == key))
    if user and user.active and user.check_password(password):
        if throttle:
            db.session.delete(throttle)
        user.last_login_at = now
        return user
    if throttle is None:
        throttle = LoginThrottle(username=key, failures=0)
        db.session.add(throttle)
    throttle.failures = (throttle.failures or 0) + 1
    if throttle.failures >= current_app.config["LOGIN_MAX_FAILURES"]:
        throttle.failures = 0
        throttle.locked_until = now + timedelta(minutes=current_app.config["LOGIN_LOCK_MINUTES"])
    return None


def generate_password() -> str:
    """A random password that is easy to read out: 16 characters without look-alikes."""
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz23456789"
    return "".join(secrets.choice(alphabet) for _ in range(16))


def password_problem(password: str) -> str | None:
    """Why ``password`` is too weak, in Chinese, or None."""
    if len(password) < 8:
        return "密码至少需要 8 位。"
    if password.isdigit() or password.isalpha():
        return "密码需同时包含字母和数字。"
    return None


# A mobile number, or a landline with its area code and an optional extension (0571-88886666-123).
PHONE_PATTERN = re.compile(r"^(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(?:-\d{1,6})?)$")


def normalise_phone(phone: str) -> str:
    """A phone number as typed, in half-width digits without spaces or the +86 of a mobile."""
    phone = re.sub(r"[\s()（）]", "", unicodedata.normalize("NFKC", phone or "")).replace("转", "-")
    return re.sub(r"^\+?86(?=1\d{10}$)", "", phone)


def phone_problem(phone: str) -> str | None:
    """Why ``phone`` (normalised) is no phone number, in Chinese, or None; empty is allowed."""
    if phone and not PHONE_PATTERN.match(phone):
        return "联系电话应为 11 位手机号码，或带区号的固定电话，如 0571-88886666 或 0571-88886666-123。"
    return None


def department_problem(court_id: int | None, department: Department | None) -> str | None:
    """Why ``department`` cannot be the department of a user of court ``court_id``, or None."""
    if department is not None and department.court_id != court_id:
        return f"部门“{department.name}”不属于所选法院，请重新选择部门。"
    return None


def create_user(*, username: str, display_name: str, role: Role, court: Court, password: str,
                department: Department | None = None, deputy=None, phone: str = "",
                admin_duty: Duty | None = None) -> User:
    """A new account; a department of another court, or a duty for a deputy or for nobody, is refused
    (ServiceError)."""
    problem = department_problem(court.id, department) or duty_problem(role, admin_duty)
    if problem:
        raise ServiceError(problem, {"department_id" if department and "部门" in problem else "role": problem})
    user = User(username=username.strip(), display_name=display_name.strip(), role=role, court=court,
                department=department, deputy=deputy, phone=phone, admin_duty=admin_duty)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def duty_problem(role: Role, duty: Duty | None) -> str | None:
    """Why an account cannot have this business role and administrator duty, or None."""
    if role == Role.NONE and duty is None:
        return "请选择业务角色或管理职责（至少一项）。"
    if role == Role.DEPUTY and duty is not None:
        return "代表委员账户不能担任管理职责。"
    return None


def username_taken(username: str, exclude_id: int | None = None) -> bool:
    query = select(User.id).where(func.lower(User.username) == username.strip().lower())
    if exclude_id:
        query = query.where(User.id != exclude_id)
    return db.session.scalar(query) is not None


def reset_password(user: User, password: str | None = None) -> str:
    """Give ``user`` ``password`` (or a generated one, returned) and end their sessions and any login lock."""
    password = password or generate_password()
    user.set_password(password)
    user.rotate_session_token()
    throttle = db.session.get(LoginThrottle, user.username.lower())
    if throttle:
        db.session.delete(throttle)
    db.session.flush()
    return password


def court_level(name: str) -> CourtLevel:
    """The level a court's name tells: 某某市中级人民法院, 某某人民法庭, else a basic court."""
    if "中级" in name or "高级" in name or not name:
        return CourtLevel.INTERMEDIATE
    if name.endswith("法庭"):
        return CourtLevel.TRIBUNAL
    return CourtLevel.BASIC


def default_court(*, name: str = "", code: str = "court") -> Court:
    """The deployment's top court (the first one without a parent), created on first use.

    An empty ``name`` leaves the court unnamed: the admin is asked to name it at their first login.
    """
    court = db.session.scalar(select(Court).where(Court.parent_id.is_(None)).order_by(Court.id))
    if court is None:
        court = Court(code=code, name=name, level=court_level(name))
        db.session.add(court)
        db.session.flush()
    return court


def ensure_admin(password: str | None = None) -> tuple[User, str | None]:
    """The first system administrator (no business role), created when there is none: they create the other
    accounts, among them the security and audit administrators. Returns the user and a new password, if any."""
    admin = db.session.scalar(select(User).where(User.admin_duty == Duty.SYSTEM).order_by(User.id))
    if admin:
        return admin, None
    password = password or generate_password()
    admin = create_user(username="admin", display_name="系统管理员", role=Role.NONE, court=default_court(),
                        password=password, admin_duty=Duty.SYSTEM)
    return admin, password
