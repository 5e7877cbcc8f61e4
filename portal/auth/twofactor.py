"""Two-factor login: time-based one-time codes (RFC 6238, any authenticator app) and single-use recovery codes.

The secret is stored encrypted with the data key (``portal.crypto``), bound to its user's row; only this module
reads (``secret_of``) or writes (``enrol``) ``User.totp_secret``. A secret that does not decrypt — the server
runs with another data key than the one it was encrypted with, or the value was changed — raises
``SecretUnreadable`` and is logged; the login page says so in words, and recovery codes (only their SHA-256 is
stored, nothing to decrypt) still work.
"""
import hashlib
import hmac
import re
import secrets

import pyotp
import segno
from flask import current_app
from markupsafe import Markup
from sqlalchemy import delete, func, or_, select, update

from portal import clock, crypto, events
from portal.auth.models import RecoveryCode, User
from portal.errors import ServiceError
from portal.extensions import db

RECOVERY_CODES = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no look-alikes: the codes are written on paper


class SecretUnreadable(Exception):
    """The user's stored secret does not decrypt with this server's data key."""


def _context(user_id: int) -> str:
    """What binds an encrypted secret to its row (migration 0023 encrypts with the same)."""
    return f"user.totp_secret:{user_id}"


def secret_of(user: User) -> str | None:
    """The user's base32 secret, decrypted; None without two-factor login; SecretUnreadable (logged) when the
    stored value does not decrypt with this server's data key."""
    if not user.totp_secret:
        return None
    try:
        return crypto.decrypt(user.totp_secret, _context(user.id))
    except crypto.DecryptError as error:
        current_app.logger.error(
            "The two-factor secret of user %s (#%s) cannot be decrypted: %s. Is DATA_KEY (PORTAL_DATA_KEY or "
            "instance/data_key) the key it was encrypted with? A security administrator's reset lets the user "
            "enrol again.", user.username, user.id, error)
        raise SecretUnreadable(str(error)) from error


def unreadable_secrets() -> list[User]:
    """The users whose secret this server's data key does not decrypt (restore checks this)."""
    users = db.session.scalars(select(User).where(User.totp_secret.is_not(None)).order_by(User.id))
    unreadable = []
    for user in users:
        try:
            crypto.decrypt(user.totp_secret, _context(user.id))
        except crypto.DecryptError:
            unreadable.append(user)
    return unreadable


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
    so two app servers given the same code at once accept it once. SecretUnreadable when the secret does not
    decrypt."""
    secret = secret_of(user)
    if secret is None:
        return False
    step = matching_step(secret, code, user.totp_last_step)
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
    if user.id is None:
        db.session.flush()  # the encrypted secret is bound to the row's id
    user.totp_secret, user.totp_last_step = crypto.encrypt(secret, _context(user.id)), step
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
