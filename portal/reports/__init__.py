"""Reports (通报与汇报) written from the records: the monthly briefing (每月通报, for the meeting held on the first
Tuesday after the 15th) and the quarterly report to the leading group (每季度向领导小组汇报), each a page and a Word
document in the GB/T 9704 layout.

Every number in them is a figure of the dashboard (``areas.collect("figures", scope)``, ``portal.figures``), under
the same definitions; the lists beside the figures come from the areas' hooks (``outstanding_items``,
``agenda_entries``). The annual summary is ``portal.summary``'s.
"""
from flask import Blueprint

from portal.auth.models import STAFF_ROLES

bp = Blueprint("reports", __name__, url_prefix="/reports")
NAVIGATION = [("每月通报", "reports.briefing", STAFF_ROLES, "联络工作"),
              ("季度汇报", "reports.quarterly", STAFF_ROLES, "联络工作")]

from portal.reports import routes  # noqa: E402,F401
