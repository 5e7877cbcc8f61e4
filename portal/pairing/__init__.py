"""Pairing (结对联络): each court leader's paired deputies and members, when each was last in contact with the
court in any way, and who has not been for too long (``PAIRING_CONTACT_DAYS``, default a quarter)."""
from flask import Blueprint

from portal.auth.models import Role

SETTINGS = {"PAIRING_CONTACT_DAYS": 91}  # a paired deputy without any contact for longer is flagged

bp = Blueprint("pairing", __name__, url_prefix="/pairing")
NAVIGATION = [("结对联络", "pairing.index", (Role.LIAISON,), "联络工作"),
              ("我的结对", "pairing.mine", (Role.LEADER,), "联络工作")]

from portal.pairing import routes  # noqa: E402,F401
