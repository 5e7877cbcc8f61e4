"""The work calendar (工作日历): hearings, duty-report sessions, activities and item deadlines by month or week,
by type and court; a deputy sees their own. Each area contributes its entries; the calendar downloads as .ics,
and each user may subscribe to a private feed that an administrator can revoke."""
from flask import Blueprint

from portal.auth.models import BUSINESS_ROLES

bp = Blueprint("agenda", __name__, url_prefix="/agenda")
NAVIGATION = [("工作日历", "agenda.index", BUSINESS_ROLES)]

from portal.agenda import models, routes  # noqa: E402,F401
