"""Hearing invitations (邀请代表委员旁听庭审): invite, answer, check in, forum, ratings and letters."""
from flask import Blueprint

from portal.auth.models import STAFF_ROLES, Role

bp = Blueprint("hearings", __name__, url_prefix="/hearings")
NAVIGATION = [("旁听庭审", "hearings.index", STAFF_ROLES), ("我的旁听邀请", "hearings.mine", (Role.DEPUTY,))]

from portal.hearings import models, routes  # noqa: E402,F401
