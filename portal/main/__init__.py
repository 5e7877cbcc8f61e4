"""Home page and health check."""
from flask import Blueprint

from portal.auth.models import BUSINESS_ROLES

bp = Blueprint("main", __name__)
NAVIGATION = [("首页", "main.index", BUSINESS_ROLES)]  # an administrator alone starts on their duty's page

from portal.main import routes  # noqa: E402,F401
