"""Tracked items: suggestions, proposals, letters, concerned cases and referrals, each to a rated reply."""
from flask import Blueprint

from portal.auth.models import STAFF_ROLES, Role

bp = Blueprint("items", __name__, url_prefix="/items")
NAVIGATION = [("交办督办件", "items.index", STAFF_ROLES), ("我的待办", "items.queue", STAFF_ROLES),
              ("我的建议和来信", "items.mine", (Role.DEPUTY,))]

from portal.items import models, routes  # noqa: E402,F401
