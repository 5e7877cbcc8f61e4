"""The annual work summary (年度代表联络工作总结): a draft written from the year's records, one section per kind of
work, edited by the liaison office section by section (every save a version), its figures refreshed from the records
on request without touching the prose, and exported in the GB/T 9704 layout."""
from flask import Blueprint

from portal.auth.models import Role

EDITORS = (Role.LIAISON,)
# Leaders read and export. Handlers do not: the summary quotes the court's item figures, which a handler's own
# dashboard narrows to their department.
READERS = (Role.LIAISON, Role.LEADER)

bp = Blueprint("summary", __name__, url_prefix="/summary")
NAVIGATION = [("年度工作总结", "summary.index", READERS, "联络工作")]

from portal.summary import models, routes  # noqa: E402,F401
