"""Account operations: authentication with lockout, users, departments and courts."""
import hashlib
import re
import secrets
import unicodedata
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, func, select
from sqlalchemy.orm import contains_eager

from portal import audit, events
from portal.auth import policy
from portal.auth.models import (
    Court,
    CourtLevel,
    Department,
    Duty,
    LoginThrottle,
    Role,
    User,
    UserSession,
    hash_password,
    verify_password,
)
from portal.errors import ServiceError
from portal.extensions import db
from portal.models import utcnow


class LoginLocked(Exception):
    """Too many failed logins for this username from this address; try again later."""


_dummy_hashes: dict[str, str] = {}  # hash method -> the hash of a random password, checked for unknown names


def _dummy_hash() -> str:
    from portal.auth import models

    method = models.PASSWORD_HASH_METHOD
    if method not in _dummy_hashes:
        _dummy_hashes[method] = hash_password(secrets.token_hex(16))
    return _dummy_hashes[method]


def _key(username: str) -> str:
    return username.strip().lower()[:60]


def _throttle(key: str, address: str) -> LoginThrottle | None:
    return db.session.scalar(select(LoginThrottle).where(LoginThrottle.username == key,
                                                         LoginThrottle.address == address[:45]))


def check_not_locked(username: str, address: str) -> None:
    """Raise LoginLocked while ``username`` is locked for logins from ``address`` (the attempt is audited)."""
    throttle = _throttle(_key(username), address)
    if throttle and throttle.locked_until and throttle.locked_until > utcnow():
        audit.security("login_failed", success=False, username=_key(username), target=_user(username),
                       detail={"reason": "账户已锁定"})
        raise LoginLocked


def _user(username: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.username) == _key(username)))


def record_failure(username: str, address: str, reason: str = "用户名或密码错误") -> None:
    """One more failed login (password or second factor) of ``username`` from ``address``, audited with
    ``reason``; locks that pair for LOGIN_LOCK_MINUTES at LOGIN_MAX_FAILURES (audited as a lockout)."""
    key, user = _key(username), _user(username)
    audit.security("login_failed", success=False, username=key, target=user, detail={"reason": reason})
    throttle = _throttle(key, address)
    if throttle is None:
        throttle = LoginThrottle(username=key, address=address[:45], failures=0)
        db.session.add(throttle)
    throttle.failures = (throttle.failures or 0) + 1
    if throttle.failures >= current_app.config["LOGIN_MAX_FAILURES"]:
        throttle.failures = 0
        throttle.locked_until = utcnow() + timedelta(minutes=current_app.config["LOGIN_LOCK_MINUTES"])
        audit.security("lockout", success=False, username=key, target=user, detail={
            "reason": f"连续 {current_app.config['LOGIN_MAX_FAILURES']} 次登录失败，"
                      f"锁定 {current_app.config['LOGIN_LOCK_MINUTES']} 分钟", "address": address})
    db.session.flush()


def clear_failures(username: str, address: str | None = None) -> None:
    """Forget the failed logins of ``username`` from ``address`` (None: from everywhere)."""
    query = delete(LoginThrottle).where(LoginThrottle.username == _key(username))
    if address is not None:
        query = query.where(LoginThrottle.address == address[:45])
    db.session.execute(query)


def authenticate(username: str, password: str, address: str = "") -> User | None:
    """The active user with these credentials, or None. Raises LoginLocked while the name is locked for this
    source address.

    Failures are counted per username and address whether or not the account exists, and exactly one password
    hash is checked either way (a dummy one for an unknown name), so neither the answer nor its time tells
    whether an account exists. A hash made with older parameters is redone with the password just checked.
    """
    check_not_locked(username, address)
    user = _user(username)
    if user is None:
        verify_password(_dummy_hash(), password)
    elif user.check_password(password) and user.active:
        clear_failures(username, address)
        if user.needs_rehash:
            user.password_hash = hash_password(password)
        return user
    record_failure(username, address, "账户已停用" if user and not user.active else "用户名或密码错误")
    return None


# --- sessions: one UserSession row per login -----------------------------------------------------------------

def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(user: User, *, user_agent: str, address: str) -> UserSession:
    """A new login of ``user``: its random token goes into the cookie (``user.session_key``), its hash here."""
    now = utcnow()
    token = secrets.token_urlsafe(32)
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id, UserSession.expires_at <= now))
    row = UserSession(token_hash=_digest(token), user=user, created_at=now, last_seen_at=now,
                      expires_at=now + timedelta(hours=current_app.config["SESSION_ABSOLUTE_HOURS"]),
                      user_agent=(user_agent or "")[:200], address=(address or "")[:45])
    db.session.add(row)
    user.last_login_at = now
    user.session_key = token
    db.session.flush()
    audit.security("login", user=user, detail={"session": row.id})
    return row


def session_for(token: str) -> UserSession | None:
    """The live session of an active user whose cookie carries ``token``; None once it ended or expired."""
    row = db.session.scalar(select(UserSession).join(UserSession.user).options(contains_eager(UserSession.user))
                            .where(UserSession.token_hash == _digest(token), User.active.is_(True)))
    now = utcnow()
    if row is None or row.expires_at <= now:
        return None
    if now - row.last_seen_at > timedelta(minutes=1):  # "last seen" to the minute, not a write per request
        row.last_seen_at = now
    row.user.session_key = token
    return row


def live_sessions(user: User) -> list[UserSession]:
    return list(db.session.scalars(select(UserSession).where(UserSession.user_id == user.id,
                                                             UserSession.expires_at > utcnow())
                                   .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())))


def end_session(row: UserSession) -> None:
    db.session.delete(row)
    db.session.flush()


def end_sessions(user: User, *, keep: UserSession | None = None) -> int:
    """End every session of ``user`` but ``keep``; returns how many ended."""
    query = delete(UserSession).where(UserSession.user_id == user.id)
    if keep is not None:
        query = query.where(UserSession.id != keep.id)
    return db.session.execute(query).rowcount


def end_sessions_by_admin(user: User) -> int:
    """The security administrator's "end this user's sessions"; recorded in the audit trail."""
    ended = end_sessions(user)
    events.announce("user.sessions_ended", user, sessions=ended)
    return ended


def own_session(user: User, session_id: int) -> UserSession | None:
    """Session ``session_id`` if it is one of ``user``'s; another's is as good as missing."""
    row = db.session.get(UserSession, session_id)
    return row if row is not None and row.user_id == user.id else None


def change_password(user: User, password: str, *, keep: UserSession | None) -> None:
    """The user's own new password: the forced change is done, the history trimmed, other sessions end."""
    user.set_password(password)
    user.must_change_password = False
    del user.password_history[policy.current().history_count:]
    end_sessions(user, keep=keep)
    db.session.flush()
    audit.security("password_change", user=user)


def generate_password() -> str:
    """A random password that is easy to read out: 16 characters without look-alikes."""
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz23456789"
    return "".join(secrets.choice(alphabet) for _ in range(16))


def password_problem(password: str, user: User | None = None) -> str | None:
    """Why ``password`` breaks the security policy, in Chinese, or None; with ``user``, reuse is checked too."""
    return policy.password_problem(password, user)


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
    """A new account, whose initial password must be changed at the first login; a department of another court, or
    a duty for a deputy or for nobody, is refused (ServiceError)."""
    problem = department_problem(court.id, department) or duty_problem(role, admin_duty)
    if problem:
        raise ServiceError(problem, {"department_id" if department and "部门" in problem else "role": problem})
    user = User(username=username.strip(), display_name=display_name.strip(), role=role, court=court,
                department=department, deputy=deputy, phone=phone, must_change_password=True, admin_duty=admin_duty)
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
    """Give ``user`` ``password`` (or a generated one, returned), to be changed at the next login, and end their
    sessions and any login lock."""
    password = password or generate_password()
    user.set_password(password)
    user.must_change_password = True
    end_sessions(user)
    clear_failures(user.username)
    db.session.flush()
    audit.security("password_reset", target=user)
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


# --- the security administrator's unlocks -------------------------------------------------------------------

def list_locks(*, cursor: str | None, per_page: int, total: int | None, number: int):
    """The username and address pairs locked out now, the latest lock first."""
    from portal.pagination import paginate

    query = select(LoginThrottle).where(LoginThrottle.locked_until > utcnow())
    return paginate(query, [LoginThrottle.locked_until, LoginThrottle.id], cursor=cursor, per_page=per_page,
                    descending=True, total=total, number=number)


def unlock(throttle_id: int) -> LoginThrottle | None:
    """Lift a lock (recorded in the audit trail); None when it no longer exists."""
    throttle = db.session.get(LoginThrottle, throttle_id)
    if throttle is None:
        return None
    events.announce("login_lock.released", throttle, username=throttle.username, address=throttle.address)
    db.session.delete(throttle)
    db.session.flush()
    return throttle
