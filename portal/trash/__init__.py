"""The recycle bin (回收站): every business record staff delete is kept here, with its dependent rows and files,
until it is restored by the liaison staff or purged for good by the system administrator.

Areas hand a record to ``services.discard`` instead of deleting it outright; see ``portal/trash/services.py``.
"""
from flask import Blueprint

from portal.auth.models import STAFF_ROLES, Duty

bp = Blueprint("trash", __name__, url_prefix="/trash")
VIEWERS = (*STAFF_ROLES, Duty.SYSTEM)  # the deputies never see the bin
NAVIGATION = [("回收站", "trash.index", VIEWERS, "联络工作")]
EVENTS = {"trash.restored": "从回收站恢复", "trash.purged": "从回收站彻底删除"}

from portal.trash import models, routes  # noqa: E402,F401
