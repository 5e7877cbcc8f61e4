"""The security policy (one SecurityPolicy row, set by the security administrator): the password rules, the
password's maximum age and which roles log in with a second factor."""
from datetime import timedelta
from functools import cache
from pathlib import Path

from flask import current_app

from portal.auth.models import SecurityPolicy, User, verify_password
from portal.extensions import db
from portal.models import utcnow

COMMON_PASSWORDS = Path(__file__).with_name("common_passwords.txt")
CLASSES = ("小写字母", "大写字母", "数字", "符号")


def current() -> SecurityPolicy:
    """The saved policy, or the defaults (not stored) until the security administrator saves one."""
    saved = db.session.get(SecurityPolicy, 1)
    return saved or SecurityPolicy.defaults(production=current_app.config["ENVIRONMENT"] == "production")


def save(**values) -> SecurityPolicy:
    """Store the policy's new values (the audit trail records what changed)."""
    saved = db.session.get(SecurityPolicy, 1)
    if saved is None:
        saved = current()
        db.session.add(saved)
    for key, value in values.items():
        setattr(saved, key, value)
    db.session.flush()
    return saved


@cache
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def classes_of(password: str) -> int:
    """How many of lower case, upper case, digits and symbols ``password`` uses."""
    return sum((any(c.islower() for c in password), any(c.isupper() for c in password),
                any(c.isdigit() for c in password), any(not c.isalnum() for c in password)))


def rules_text(rules: SecurityPolicy | None = None) -> str:
    """The rules as the password forms explain them."""
    rules = rules or current()
    text = f"至少 {rules.min_length} 位，包含{'、'.join(CLASSES)}中的至少 {rules.min_classes} 类"
    if rules.history_count:
        text += f"，不能与最近 {rules.history_count} 次使用过的密码相同"
    return text + "。"


def password_problem(password: str, user: User | None = None) -> str | None:
    """Why ``password`` breaks the policy, in Chinese, or None. With ``user``: not one of their last N passwords."""
    rules = current()
    if len(password) < rules.min_length:
        return f"密码至少需要 {rules.min_length} 位。"
    if classes_of(password) < rules.min_classes:
        return f"密码需包含{'、'.join(CLASSES)}中的至少 {rules.min_classes} 类。"
    if rules.check_common and password.lower() in common_passwords():
        return "该密码过于常见，容易被猜中，请换一个。"
    if user is not None and rules.history_count:
        earlier = [user.password_hash] + [h.password_hash for h in user.password_history]
        if any(verify_password(h, password) for h in earlier[:rules.history_count]):
            return f"新密码不能与最近 {rules.history_count} 次使用过的密码相同。"
    return None


def password_change_due(user: User) -> str | None:
    """Why ``user`` must change their password before going on, in Chinese, or None."""
    if user.must_change_password:
        return "这是初始密码或管理员重置的密码，请先修改密码。"
    rules = current()
    if rules.max_age_days and user.password_changed_at and \
            utcnow() - user.password_changed_at > timedelta(days=rules.max_age_days):
        return f"密码已使用超过 {rules.max_age_days} 天，请修改密码后继续。"
    return None


def twofactor_required(user: User) -> bool:
    required = current().twofactor_roles or []
    return user.role.value in required or (user.admin_duty is not None and user.admin_duty.value in required)
