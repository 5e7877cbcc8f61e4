"""The liaison-home reception log (联络之家来访接待登记): visits, who came, who received them, and follow-ups."""
from flask import Blueprint

from portal.auth.models import STAFF_ROLES, Role

bp = Blueprint("reception", __name__, url_prefix="/reception")
NAVIGATION = [("来访接待", "reception.index", STAFF_ROLES, "联络工作"), ("我的来访", "reception.mine", (Role.DEPUTY,))]

from portal.reception import models, routes  # noqa: E402,F401
