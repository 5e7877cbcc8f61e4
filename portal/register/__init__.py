"""The deputy register (代表委员名册)."""
from flask import Blueprint

bp = Blueprint("register", __name__, url_prefix="/register")

from portal.register import routes  # noqa: E402,F401
