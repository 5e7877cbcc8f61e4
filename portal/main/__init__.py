"""Home page and health check."""
from flask import Blueprint

from portal.auth.models import Role

bp = Blueprint("main", __name__)
NAVIGATION = [("首页", "main.index", tuple(Role))]

from portal.main import routes  # noqa: E402,F401
