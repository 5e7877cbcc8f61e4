"""Duty reports (代表述职): deputies write and submit their annual reports; staff review them, plan the sessions
where deputies report in person to voters, record the voters' evaluation and follow rectification to the end."""
from flask import Blueprint

from portal.auth.models import Role

bp = Blueprint("duty", __name__, url_prefix="/duty")

VIEWERS = (Role.LIAISON, Role.LEADER)  # staff who follow duty reports
NAVIGATION = [("代表述职", "duty.index", VIEWERS), ("我的述职", "duty.mine", (Role.DEPUTY,))]
EVENTS = {
    "report.submitted": "提交述职报告",
    "report.returned": "退回述职报告",
    "report.accepted": "述职报告审查通过",
    "report.filed": "述职报告备案",
    "duty_session.held": "述职会召开",
    "duty_session.closed": "述职会结束",
}

from portal.duty import messages, models, routes  # noqa: E402,F401
