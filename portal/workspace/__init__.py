"""The deputy's workspace (代表委员工作台): their home page with every area's panel, and the performance archive
(履职档案) by year, which staff can open for any deputy."""
from flask import Blueprint

from portal.auth.models import Role

bp = Blueprint("workspace", __name__, url_prefix="/workspace")
NAVIGATION = [("履职档案", "workspace.archive", (Role.DEPUTY,))]

from portal.workspace import routes  # noqa: E402,F401
