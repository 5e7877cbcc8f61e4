"""Two-factor login: time-based one-time codes (RFC 6238, any authenticator app) and single-use recovery codes."""
import hashlib
import hmac
import re
import secrets

import pyotp
import segno
from flask import current_app
from markupsafe import Markup
from sqlalchemy import delete, func, or_, select, update

from portal import clock, events
from portal.auth.models import RecoveryCode, User
from portal.errors import ServiceError
from portal.extensions import db

RECOVERY_CODES = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no look-alikes: the codes are written on paper


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=current_app.config["TWOFACTOR_ISSUER"])


def qr_svg(uri: str) -> Markup:
    """The enrolment QR code as inline SVG, drawn on the server (no script, nothing from outside)."""
    return Markup(segno.make(uri, error="m").svg_inline(scale=4, dark="#000", title="双因素认证二维码", omitsize=True))


def _digits(code: str) -> str:
    return re.sub(r"\s", "", code or "")


def matching_step(secret: str, code: str, after: int | None = None) -> int | None:
    """The time step (now, or one step either side) whose code is ``code`` and that comes after ``after``."""
    code = _digits(code)
    if not re.fullmatch(r"\d{6}", code):
        return None
    totp = pyotp.TOTP(secret)
    now = totp.timecode(clock.now())
    for step in (now - 1, now, now + 1):
        if (after is None or step > after) and hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def verify_code(user: User, code: str) -> bool:
    """Whether ``code`` is the user's current code, not used before. The step is taken by a conditional UPDATE,
    so two app servers given the same code at once accept it once."""
    if not user.totp_secret:
        return False
    step = matching_step(user.totp_secret, code, user.totp_last_step)
    if step is None:
        return False
    taken = db.session.execute(update(User).where(User.id == user.id, or_(User.totp_last_step.is_(None),
                                                                          User.totp_last_step < step))
                               .values(totp_last_step=step).execution_options(synchronize_session=False))
    db.session.refresh(user, ["totp_last_step"])
    return taken.rowcount == 1


def _code_hash(code: str) -> str:
    return hashlib.sha256(re.sub(r"[\s-]", "", code or "").lower().encode()).hexdigest()


def use_recovery_code(user: User, code: str) -> bool:
    """Whether ``code`` is one of the user's unused recovery codes; it is used up here."""
    used = db.session.execute(update(RecoveryCode).where(RecoveryCode.user_id == user.id,
                                                         RecoveryCode.code_hash == _code_hash(code),
                                                         RecoveryCode.used_at.is_(None))
                              .values(used_at=clock.now()).execution_options(synchronize_session=False))
    return used.rowcount == 1


def recovery_codes_left(user: User) -> int:
    return db.session.scalar(select(func.count()).select_from(RecoveryCode)
                             .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)))


def new_recovery_codes(user: User) -> list[str]:
    """Fresh recovery codes for ``user`` (the earlier ones stop working), returned once to be shown once."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
        db.session.add(RecoveryCode(user_id=user.id, code_hash=_code_hash(raw)))
    db.session.flush()
    return codes


def regenerate_recovery_codes(user: User) -> list[str]:
    codes = new_recovery_codes(user)
    events.announce("user.recovery_codes_renewed", user)
    return codes


def enrol(user: User, secret: str, code: str) -> list[str]:
    """Turn two-factor login on with ``secret`` once ``code`` proves the app has it; returns the recovery codes."""
    step = matching_step(secret, code)
    if step is None:
        raise ServiceError("验证码不正确。请确认手机时间准确，并输入认证应用中当前显示的 6 位数字。",
                           {"code": "验证码不正确。"})
    user.totp_secret, user.totp_last_step = secret, step
    codes = new_recovery_codes(user)
    events.announce("user.twofactor_enrolled", user)
    return codes


def disable(user: User, *, by_admin: bool = False) -> None:
    """Turn two-factor login off; a user whose role requires it cannot do so themselves."""
    from portal.auth.policy import twofactor_required

    if not by_admin and twofactor_required(user):
        raise ServiceError("您的角色须使用双因素认证登录，不能停用。")
    user.totp_secret = user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    events.announce("user.twofactor_reset" if by_admin else "user.twofactor_disabled", user)
    db.session.flush()
