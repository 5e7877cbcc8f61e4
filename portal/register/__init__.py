"""The deputy register (代表委员名册)."""
from flask import Blueprint

from portal.auth.models import STAFF_ROLES, Duty

bp = Blueprint("register", __name__, url_prefix="/register")
# The system administrator reads the register (masked) to open deputies' accounts; only staff export it.
READERS = (*STAFF_ROLES, Duty.SYSTEM)
NAVIGATION = [("代表委员名册", "register.index", READERS)]

from portal.register import routes  # noqa: E402,F401
