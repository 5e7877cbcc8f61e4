"""Liaison activities (联络活动): visits, inspections, forums and the other ways the court meets deputies outside
its liaison home, with who took part, what was said and the opinions gathered, each of which may become a
tracked item."""
from flask import Blueprint

from portal.auth.models import STAFF_ROLES

bp = Blueprint("activities", __name__, url_prefix="/activities")
NAVIGATION = [("联络活动", "activities.index", STAFF_ROLES, "联络工作")]
EVENTS = {"activity.recorded": "登记联络活动"}

from portal.activities import models, routes  # noqa: E402,F401
