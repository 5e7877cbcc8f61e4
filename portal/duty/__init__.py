"""Duty reports (代表述职): deputies write and submit their annual reports; staff review them, plan the sessions
where deputies report in person to voters, record the voters' evaluation and follow rectification to the end."""
from flask import Blueprint

from portal.auth.models import Role

bp = Blueprint("duty", __name__, url_prefix="/duty")

VIEWERS = (Role.ADMIN, Role.LIAISON, Role.LEADER)  # staff who follow duty reports
EDITORS = (Role.ADMIN, Role.LIAISON)  # staff who review reports and run sessions
NAVIGATION = [("代表述职", "duty.index", VIEWERS), ("我的述职", "duty.mine", (Role.DEPUTY,))]

from portal.duty import models, routes  # noqa: E402,F401
