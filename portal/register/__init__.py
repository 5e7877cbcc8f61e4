"""The deputy register (代表委员名册)."""
from flask import Blueprint

from portal.auth.models import STAFF_ROLES

bp = Blueprint("register", __name__, url_prefix="/register")
NAVIGATION = [("代表委员名册", "register.index", STAFF_ROLES)]

from portal.register import routes  # noqa: E402,F401
