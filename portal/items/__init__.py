"""Tracked items: suggestions, proposals, letters, concerned cases and referrals, each to a rated reply."""
from flask import Blueprint

from portal.auth.models import STAFF_ROLES, Role

# Defaults of the area's settings (override in instance/config.py).
SETTINGS = {
    "ITEM_DEADLINE_DAYS": {"suggestion": 90, "proposal": 90, "letter": 7, "concerned_case": 30, "referral": 30},
    "ITEM_DEADLINE_FROM": "received",  # the days above count from the receipt (收件) or from "assigned" (交办)
    "ITEM_LETTER_PROPOSAL_DAYS": 5,  # a letter's proposed handling (拟办意见) is due this many days after receipt
    "ITEM_DUE_SOON_DAYS": 3,  # supervised items due within this many days are flagged 即将到期
}

bp = Blueprint("items", __name__, url_prefix="/items")
NAVIGATION = [("交办督办件", "items.index", STAFF_ROLES), ("我的待办", "items.queue", STAFF_ROLES),
              ("我的建议和来信", "items.mine", (Role.DEPUTY,))]

# What the area announces (portal.events), with the audit trail's words for it.
EVENTS = {
    "item.registered": "登记交办督办件",
    "item.assigned": "交办承办部门",
    "item.supervised": "督办",
    "item.reply_final": "正式答复",
    "item.rated": "代表委员评价",
    "item.reopened": "不满意，重新办理",
    "item.closed": "办结",
    "item.escalated": "超期升级督办",
}

from portal.items import messages, models, routes  # noqa: E402,F401
