"""The deputy's own voter work (选民联系): voter-contact activities (问难, 问需, 问计; at least two a year) and the
letters of the deputy's mailbox (代表信箱) with their handling and outcome, recorded by the NPC deputy themself and
read by the staff of the deputy's court."""
from flask import Blueprint

from portal.auth.models import STAFF_ROLES, Role

bp = Blueprint("voters", __name__, url_prefix="/voters")
NAVIGATION = [("联系选民", "voters.index", STAFF_ROLES, "联络工作"), ("联系选民", "voters.mine", (Role.DEPUTY,))]
EVENTS = {"voter_contact.recorded": "登记联系选民活动", "voter_letter.closed": "代表信箱来信办结"}

from portal.voters import models, routes  # noqa: E402,F401
