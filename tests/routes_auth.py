"""The account-security and security-administration routes in the role matrix (see tests/route_matrix.py).

A user's own session is reached only by its owner: ``records`` hands one session over to the next user created,
the one the matrix logs in.
"""
from datetime import timedelta

from sqlalchemy import update

from portal import clock
from portal.auth.models import LoginThrottle, UserSession
from portal.extensions import db
from tests.route_matrix import EVERYONE, PUBLIC, SECURITY, hand_to_next_users

MATRIX_TOKEN_HASH = "matrix" + "0" * 58  # no token hashes to this

ROUTES = {
    "auth.login_code": ("GET", "/login/code", PUBLIC),
    "auth.login_enrol": ("GET", "/login/enrol", PUBLIC),
    "auth.account": ("GET", "/account", EVERYONE),
    "auth.end_own_session": ("POST", "/account/sessions/{user_session}/end", EVERYONE),
    "auth.end_other_sessions": ("POST", "/account/sessions/end-others", EVERYONE),
    "auth.enrol": ("GET", "/account/twofactor", EVERYONE),
    "auth.renew_recovery_codes": ("POST", "/account/twofactor/recovery-codes", EVERYONE),
    "auth.disable_twofactor": ("POST", "/account/twofactor/disable", EVERYONE),
    # the security administrator's
    "auth.security.policy_form": ("GET", "/admin/security/", SECURITY),
    "auth.security.locks": ("GET", "/admin/security/locks", SECURITY),
    "auth.security.unlock": ("POST", "/admin/security/locks/{login_lock}/unlock", SECURITY),
    "auth.security.end_sessions": ("POST", "/admin/security/users/{user}/end-sessions", SECURITY),
    "auth.security.reset_twofactor": ("POST", "/admin/security/users/{user}/reset-twofactor", SECURITY),
}


def records(court, make_user, make_deputy, make_department) -> dict:
    owner = make_user()
    now = clock.now()
    row = UserSession(token_hash=MATRIX_TOKEN_HASH, user_id=owner.id, expires_at=now + timedelta(hours=1),
                      user_agent="Matrix", address="10.0.0.9")
    lock = LoginThrottle(username="someone", address="10.0.0.8", failures=0, locked_until=now + timedelta(minutes=10))
    db.session.add_all([row, lock])
    db.session.commit()

    def hand_over(connection, user):
        # by its made-up hash: the listener outlives the module, and later tests' sessions reuse its id
        connection.execute(update(UserSession).where(UserSession.token_hash == MATRIX_TOKEN_HASH)
                           .values(user_id=user.id))

    hand_to_next_users("auth", hand_over)
    return {"user_session": row.id, "login_lock": lock.id}
