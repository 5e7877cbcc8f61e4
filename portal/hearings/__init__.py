"""Hearing invitations (邀请代表委员旁听庭审): invite, answer, check in, forum, ratings and letters."""
from flask import Blueprint

from portal.auth.models import STAFF_ROLES, Role

bp = Blueprint("hearings", __name__, url_prefix="/hearings")
NAVIGATION = [("旁听庭审", "hearings.index", STAFF_ROLES), ("我的旁听邀请", "hearings.mine", (Role.DEPUTY,))]
EVENTS = {
    "hearing.moved": "庭审时间或地点变更",
    "hearing.adjourned": "庭审延期",
    "hearing.cancelled": "庭审取消",
    "invitation.sent": "发出旁听邀请",
    "invitation.answered": "答复旁听邀请",
}

from portal.hearings import messages, models, routes  # noqa: E402,F401
